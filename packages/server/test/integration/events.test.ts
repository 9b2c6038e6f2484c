import { anApplication } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { EventClient, refusedUpgrade, type WireEvent } from './helpers/event-client.js';
import { CLUSTER_ID, ServerProcess } from './helpers/server-process.js';

// The WebSocket event stream of the real `bcs-scheduler` process, on real sockets, with its LevelDB store
// and simulated cluster.

let server: ServerProcess | undefined;
const clients: EventClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.dispose();
  server = undefined;
});

async function connect(query: Record<string, string | number> = {}): Promise<EventClient> {
  const client = await EventClient.connect(server!.url, query);
  clients.push(client);
  return client;
}

function app(name: string, namespace: string, instances: number) {
  const body = anApplication({ metadata: { name, namespace }, spec: { instance: instances } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.01', memory: '1' } };
  return body;
}

async function create(name: string, namespace: string, instances: number): Promise<void> {
  const res = await server!.call(
    'POST',
    `/namespaces/${namespace}/applications`,
    app(name, namespace, instances),
  );
  expect(res.status).toBe(200);
}

const running = (events: readonly WireEvent[], namespace: string, application: string) =>
  new Set(
    events
      .filter(
        (e) => e.kind === 'taskgroup.status' && e.namespace === namespace && e.application === application,
      )
      .filter((e) => e.to === 'Running')
      .map((e) => e.taskgroup),
  ).size;

const seqs = (events: readonly WireEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Everything the log retains, read by a fresh subscriber from the start. */
async function history(): Promise<WireEvent[]> {
  const reader = await connect({ since: 0 });
  await reader.until((c) => c.messages.length > 0);
  const newest = reader.messages[0]!.seq as number;
  await reader.until((c) => c.lastSeq() >= newest);
  await reader.close();
  return reader.events();
}

describe('event stream handshake', () => {
  it('refuses a missing or wrong cluster id and bad filters, on both prefixes', async () => {
    server = await ServerProcess.start();
    const missing = await refusedUpgrade(server.url, '', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ result: false, code: 1405234, data: null });
    expect(missing.body.message).toMatch(/BCS-ClusterID/);
    const wrong = await refusedUpgrade(server.url, '', { 'BCS-ClusterID': 'BCS-OTHER-1' });
    expect(wrong).toMatchObject({ status: 400, body: { code: 1405234 } });
    expect(wrong.body.message).toMatch(/does not match/);
    const wrongQuery = await refusedUpgrade(server.url, '?clusterId=BCS-OTHER-1', {});
    expect(wrongQuery).toMatchObject({ status: 400, body: { code: 1405234 } });
    const badSince = await refusedUpgrade(server.url, '?since=-1', { 'BCS-ClusterID': CLUSTER_ID });
    expect(badSince).toMatchObject({ status: 400, body: { result: false, code: 1405007, data: null } });
    expect(badSince.body.message).toMatch(/since/);
    const badKind = await refusedUpgrade(server.url, '?kinds=taskgroup.nope', {
      'BCS-ClusterID': CLUSTER_ID,
    });
    expect(badKind.body.message).toMatch(/kinds/);
    // A browser passes the cluster id as a query parameter; the /bcsapi prefix works the same.
    const browser = await EventClient.connect(server.url, { clusterId: CLUSTER_ID }, {});
    clients.push(browser);
    await browser.until((c) => c.messages[0]?.type === 'hello');
    const prefixed = await refusedUpgrade(`${server.url}/bcsapi`, '', {});
    expect(prefixed).toMatchObject({ status: 400, body: { code: 1405234 } });
    const viaBcsapi = await EventClient.connect(`${server.url}/bcsapi`);
    clients.push(viaBcsapi);
    await viaBcsapi.until((c) => c.messages[0]?.type === 'hello');
  });
});

describe('event stream', () => {
  it('delivers only what the filters select', async () => {
    server = await ServerProcess.start(['--sim-agents', '3']);
    const byNamespace = await connect({ namespace: 'ns-a', kinds: 'taskgroup.status' });
    const byApp = await connect({ application: 'web' });
    const byKind = await connect({ kinds: 'application.status,deployment.status' });
    await create('web', 'ns-a', 2);
    await create('db', 'ns-a', 1);
    await create('web', 'ns-b', 2);
    await byApp.until(
      (c) => running(c.events(), 'ns-a', 'web') === 2 && running(c.events(), 'ns-b', 'web') === 2,
    );
    await byNamespace.until(
      (c) => running(c.events(), 'ns-a', 'db') === 1 && running(c.events(), 'ns-a', 'web') === 2,
    );
    const all = await history();
    const newest = all.at(-1)!.seq;
    // Each client gets exactly the events its filter selects, in order: all of them up to the history's end.
    const check = async (client: EventClient, want: (e: WireEvent) => boolean) => {
      const expected = seqs(all.filter(want));
      expect(expected.length).toBeGreaterThan(0);
      const upToNewest = () => client.events().filter((e) => e.seq <= newest);
      await client.until(() => upToNewest().length >= expected.length);
      expect(seqs(upToNewest())).toEqual(expected);
      expect(client.events().every(want)).toBe(true);
    };
    await check(byNamespace, (e) => e.namespace === 'ns-a' && e.kind === 'taskgroup.status');
    await check(byApp, (e) => e.application === 'web');
    await check(byKind, (e) => e.kind === 'application.status');
  });

  it('resumes with since after a disconnect: every event exactly once, in order', async () => {
    server = await ServerProcess.start(['--sim-agents', '3']);
    const first = await connect({ since: 0 });
    await create('web', 'ns-a', 3);
    await first.until((c) => c.events().length >= 3);
    await first.close();
    const resumeAt = first.lastSeq();
    await create('api', 'ns-a', 2);
    const second = await connect({ since: resumeAt });
    await second.until(
      (c) =>
        running(c.events(), 'ns-a', 'api') === 2 &&
        running([...first.events(), ...c.events()], 'ns-a', 'web') === 3,
    );
    const received = [...first.events(), ...second.events()];
    expect(seqs(received)).toEqual(range(1, received.length));
    const all = await history();
    expect(received).toEqual(all.slice(0, received.length));
  });

  it('resumes across a SIGKILL and restart: every event exactly once, in order', async () => {
    server = await ServerProcess.start(['--sim-agents', '3']);
    const before = await connect({ since: 0 });
    await create('web', 'ns-a', 3);
    await before.until((c) => running(c.events(), 'ns-a', 'web') === 3);
    await server.crashAndRestart();
    const crash = await before.closed;
    expect(crash.code).toBe(1006);
    clients.splice(clients.indexOf(before), 1);
    const after = await connect({ since: before.lastSeq() });
    const scaled = await server.call('PUT', '/namespaces/ns-a/applications/web/scale/5');
    expect(scaled.status).toBe(200);
    await after.until((c) => running(c.events(), 'ns-a', 'web') === 2);
    const received = [...before.events(), ...after.events()];
    expect(seqs(received)).toEqual(range(1, received.length));
    const all = await history();
    expect(received).toEqual(all.slice(0, received.length));
    expect(after.messages[0]).toMatchObject({ type: 'hello', oldest: 1 });
    expect(after.messages.some((m) => m.type === 'resync')).toBe(false);
  });

  it('answers a since past retention with a resync and a snapshot, then continues live', async () => {
    server = await ServerProcess.start(['--sim-agents', '3', '--event-retention', '10']);
    const watcher = await connect();
    await create('web', 'ns-a', 3);
    await watcher.until((c) => running(c.events(), 'ns-a', 'web') === 3);
    // Housekeeping (every second) drops whole commits past the newest 10 events.
    let late = await connect({ since: 1, namespace: 'ns-a' });
    await late.until((c) => c.messages.length >= 2);
    for (let tries = 0; late.messages[1]?.type !== 'resync' && tries < 50; tries++) {
      await late.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      late = await connect({ since: 1, namespace: 'ns-a' });
      await late.until((c) => c.messages.length >= 2);
    }
    const [hello, resync] = late.messages;
    expect(hello).toMatchObject({ type: 'hello' });
    expect(hello!.oldest).toBeGreaterThan(2);
    expect(resync).toMatchObject({ type: 'resync' });
    expect(resync!.reason).toMatch(/no longer retained/);
    expect(resync!.snapshot.applications).toEqual([
      expect.objectContaining({ namespace: 'ns-a', application: 'web', status: 'Running', instances: 3 }),
    ]);
    expect(resync!.snapshot.taskgroups.map((t: { status: string }) => t.status)).toEqual([
      'Running',
      'Running',
      'Running',
    ]);
    await server.call('PUT', '/namespaces/ns-a/applications/web/scale/4');
    await late.until((c) => running(c.events(), 'ns-a', 'web') === 1);
    expect(late.events()[0]!.seq).toBe(resync!.seq + 1);
    expect(seqs(late.events())).toEqual(range(resync!.seq + 1, late.lastSeq()));
  });

  it('closes a subscriber that stops reading with 4008 and the last sequence sent', async () => {
    server = await ServerProcess.start([
      '--sim-agents',
      '100',
      '--event-buffer',
      '65536',
      '--event-stall',
      '1',
    ]);
    const reader = await connect({ since: 0 });
    const stalled = await connect({ since: 0 });
    // Stop reading: the kernel buffers fill, then the server's bound.
    stalled.socket.pause();
    await create('web', 'ns-a', 6000);
    // The server logs the close (at warn) once the client has stayed past the bound for a second. Resume at
    // once: the client must read up to the close frame within the close grace (5 s), or it is terminated (1006).
    const deadline = Date.now() + 55_000;
    while (!server.log.includes('slow consumer closed') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.log).toContain('slow consumer closed');
    stalled.socket.resume();
    const closed = await stalled.closed;
    await reader.until((c) => running(c.events(), 'ns-a', 'web') === 6000, 55_000);
    expect(closed.code).toBe(4008);
    const { lastSeq } = JSON.parse(closed.reason) as { lastSeq: number };
    expect(lastSeq).toBe(stalled.lastSeq());
    expect(lastSeq).toBeLessThan(reader.lastSeq());
    // What it got is a gap-free prefix: resuming from lastSeq loses nothing.
    expect(seqs(stalled.events())).toEqual(range(1, lastSeq));
    const resumed = await connect({ since: lastSeq });
    await resumed.until((c) => c.lastSeq() >= reader.lastSeq());
    expect(seqs([...stalled.events(), ...resumed.events()]).slice(0, reader.lastSeq())).toEqual(
      range(1, reader.lastSeq()),
    );
  }, 90_000);
});
