import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPS,
  countStatus,
  type MesosLink,
  type SimTask,
  smallApp,
  type TaskGroupView,
} from './helpers/real-mesos.js';
import { callApi } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// The root README's two-terminal quick start, run as written: its two commands are read from the README, and
// run through what they resolve to once built (`pnpm exec bcs-mesos-sim` → node_modules/.bin/bcs-mesos-sim,
// `pnpm start --` → scripts/start.mjs, which the `start` script runs after installing and building). Two
// things differ, so that the test neither collides with a server already running nor writes into the clone:
// the master's port 5050 becomes a free port in both commands, the scheduler's default port 8899 becomes a
// free one ($BCS_PORT=0, so the command's flags stay as written), and both run in a temporary directory, where
// `./data` and `./.bcs-mesos-sim` land.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLUSTER = { 'BCS-ClusterID': 'BCS-LOCAL-00001' };

/** The two command lines of the README's "Two terminals" section, in order. */
function quickStartCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Two terminals'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('pnpm '));
}

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

interface Running {
  child: ChildProcess;
  output: string;
  url: string;
  exit: Promise<number | null>;
}

/** Spawns `file args` in `cwd` and resolves once it printed `listening on URL`. */
function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(file, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: Running = {
    child,
    output: '',
    url: '',
    exit: new Promise((done) => child.once('exit', (code) => done(code))),
  };
  children.push(running);
  return new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${running.output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      running.output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(running.output);
      if (match !== null && running.url === '') {
        running.url = match[1]!;
        clearTimeout(timer);
        done(running);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void running.exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}:\n${running.output}`));
    });
  });
}

let children: Running[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const { child } of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exit));
  children = [];
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the README's two-terminal quick start", () => {
  it('bcs-mesos-sim, then the scheduler pointed at it: subscribed, an application Running, Ctrl-C exits 0', async () => {
    const commands = quickStartCommands();
    expect(commands).toEqual([
      expect.stringMatching(/^pnpm exec bcs-mesos-sim /),
      expect.stringMatching(/^pnpm start -- /),
    ]);
    const port = String(await freePort());
    const [simArgs, schedulerArgs] = commands.map((line) =>
      line
        .replace(/^pnpm exec bcs-mesos-sim /, '')
        .replace(/^pnpm start /, '')
        .replaceAll('5050', port)
        .split(/\s+/),
    ) as [string[], string[]];
    dir = await mkdtemp(join(tmpdir(), 'bcs-quickstart-'));

    // Terminal 1.
    const sim = await run(join(ROOT, 'node_modules/.bin/bcs-mesos-sim'), simArgs, dir);
    expect(sim.url).toBe(`http://127.0.0.1:${port}`);
    // Terminal 2.
    const scheduler = await run(process.execPath, [join(ROOT, 'scripts/start.mjs'), ...schedulerArgs], dir, {
      BCS_PORT: '0',
    });
    expect(scheduler.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const link = await waitFor(
      async () =>
        (await callApi(scheduler.url, 'GET', '/cluster/endpoints', undefined, CLUSTER)).body.data
          .mesos as MesosLink,
      (mesos) => mesos.state === 'subscribed',
    );
    expect(link.master).toBe(sim.url);
    const state = await (await fetch(`${sim.url}/admin/state`)).json();
    // "a simulated Mesos master with 10 agents", its state in ./.bcs-mesos-sim; the scheduler's in ./data.
    expect(state).toMatchObject({ agents: 10, subscribed: true, frameworkId: link.frameworkId });
    expect(existsSync(join(dir, '.bcs-mesos-sim'))).toBe(true);
    expect(existsSync(join(dir, 'data'))).toBe(true);

    expect((await callApi(scheduler.url, 'POST', APPS, smallApp(3), CLUSTER)).status).toBe(200);
    const groups = await waitFor(
      async () =>
        (await callApi(scheduler.url, 'GET', `${APPS}/app-test/taskgroups`, undefined, CLUSTER)).body
          .data as TaskGroupView[],
      (list) => countStatus(list, 'Running') === 3,
    );
    const tasks = (await (await fetch(`${sim.url}/admin/tasks`)).json()) as SimTask[];
    expect(tasks.map((t) => t.taskId).sort()).toEqual(
      groups.flatMap((tg) => tg.Taskgroup.map((t) => t.ID)).sort(),
    );

    // Ctrl-C in each terminal.
    scheduler.child.kill('SIGINT');
    expect(await scheduler.exit).toBe(0);
    sim.child.kill('SIGINT');
    expect(await sim.exit).toBe(0);
  }, 60_000);
});
