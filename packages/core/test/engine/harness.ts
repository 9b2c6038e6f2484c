import {
  ApplicationService,
  ClusterService,
  DeploymentController,
  DeploymentService,
  type EngineOptions,
  type EventRetention,
  EventService,
  type MesosDriver,
  registerCore,
  SchedulerEngine,
  type Store,
} from '@bcs/core';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing';
import { anApplication } from '@bcs/testing/builders';
import { SimulatedCluster, type SimulatedClusterOptions } from '@bcs/testing/cluster';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';

/** A scheduler on a simulated cluster, with a manual clock. */
export interface Harness {
  readonly clock: ManualClock;
  readonly store: Store;
  readonly cluster: SimulatedCluster;
  readonly engine: SchedulerEngine;
  readonly apps: ApplicationService;
  readonly clusterView: ClusterService;
  readonly deployments: DeploymentService;
  readonly events: EventService;
  readonly container: DependencyContainer;
  /** Advances simulated time in steps of `stepMs`, letting the engine and the cluster settle after each. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /**
   * Stops the scheduler (not the cluster) and starts a new one on the same store: a restart (with `engine`
   * options in place of the harness's, when given).
   */
  restart(engine?: EngineOptions): Promise<Harness>;
  dispose(): Promise<void>;
}

export const START = Date.UTC(2026, 10, 24, 6, 0, 0);

/** Lets queued microtasks, the engine queue and cluster deliveries run to quiescence. */
async function settle(engine: SchedulerEngine): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await engine.idle();
  }
}

export async function createHarness(
  options: Partial<SimulatedClusterOptions> & {
    store?: Store;
    clock?: ManualClock;
    cluster?: SimulatedCluster;
    events?: EventRetention;
    /** Engine options added to the harness's (`clusterName` 10001, `tickMs` 1000). */
    engine?: EngineOptions;
  } = {},
): Promise<Harness> {
  // The scheduler's store and clock are the harness's; only the cluster options go to the simulator (it must
  // not write into the scheduler's store).
  const {
    store: givenStore,
    clock: givenClock,
    cluster: givenCluster,
    events = {},
    engine = {},
    ...clusterOptions
  } = options;
  const clock = givenClock ?? new ManualClock(START);
  const store = givenStore ?? createMemoryStore();
  const cluster =
    givenCluster ??
    new SimulatedCluster({
      clock,
      seed: 7,
      agents: 3,
      offerIntervalMs: 1000,
      startupMs: 100,
      ...clusterOptions,
    });
  if (givenCluster === undefined) await cluster.open();
  return wire(clock, store, cluster, events, engine);
}

async function wire(
  clock: ManualClock,
  store: Store,
  cluster: SimulatedCluster,
  events: EventRetention,
  engineOptions: EngineOptions,
): Promise<Harness> {
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver: cluster as MesosDriver,
    engine: { clusterName: '10001', tickMs: 1000, ...engineOptions },
    events,
  });
  const engine = container.resolve(SchedulerEngine);
  await engine.start();
  const controller = container.resolve(DeploymentController);
  controller.start();
  await settle(engine);
  const harness: Harness = {
    clock,
    store,
    cluster,
    engine,
    apps: container.resolve(ApplicationService),
    clusterView: container.resolve(ClusterService),
    deployments: container.resolve(DeploymentService),
    events: container.resolve(EventService),
    container,
    async advance(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await settle(engine);
      }
    },
    async restart(options) {
      controller.dispose();
      await engine.dispose();
      await container.dispose();
      return wire(clock, store, cluster, events, options ?? engineOptions);
    },
    async dispose() {
      controller.dispose();
      await engine.dispose();
      await container.dispose();
      await cluster.dispose();
    },
  };
  return harness;
}

/**
 * The API document's application with half a cpu per instance, so several fit on one 4-cpu simulated agent
 * (the document's asks for 2 cpus). `container` overrides fields of the one container.
 */
export function smallApp(overrides: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  const body = anApplication(overrides as never) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const c = body.spec.template.spec.containers[0]!;
  c.resources = { limits: { cpu: '0.5', memory: '100' } };
  Object.assign(c, container);
  return body as unknown as Record<string, unknown>;
}
