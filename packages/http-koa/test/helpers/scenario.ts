import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScheduler, type EngineOptions, type Scheduler, SchedulerEngine } from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { createLevelStore } from '@bcs/store-level';
import { ManualClock, SequentialIds } from '@bcs/testing/fakes';
import request from 'supertest';
import { container as rootContainer } from 'tsyringe';
import { createHttpApp, type HttpApp } from '../../src/index.js';

// Route-family scenarios in this process: the koa app's callback (supertest), core, LevelDB on disk and the
// simulated cluster the command runs by default (3 agents like the API document's offer), all on one manual
// clock. Waiting is simulated time, so a rollout that takes 30 s on the wall clock takes milliseconds here.

export const CLUSTER_ID = 'BCS-SCENARIO-00001';
export const V4 = '/v4/scheduler/mesos';
/** The API document's creation time of its example, so ids and `-v<seconds>` names are stable. */
export const START = Date.UTC(2026, 10, 24, 6, 0, 0);

/** The v4 envelope as the tests read it. */
export interface Envelope {
  result: boolean;
  code: number;
  message: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary data shapes.
  data: any;
}

export interface ScenarioServer {
  readonly clock: ManualClock;
  readonly app: HttpApp;
  readonly scheduler: Scheduler;
  readonly cluster: SimulatedCluster;
  /**
   * Calls the v4 API (paths without a `/v4` or `/bcsapi` prefix get `/v4/scheduler/mesos`). `body` is JSON unless
   * it is a string (sent as is, for malformed JSON). `headers` replaces the default cluster header when given.
   */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Envelope }>;
  /** Advances simulated time by `ms` in steps of `stepMs`, letting the engine, store and cluster settle. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /**
   * Reads, hands the value to `each` (to check invariants on the way), and advances 100 simulated ms until `done`
   * holds; fails after `simMs` of simulated time with the last value in the message.
   */
  until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    each?: (value: T) => void,
    simMs?: number,
  ): Promise<T>;
  /** Closes the app, scheduler, cluster and store, and removes the data dir. */
  dispose(): Promise<void>;
}

export async function startScenario(
  options: { agents?: number; executor?: EngineOptions['executor'] } = {},
): Promise<ScenarioServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-scenario-'));
  const clock = new ManualClock(START);
  const store = createLevelStore({ location: join(dataDir, 'store') });
  const cluster = new SimulatedCluster({ clock, agents: options.agents ?? 3, seed: 1 });
  await cluster.open();
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(START) * 1_000_000n }),
    driver: cluster,
    engine: {
      clusterName: CLUSTER_ID,
      ...(options.executor === undefined ? {} : { executor: options.executor }),
    },
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const app = createHttpApp({
    container: scheduler.container,
    clusterId: CLUSTER_ID,
    clusterName: CLUSTER_ID,
    endpoint: () => ({
      ip: '127.0.0.1',
      port: 8899,
      hostname: 'scenario',
      scheme: 'http',
      version: '0.0.0',
      cluster: CLUSTER_ID,
      pid: process.pid,
    }),
  });
  const callback = app.callback();
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  const advance = async (ms: number, stepMs = 100) => {
    for (let t = 0; t < ms; t += stepMs) {
      clock.advance(Math.min(stepMs, ms - t));
      await settle();
    }
  };
  await settle();
  return {
    clock,
    app,
    scheduler,
    cluster,
    async call(method, path, body, headers = { 'BCS-ClusterID': CLUSTER_ID }) {
      const url = `${path.startsWith('/v4') || path.startsWith('/bcsapi') ? '' : V4}${path}`;
      let req = request(callback)[method.toLowerCase() as 'get'](url);
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
      if (body !== undefined) {
        req = req
          .set('Content-Type', 'application/json')
          .send(typeof body === 'string' ? body : JSON.stringify(body));
      }
      const res = await req;
      const result = { status: res.status, body: JSON.parse(res.text) as Envelope };
      await settle();
      return result;
    },
    advance,
    async until(read, done, each = () => undefined, simMs = 120_000) {
      const deadline = clock.now() + simMs;
      for (;;) {
        const value = await read();
        each(value);
        if (done(value)) return value;
        if (clock.now() > deadline)
          throw new Error(`timed out in simulated time; last value: ${JSON.stringify(value).slice(0, 2000)}`);
        await advance(100);
      }
    },
    async dispose() {
      await app.dispose();
      await scheduler.close();
      await cluster.dispose();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
