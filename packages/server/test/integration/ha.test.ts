import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from '@bcs/store-etcd';
import { aConfigMap } from '@bcs/testing/builders';
import { type EtcdCluster, startEtcd } from '@bcs/testing/etcd';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_DEPOSED } from '../../src/replica.js';
import { MesosSimProcess } from './helpers/mesos-sim-process.js';
import { APPS, callLog, launchedTaskIds, repeated, smallApp } from './helpers/real-mesos.js';
import { BIN, CLUSTER_ID, callApi } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// Issue 14 §2–3 with real processes on loopback: a 3-member etcd, `bcs-mesos-sim`, and `bcs-scheduler`
// replicas on `--store etcd://… --leader-ttl 2`: one leads, the others wait; a leader killed or paused past its
// TTL is replaced, a paused one that wakes up is fenced and exits EXIT_DEPOSED without touching Mesos.

const TTL = 2;
let etcd: EtcdCluster;
let sim: MesosSimProcess;
let replicas: Replica[] = [];

/** A `bcs-scheduler` replica child process: its output, and when it leads, its URL. */
class Replica {
  output = '';
  readonly exited: Promise<number | null>;
  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  static async start(options: { etcd?: EtcdCluster; env?: Record<string, string> } = {}): Promise<Replica> {
    const dataDir = await mkdtemp(join(tmpdir(), 'bcs-ha-'));
    const on = options.etcd ?? etcd;
    const store = `etcd://${on.endpoints.map((url) => url.replace('http://', '')).join(',')}`;
    const child = spawn(
      process.execPath,
      [
        BIN,
        ...['--port', '0', '--data-dir', dataDir, '--cluster-id', CLUSTER_ID],
        ...['--store', store, '--leader-ttl', String(TTL), '--mesos-master', sim.urls[0] as string],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BCS_LOG_LEVEL: 'warn', ...options.env } },
    );
    const replica = new Replica(child, dataDir);
    replicas.push(replica);
    return replica;
  }

  get url(): string | undefined {
    return /listening on (http:\/\/\S+)/.exec(this.output)?.[1];
  }

  get following(): boolean {
    return /following leader/.test(this.output);
  }

  /** The URL it answers on as a follower. */
  get followerUrl(): string | undefined {
    return /following leader \S+; on (http:\/\/\S+) until elected/.exec(this.output)?.[1];
  }

  /** Waits until this replica leads (prints its URL), failing after `ms`. */
  async leads(ms = 30_000): Promise<string> {
    await waitFor(
      async () => this.url,
      (url) => url !== undefined || this.child.exitCode !== null,
      undefined,
      ms,
    );
    if (this.url === undefined) throw new Error(`replica exited:\n${this.output}`);
    return this.url;
  }

  async call(method: string, path: string, body?: unknown) {
    return callApi(this.url as string, method, path, body);
  }
}

beforeAll(async () => {
  etcd = await startEtcd({ members: 3, args: ['--max-txn-ops=1024'] });
  sim = await MesosSimProcess.start(['--agents', '4', '--heartbeat-seconds', '1']);
}, 90_000);
afterEach(async () => {
  for (const replica of replicas) {
    if (replica.child.exitCode === null && replica.child.signalCode === null) {
      replica.child.kill('SIGCONT');
      replica.child.kill('SIGKILL');
      await replica.exited;
    }
    await rm(replica.dataDir, { recursive: true, force: true });
  }
  replicas = [];
});
afterAll(async () => {
  await sim?.dispose();
  await etcd?.stop();
});

type TaskGroup = { ID: string; Status: string };
const taskgroups = (replica: Replica, app: string) =>
  replica.call('GET', `${APPS}/${app}/taskgroups`).then((res) => (res.body.data ?? []) as TaskGroup[]);
const allRunning = (count: number) => (list: TaskGroup[]) =>
  list.length === count && list.every((tg) => tg.Status === 'Running');

describe('bcs-scheduler replicas on etcd: election and fencing', () => {
  it('a follower takes over from a SIGKILLed leader: answered writes are there, no task launched twice or lost', async () => {
    const a = await Replica.start();
    const aUrl = await a.leads();
    const b = await Replica.start();
    await waitFor(
      async () => b.following,
      (following) => following,
    );
    expect(b.url).toBeUndefined();
    // The follower: the replica list (both, a leading), and 307 to the leader for anything else.
    const bFollower = b.followerUrl as string;
    // b registers as it starts campaigning, just after it printed its URL.
    const listed = await waitFor(
      () => callApi(bFollower, 'GET', '/cluster/endpoints'),
      (res) => res.status === 200 && res.body.data.mesosscheduler.length === 2,
    );
    const leaders = (list: { url: string; leader: boolean }[]) =>
      list
        .filter((r) => r.leader)
        .map((r) => r.url)
        .sort();
    expect(leaders(listed.body.data.mesosscheduler)).toEqual([aUrl]);
    expect(listed.body.data.mesosscheduler.map((r: { url: string }) => r.url).sort()).toEqual(
      [aUrl, bFollower].sort(),
    );
    expect(leaders((await a.call('GET', '/cluster/endpoints')).body.data.mesosscheduler).sort()).toEqual([
      aUrl,
    ]);
    const redirected = await fetch(`${bFollower}/v4/scheduler/mesos/namespaces/defaultGroup/configmaps?x=1`, {
      method: 'POST',
      redirect: 'manual',
      body: '{}',
    });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('location')).toBe(
      `${aUrl}/v4/scheduler/mesos/namespaces/defaultGroup/configmaps?x=1`,
    );

    // The event stream too: the upgrade is answered 307 to the leader's stream.
    const upgrade = await new Promise<{ status: number | undefined; location: string | undefined }>(
      (done, fail) => {
        const req = request(`${bFollower}/v4/scheduler/mesos/events`, {
          headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
        });
        req.on('response', (res) => {
          res.resume();
          done({ status: res.statusCode, location: res.headers.location });
        });
        req.on('upgrade', () => fail(new Error('the follower upgraded')));
        req.on('error', fail);
        req.end();
      },
    );
    expect(upgrade).toEqual({ status: 307, location: `${aUrl}/v4/scheduler/mesos/events` });

    expect((await a.call('POST', APPS, smallApp(12, 'ha-kill'))).status).toBe(200);
    const before = await waitFor(() => taskgroups(a, 'ha-kill'), allRunning(12), undefined, 60_000);
    // Writes under way when the leader dies: every one answered 200 must be on the new leader.
    const answered: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const name = `ha-cm-${i}`;
        const res = await a
          .call('POST', '/namespaces/defaultGroup/configmaps', aConfigMap({ metadata: { name } }))
          .catch(() => undefined);
        if (res?.status === 200) answered.push(name);
        if (res === undefined) return;
      }
    })();
    await waitFor(
      async () => answered.length,
      (n) => n >= 10,
    );
    a.child.kill('SIGKILL');
    await a.exited;
    writing = false;
    await writer;
    const bUrl = await b.leads(TTL * 1000 + 15_000);
    // The new leader keeps the port it followed on; a, its lease gone, is no longer listed.
    expect(bUrl).toBe(bFollower);
    const now = (await b.call('GET', '/cluster/endpoints')).body.data.mesosscheduler;
    expect(now.map((r: { url: string; leader: boolean }) => [r.url, r.leader])).toEqual([[bUrl, true]]);

    for (const name of answered)
      expect((await b.call('GET', `/namespaces/defaultGroup/configmaps/${name}`)).status).toBe(200);
    const after = await waitFor(() => taskgroups(b, 'ha-kill'), allRunning(12), undefined, 60_000);
    expect(after.map((tg) => tg.ID).sort()).toEqual(before.map((tg) => tg.ID).sort());
    // The new leader schedules: a scale-up runs, and no task id was ever launched twice.
    expect((await b.call('PUT', `${APPS}/ha-kill/scale/14`)).status).toBe(200);
    await waitFor(() => taskgroups(b, 'ha-kill'), allRunning(14), undefined, 60_000);
    const launched = launchedTaskIds(await callLog(sim));
    expect(repeated(launched)).toEqual([]);
    const tasks = await sim.admin<{ taskId: string }[]>('/admin/tasks');
    expect(new Set(tasks.map((t) => t.taskId)).size).toBeGreaterThanOrEqual(14);
  }, 180_000);

  it('a leader paused past its TTL is replaced; resumed, it exits EXIT_DEPOSED and sends nothing on its stale stream', async () => {
    const a = await Replica.start();
    await a.leads();
    const b = await Replica.start();
    await waitFor(
      async () => b.following,
      (following) => following,
    );
    expect((await a.call('POST', APPS, smallApp(4, 'ha-pause'))).status).toBe(200);
    await waitFor(() => taskgroups(a, 'ha-pause'), allRunning(4), undefined, 60_000);

    a.child.kill('SIGSTOP');
    await b.leads(TTL * 1000 + 15_000);
    // The new leader's stream: the one its calls carry once it has subscribed (it reconciles first thing).
    const streams = () => sim.admin<(string | null)[]>('/admin/call-streams');
    const subscribedAt = (await callLog(sim)).findLastIndex((call) => call.type === 'SUBSCRIBE');
    const withB = await waitFor(streams, (ids) => ids.slice(subscribedAt + 1).some((id) => id !== null));
    const bStream = withB.slice(subscribedAt + 1).find((id) => id !== null);
    const mark = (await streams()).length;

    a.child.kill('SIGCONT');
    expect(await a.exited).toBe(EXIT_DEPOSED);
    // Everything the simulator received since a resumed came on the new leader's stream.
    const since = (await streams()).slice(mark);
    expect(since.filter((id) => id !== bStream)).toEqual([]);
    // b leads on: it writes and schedules.
    expect((await b.call('PUT', `${APPS}/ha-pause/scale/5`)).status).toBe(200);
    await waitFor(() => taskgroups(b, 'ha-pause'), allRunning(5), undefined, 60_000);
    expect(repeated(launchedTaskIds(await callLog(sim)))).toEqual([]);
  }, 180_000);

  it('SIGTERM: a follower stops campaigning and leaves the list at once; the leader resigns, exiting 0', async () => {
    const a = await Replica.start();
    const aUrl = await a.leads();
    const b = await Replica.start();
    const listed = () =>
      a.call('GET', '/cluster/endpoints').then((res) => res.body.data.mesosscheduler.length);
    await waitFor(listed, (n) => n === 2);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    // Its lease was revoked, not left to expire.
    expect(await listed()).toBe(1);
    const c = await Replica.start();
    await waitFor(
      async () => c.following,
      (following) => following,
    );
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    // The leader resigned: c leads well before a TTL would have expired.
    expect(await c.leads(TTL * 1000)).not.toBe(aUrl);
  }, 120_000);

  it('etcd: one member killed changes nothing; two killed, the leader steps down and nothing is written until quorum returns', async () => {
    const a = await Replica.start();
    await a.leads();
    const b = await Replica.start();
    await waitFor(
      async () => b.following,
      (following) => following,
    );
    const configmap = (name: string) => aConfigMap({ metadata: { name } });
    await etcd.kill(2);
    expect((await a.call('POST', '/namespaces/defaultGroup/configmaps', configmap('q-1'))).status).toBe(200);
    expect(a.child.exitCode).toBeNull();

    await etcd.kill(1);
    // No quorum: the leader's keep-alives fail, and it stops within TTL/2 (+ the keep-alive period).
    expect(await a.exited).toBe(EXIT_DEPOSED);
    expect(b.url).toBeUndefined();

    await etcd.restart(1);
    await etcd.restart(2);
    const bUrl = await b.leads(TTL * 1000 + 30_000);
    expect((await callApi(bUrl, 'GET', '/namespaces/defaultGroup/configmaps/q-1')).status).toBe(200);
    expect(
      (await callApi(bUrl, 'POST', '/namespaces/defaultGroup/configmaps', configmap('q-2'))).status,
    ).toBe(200);
  }, 180_000);

  it('talks to an etcd with authentication as --etcd-user with $BCS_ETCD_PASSWORD; without them it cannot start', async () => {
    const own = await startEtcd({ members: 1 });
    const admin = new Etcd3({ hosts: [...own.endpoints] });
    try {
      await admin.role('root').create();
      await (await admin.user('root').create('s3cret')).addRole('root');
      await admin.auth.authEnable();
      const refused = await Replica.start({ etcd: own });
      expect(await refused.exited).toBe(1);
      const replica = await Replica.start({
        etcd: own,
        env: { BCS_ETCD_USER: 'root', BCS_ETCD_PASSWORD: 's3cret' },
      });
      await replica.leads();
      const name = 'auth-cm';
      expect(
        (
          await replica.call(
            'POST',
            '/namespaces/defaultGroup/configmaps',
            aConfigMap({ metadata: { name } }),
          )
        ).status,
      ).toBe(200);
      expect((await replica.call('GET', `/namespaces/defaultGroup/configmaps/${name}`)).status).toBe(200);
    } finally {
      admin.close();
      await own.stop();
    }
  }, 120_000);
});
