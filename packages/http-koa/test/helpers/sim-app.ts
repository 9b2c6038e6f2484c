import { createScheduler, type MesosDriver, type Outbound, type Scheduler, SchedulerEngine } from '@bcs/core';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing';
import { SimulatedCluster, type SimulatedClusterOptions } from '@bcs/testing/cluster';
import { container as rootContainer } from 'tsyringe';
import { createHttpApp, type HttpApp } from '../../src/index.js';
import { CLUSTER_ID } from './app.js';

/**
 * The koa app over a scheduler on a simulated cluster, in-process, on a manual clock: route tests that need
 * a Mesos cluster without a server process (no port, no disk, no wall-clock waits).
 */
export interface SimApp {
  readonly app: HttpApp;
  readonly scheduler: Scheduler;
  readonly cluster: SimulatedCluster;
  readonly clock: ManualClock;
  /** Advances simulated time in steps of `stepMs`, letting the engine and the cluster settle after each. */
  advance(ms: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createSimApp(
  options: Partial<SimulatedClusterOptions> = {},
  core: { outbound?: Outbound } = {},
): Promise<SimApp> {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
  const store = createMemoryStore();
  const cluster = new SimulatedCluster({
    clock,
    seed: 7,
    agents: 2,
    offerIntervalMs: 1000,
    startupMs: 100,
    ...options,
  });
  await cluster.open();
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver: cluster as MesosDriver,
    engine: { clusterName: CLUSTER_ID, tickMs: 1000 },
    ...core,
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const app = createHttpApp({ container: scheduler.container, clusterId: CLUSTER_ID });
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await settle();
  return {
    app,
    scheduler,
    cluster,
    clock,
    async advance(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await settle();
      }
    },
    async close() {
      await app.dispose();
      await scheduler.close();
      await cluster.dispose();
      await store.dispose();
    },
  };
}
