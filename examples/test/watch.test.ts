import { afterEach, describe, expect, it } from 'vitest';
import {
  callApi,
  cleanUp,
  runningInstances,
  type ServerExample,
  smallApplication,
  startServerExample,
  tempDir,
  waitUntil,
} from './helpers/api.js';
import { exampleMain, NodeProcess } from './helpers/node-process.js';

afterEach(cleanUp);

/** An event line of the watch example: `#seq app/taskgroup from → to host`. */
const EVENT_LINE = /^#(\d+) ([\w-]+)\/(\S+) (\S+) → (\S+) (\S+)/gm;

interface EventLine {
  readonly index: number;
  readonly seq: number;
  readonly app: string;
  readonly taskgroup: string;
  readonly to: string;
}

function eventLines(output: string): EventLine[] {
  return [...output.matchAll(EVENT_LINE)].map((m) => ({
    index: m.index,
    seq: Number(m[1]),
    app: m[2]!,
    taskgroup: m[3]!,
    to: m[5]!,
  }));
}

/** Sequence numbers strictly increase over every event line: nothing printed twice, nothing out of order. */
function expectStrictlyIncreasing(lines: readonly EventLine[]): void {
  const seqs = lines.map((l) => l.seq);
  for (let i = 1; i < seqs.length; i++)
    expect(seqs[i], `seqs ${seqs.join(',')}`).toBeGreaterThan(seqs[i - 1]!);
}

function startWatch(server: ServerExample, namespace: string, extra: readonly string[] = []) {
  return NodeProcess.start(exampleMain('watch'), ['--url', server.url, '--namespace', namespace, ...extra]);
}

function post(server: ServerExample, namespace: string, name: string, instances: number) {
  return callApi(
    server.url,
    'POST',
    `/namespaces/${namespace}/applications`,
    smallApplication(namespace, name, instances),
  );
}

describe('examples/watch', () => {
  it('starts from a snapshot of the current state, prints each change of its namespace only, exits once 2 are Running', async () => {
    const dataDir = await tempDir('bcs-example-watch-');
    const server = await startServerExample(dataDir);
    expect((await post(server, 'ns-watch', 'first', 1)).status).toBe(200);
    await waitUntil(
      () => runningInstances(server.url, 'ns-watch', 'first'),
      (n) => n === 1,
    );

    const watch = await startWatch(server, 'ns-watch', ['--exit-when-running', '2']);
    const [, snapshotSeq] = await watch.waitFor(
      /^watch: snapshot at #(\d+) \(current state\): 1 taskgroups$/m,
    );
    await watch.waitFor(/^ {2}first\/0\.first\.ns-watch\.\S+ Running 127\.0\.0\.\d+$/m);
    // Another namespace's changes never show; this one's do.
    expect((await post(server, 'ns-other', 'other', 1)).status).toBe(200);
    await waitUntil(
      () => runningInstances(server.url, 'ns-other', 'other'),
      (n) => n === 1,
    );
    expect((await post(server, 'ns-watch', 'second', 1)).status).toBe(200);

    const exit = await watch.waitForExit();
    const output = await watch.output();
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/^watch: 2 taskgroups Running in ns-watch \(wanted 2\): exiting$/m);
    const lines = eventLines(output);
    expect(lines.map((l) => l.app)).not.toContain('other');
    expect(lines.some((l) => l.app === 'second' && l.to === 'Running')).toBe(true);
    expect(lines.every((l) => l.seq > Number(snapshotSeq))).toBe(true);
    expectStrictlyIncreasing(lines);
  });

  it('exits 0 on SIGINT and on SIGTERM', async () => {
    const dataDir = await tempDir('bcs-example-watch-');
    const server = await startServerExample(dataDir);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const watch = await startWatch(server, 'ns-idle');
      await watch.waitFor(/^watch: snapshot at #\d+ \(current state\): 0 taskgroups$/m);
      const exit = await watch.kill(signal);
      expect(exit, await watch.output()).toEqual({ code: 0, signal: null });
    }
  });

  it('exits 1 when the handshake is refused (wrong cluster id), without retrying', async () => {
    const dataDir = await tempDir('bcs-example-watch-');
    const server = await startServerExample(dataDir);
    const watch = await startWatch(server, 'ns-x', ['--cluster-id', 'BCS-OTHER-00002']);
    const exit = await watch.waitForExit();
    const output = await watch.output();
    expect(exit, output).toEqual({ code: 1, signal: null });
    expect(output).toMatch(/^watch: handshake refused: HTTP 400 .*"code":1405234/m);
    expect(output).not.toContain('reconnecting');
  });

  it('resumes with since=<last seq> after the server is killed and restarted: misses nothing, repeats nothing', async () => {
    const dataDir = await tempDir('bcs-example-watch-');
    let server = await startServerExample(dataDir);
    const watch = await startWatch(server, 'ns-resume', ['--exit-when-running', '2']);
    await watch.waitFor(/^watch: snapshot at #\d+ \(current state\): 0 taskgroups$/m);
    expect((await post(server, 'ns-resume', 'first', 1)).status).toBe(200);
    await watch.waitFor(/^#\d+ first\/\S+ \S+ → Running /m);

    // Pause the watch, crash the server (no close frame) and restart it on the same port and data dir, then
    // run a second application to Running: its events happen while the watch is away, so it sees them only
    // if it resumes from where it was.
    watch.signal('SIGSTOP');
    try {
      await server.process.kill('SIGKILL');
      server = await startServerExample(dataDir, server.port);
      expect((await post(server, 'ns-resume', 'second', 1)).status).toBe(200);
      await waitUntil(
        () => runningInstances(server.url, 'ns-resume', 'second'),
        (n) => n === 1,
      );
    } finally {
      watch.signal('SIGCONT');
    }

    const exit = await watch.waitForExit();
    const output = await watch.output();
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/^watch: disconnected: connection lost \(1006\); retrying/m);
    const disconnectedAt = output.indexOf('watch: disconnected');
    const lines = eventLines(output);
    const before = lines.filter((l) => l.index < disconnectedAt);
    const after = lines.filter((l) => l.index > disconnectedAt);
    const lastSeq = before.at(-1)!.seq;
    // Every attempt asked for the events after the last one printed…
    const sinces = [...output.matchAll(/^watch: reconnecting with since=(\d+)$/gm)].map((m) => Number(m[1]));
    expect(sinces.length).toBeGreaterThan(0);
    expect(new Set(sinces)).toEqual(new Set([lastSeq]));
    // …and got them from the log, which survived the crash: no resync, the second application's whole history.
    expect(output.slice(disconnectedAt)).not.toContain('resync');
    expect(after.filter((l) => l.app === 'second').map((l) => l.to)).toEqual([
      'Pending',
      'Staging',
      'Starting',
      'Running',
    ]);
    expect(after.every((l) => l.seq > lastSeq)).toBe(true);
    expectStrictlyIncreasing(lines);
  });
});
