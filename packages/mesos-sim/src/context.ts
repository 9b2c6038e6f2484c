import type { Clock, MesosEvent, MesosTaskStatus } from '@bcs/core';
import type { ClusterState, SimGroup, SimTask } from './model.js';
import type { Prng } from './prng.js';
import type { Timeline } from './timeline.js';
import type { SimScript, SimulatedClusterOptions } from './types.js';

/**
 * What the behaviour modules of the simulated master (offers, launch, tasks, reconcile, agent loss) share:
 * state, time, randomness, the outgoing event stream and persistence marks. `SimulatedCluster` implements it.
 */
export interface SimContext {
  readonly clock: Clock;
  readonly prng: Prng;
  readonly timeline: Timeline;
  readonly state: ClusterState;
  /** Resolved options. */
  readonly settings: SimSettings;
  /** Sends `event` to the subscribed framework, after the current call returns; dropped when none is. */
  emit(event: MesosEvent): void;
  /** True while a framework is subscribed. */
  subscribed(): boolean;
  /** Marks the cluster record (ids, counters, framework) changed, for persistence. */
  touchMeta(): void;
  /** Marks an agent record changed (added or removed). */
  touchAgent(agentId: string): void;
  /** Marks a group record changed (tasks, their queues and steps). */
  touchGroup(group: Pick<SimGroup, 'agentId' | 'executorId'>): void;
}

/** The options of `SimulatedCluster` with defaults applied. */
export interface SimSettings {
  readonly offerIntervalMs: number;
  readonly startupMs: number;
  readonly killGraceMs: number;
  readonly scripts: Readonly<Record<string, SimScript>>;
}

/** An UPDATE event for `status`. */
export function updateEvent(status: MesosTaskStatus): MesosEvent {
  return { type: 'UPDATE', update: { status } };
}

/** The group `task` belongs to. */
export function groupOf(ctx: SimContext, task: SimTask): SimGroup | undefined {
  return ctx.state.agents.get(task.agentId)?.groups.get(task.executorId);
}

/** Clock time as a Mesos timestamp: seconds since the epoch, fractional. */
export function timestampOf(ctx: SimContext): number {
  return ctx.clock.now() / 1000;
}

/** Applies the defaults (offers every 1000 ms, instant startup, 3000 ms kill grace); `RangeError` if invalid. */
export function resolveSettings(options: SimulatedClusterOptions): SimSettings {
  const settings: SimSettings = {
    offerIntervalMs: options.offerIntervalMs ?? 1000,
    startupMs: options.startupMs ?? 0,
    killGraceMs: options.killGraceMs ?? 3000,
    scripts: options.scripts ?? {},
  };
  if (!(settings.offerIntervalMs > 0) || !Number.isFinite(settings.offerIntervalMs))
    throw new RangeError('SimulatedCluster: offerIntervalMs must be > 0');
  if (!(settings.startupMs >= 0) || !Number.isFinite(settings.startupMs))
    throw new RangeError('SimulatedCluster: startupMs must be ≥ 0');
  if (!(settings.killGraceMs >= 0) || !Number.isFinite(settings.killGraceMs))
    throw new RangeError('SimulatedCluster: killGraceMs must be ≥ 0');
  return settings;
}
