import type { MesosCall, MesosEvent, MesosFrameworkInfo, MesosOffer, MesosTaskStatus } from '@bcs/core';
import { aLaunchGroupCall, type LaunchTaskSpec } from '@bcs/testing/conformance';
import { ManualClock } from '@bcs/testing/fakes';
import { drainMicrotasks } from '../src/flush.js';
import { SimulatedCluster } from '../src/index.js';
import type { SimulatedClusterOptions } from '../src/types.js';

/** 2023-11-14T22:13:20Z, so timestamps are realistic. */
export const T0 = 1_700_000_000_000;

/** The framework the cluster tests subscribe (like core's: TASK_KILLING_STATE only). */
export const FRAMEWORK: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'sim-test',
  capabilities: [{ type: 'TASK_KILLING_STATE' }],
};

/** A subscribed cluster with a recording listener. */
export interface ClusterHarness {
  readonly clock: ManualClock;
  readonly cluster: SimulatedCluster;
  /** Every event delivered, in order. */
  readonly events: MesosEvent[];
  /** Events delivered while `call()` ran synchronously (must stay empty). */
  readonly violations: string[];
  readonly frameworkId: string;
  /** Advances the clock and drains microtasks, so everything due is delivered. */
  advance(ms: number): Promise<void>;
  /** Sends a call (watching for re-entrant delivery) and drains microtasks. */
  call(call: MesosCall): Promise<void>;
  /** Every offer received, in order. */
  offers(): MesosOffer[];
  /** Updates received (for `taskId`), in order. */
  updates(taskId?: string): MesosTaskStatus[];
  /** Event types received from index `from` on. */
  types(from?: number): string[];
  /** ACKNOWLEDGE of `status`. */
  ack(status: MesosTaskStatus): Promise<void>;
  /** ACCEPT of `offer` with one DEFAULT-executor group (`executorId`) of `tasks`. */
  launch(
    offer: MesosOffer,
    executorId: string,
    tasks: readonly LaunchTaskSpec[],
    refuseSeconds?: number,
  ): Promise<void>;
  /** Acknowledges updates of `taskId` until (and including) one with `state`; returns it. */
  ackUntil(taskId: string, state: MesosTaskStatus['state']): Promise<MesosTaskStatus>;
}

/** Creates a cluster (seed 42 unless given), subscribes `framework` and drains. */
export async function startCluster(
  options: Partial<SimulatedClusterOptions> = {},
  framework: MesosFrameworkInfo = FRAMEWORK,
): Promise<ClusterHarness> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0);
  const cluster = new SimulatedCluster({ seed: 42, ...options, clock });
  return subscribeHarness(cluster, clock, framework);
}

/** Subscribes `framework` to an existing cluster with a fresh recording listener. */
export async function subscribeHarness(
  cluster: SimulatedCluster,
  clock: ManualClock,
  framework: MesosFrameworkInfo = FRAMEWORK,
): Promise<ClusterHarness> {
  const events: MesosEvent[] = [];
  const violations: string[] = [];
  let inCall = false;
  await cluster.subscribe(framework, (event) => {
    if (inCall) violations.push(event.type);
    events.push(event);
  });
  await drainMicrotasks();
  const subscribed = events.find((e) => e.type === 'SUBSCRIBED');
  const frameworkId = subscribed?.type === 'SUBSCRIBED' ? subscribed.subscribed.framework_id.value : '';
  const updates = (taskId?: string) =>
    events.flatMap((e) =>
      e.type === 'UPDATE' && (taskId === undefined || e.update.status.task_id.value === taskId)
        ? [e.update.status]
        : [],
    );
  const harness: ClusterHarness = {
    clock,
    cluster,
    events,
    violations,
    frameworkId,
    advance: async (ms) => {
      clock.advance(ms);
      await drainMicrotasks();
    },
    call: async (call) => {
      inCall = true;
      let pending: Promise<void>;
      try {
        pending = cluster.call(call);
      } finally {
        inCall = false;
      }
      await pending;
      await drainMicrotasks();
    },
    offers: () => events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : [])),
    updates,
    types: (from = 0) => events.slice(from).map((e) => e.type),
    ack: (status) =>
      harness.call({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! },
      }),
    launch: (offer, executorId, tasks, refuseSeconds) =>
      harness.call(
        aLaunchGroupCall(offer, {
          frameworkId,
          executorId,
          tasks,
          ...(refuseSeconds === undefined ? {} : { refuseSeconds }),
        }),
      ),
    ackUntil: async (taskId, state) => {
      const acked = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const head = updates(taskId).at(-1);
        if (head?.uuid !== undefined && !acked.has(head.uuid)) {
          acked.add(head.uuid);
          await harness.ack(head);
          if (head.state === state) return head;
        } else await harness.advance(100);
      }
      throw new Error(`${taskId} never reached ${state}: ${updates(taskId).map((s) => s.state)}`);
    },
  };
  return harness;
}

/** The first offer of `harness` for `agentId` (or any agent), after letting the first round run. */
export async function firstOffer(harness: ClusterHarness, agentId?: string): Promise<MesosOffer> {
  if (harness.offers().length === 0) await harness.advance(0);
  const offer = harness.offers().find((o) => agentId === undefined || o.agent_id.value === agentId);
  if (offer === undefined) throw new Error('no offer');
  return offer;
}

/** The scalar `name` of an offer. */
export function scalarOf(offer: MesosOffer, name: string): number | undefined {
  return offer.resources.find((r) => r.name === name)?.scalar?.value;
}

/** The port ranges of an offer. */
export function portsOf(offer: MesosOffer): readonly { begin: number; end: number }[] {
  return offer.resources.find((r) => r.name === 'ports')?.ranges?.range ?? [];
}
