import {
  ApplicationService,
  ClusterService,
  DeploymentController,
  DeploymentService,
  type EngineOptions,
  type EventRetention,
  EventService,
  type HealthCheckOptions,
  type MesosDriver,
  type Outbound,
  RemoteHealthChecker,
  registerCore,
  SchedulerEngine,
  type Store,
} from '@bcs/core';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing';
import { anApplication } from '@bcs/testing/builders';
import {
  type HttpCluster,
  SimulatedCluster,
  type SimulatedClusterOptions,
  startHttpCluster,
} from '@bcs/testing/cluster';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';

/**
 * How the scheduler reaches the simulated cluster: `in-process` (the cluster is the driver) or `http` (a
 * MesosHttpDriver to the cluster's MesosSimServer on loopback, with the strict proto checks: the same
 * scenarios through the real wire, issue 10 §2).
 */
export type MesosTransport = 'in-process' | 'http';

/** The transport from `BCS_TEST_MESOS_TRANSPORT` (`http`, else in process): vitest's `core:wire` sets it. */
export const MESOS_TRANSPORT: MesosTransport =
  process.env.BCS_TEST_MESOS_TRANSPORT === 'http' ? 'http' : 'in-process';

/** A scheduler on a simulated cluster, with a manual clock. */
export interface Harness {
  readonly clock: ManualClock;
  readonly store: Store;
  readonly cluster: SimulatedCluster;
  /** What the engine talks to: the cluster itself, or the HTTP driver in front of it. */
  readonly driver: MesosDriver;
  /** The server and driver when the transport is `http`. */
  readonly http: HttpCluster | undefined;
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

/**
 * Lets queued microtasks, the engine queue and cluster deliveries run to quiescence. Over HTTP, each round
 * also waits for the wire (calls answered, events received), until a round in which nothing crossed it.
 */
async function settle(engine: SchedulerEngine, http: HttpCluster | undefined): Promise<void> {
  if (http === undefined) {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
    return;
  }
  let last = '';
  for (let round = 0; round < 1000; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    await engine.idle();
    await http.settle();
    await engine.idle();
    const now = `${http.server.eventsWritten}/${http.server.calls.length}`;
    if (now === last) return;
    last = now;
  }
  throw new Error('harness: the engine and the wire did not settle in 1000 rounds');
}

export async function createHarness(
  options: Partial<SimulatedClusterOptions> & {
    store?: Store;
    clock?: ManualClock;
    cluster?: SimulatedCluster;
    events?: EventRetention;
    /** Engine options added to the harness's (`clusterName` 10001, `tickMs` 1000). */
    engine?: EngineOptions;
    /** Default {@link MESOS_TRANSPORT}. */
    transport?: MesosTransport;
    /** Where remote health checks go (default: nowhere, every call refused). */
    outbound?: Outbound;
    healthChecks?: HealthCheckOptions;
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
    transport = MESOS_TRANSPORT,
    outbound,
    healthChecks,
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
  const http = transport === 'http' ? await startHttpCluster(cluster, { clock }) : undefined;
  const extra = {
    ...(outbound === undefined ? {} : { outbound }),
    ...(healthChecks === undefined ? {} : { healthChecks }),
  };
  return wire(clock, store, cluster, http, events, engine, extra);
}

async function wire(
  clock: ManualClock,
  store: Store,
  cluster: SimulatedCluster,
  http: HttpCluster | undefined,
  events: EventRetention,
  engineOptions: EngineOptions,
  extra: { outbound?: Outbound; healthChecks?: HealthCheckOptions } = {},
): Promise<Harness> {
  const driver: MesosDriver = http?.driver ?? cluster;
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver,
    engine: { clusterName: '10001', tickMs: 1000, ...engineOptions },
    events,
    ...extra,
  });
  const engine = container.resolve(SchedulerEngine);
  await engine.start();
  const controller = container.resolve(DeploymentController);
  controller.start();
  const checker = container.resolve(RemoteHealthChecker);
  checker.start();
  await settle(engine, http);
  const harness: Harness = {
    clock,
    store,
    cluster,
    driver,
    http,
    engine,
    apps: container.resolve(ApplicationService),
    clusterView: container.resolve(ClusterService),
    deployments: container.resolve(DeploymentService),
    events: container.resolve(EventService),
    container,
    async advance(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await settle(engine, http);
      }
    },
    async restart(options) {
      controller.dispose();
      await checker.dispose();
      await engine.dispose();
      await container.dispose();
      // Over HTTP the engine disposed its driver (the stream closed: the framework is disconnected until the
      // new scheduler re-subscribes with its id); the new one gets a fresh driver.
      http?.newDriver();
      return wire(clock, store, cluster, http, events, options ?? engineOptions, extra);
    },
    async dispose() {
      controller.dispose();
      await checker.dispose();
      await engine.dispose();
      await container.dispose();
      await http?.close();
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
