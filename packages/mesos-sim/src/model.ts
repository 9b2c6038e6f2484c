import type {
  MesosAttribute,
  MesosExecutorInfo,
  MesosFrameworkInfo,
  MesosOffer,
  MesosTaskState,
  MesosTaskStatus,
} from '@bcs/core';
import type { Amounts } from './resources.js';
import type { SimScript } from './types.js';

/**
 * The simulated master's state as plain records (no behaviour), shared by the modules of this folder. Only
 * these records are persisted; offers, filters and the subscription are not (spec/mesos-v1.md §8: offers are
 * regenerated on every subscription).
 */

/** A timed step of the default-executor emulation; a task has at most one pending. */
export type TaskStep = 'starting' | 'running' | 'finish' | 'crash' | 'fail-start' | 'unhealthy' | 'killed';

/** When a task's next step runs (clock ms). */
export interface PendingStep {
  readonly at: number;
  readonly step: TaskStep;
}

/** A task the master tracks: live, or terminal until its terminal update is acknowledged. */
export interface SimTask {
  readonly id: string;
  readonly name: string;
  readonly agentId: string;
  readonly executorId: string;
  /** The latest state the executor reported (or STAGING). */
  state: MesosTaskState;
  healthy: boolean | undefined;
  readonly healthCheck: boolean;
  /** From the task's `kill_policy`; `undefined` means the cluster default. */
  readonly killGraceMs: number | undefined;
  readonly script: SimScript | undefined;
  next: PendingStep | undefined;
  /** Executor updates not yet acknowledged, oldest first; the head is in flight. */
  readonly queue: MesosTaskStatus[];
  /** Resend schedule of the head (not persisted: heads are resent on every subscription). */
  retry: { readonly at: number; readonly backoffMs: number } | undefined;
}

/** One executor on one agent with the tasks of its group(s). */
export interface SimGroup {
  readonly agentId: string;
  readonly executorId: string;
  readonly executor: MesosExecutorInfo;
  /** Everything charged to the agent for this executor and its tasks. */
  charged: Amounts;
  readonly tasks: Map<string, SimTask>;
  /** Some task ended FAILED (decides the executor's exit status). */
  failed: boolean;
}

/** A refused-offer filter: `refused` resources of the agent are not offered again before `until`. */
export interface OfferFilter {
  readonly until: number;
  readonly refused: Amounts;
}

/** One agent. */
export interface SimAgent {
  readonly id: string;
  /** The `<n>` of `<masterId>-S<n>`. */
  readonly index: number;
  readonly hostname: string;
  readonly innerIp: string;
  readonly attributes: readonly MesosAttribute[];
  readonly total: Amounts;
  /** `total` minus what executors and tasks use (outstanding offers are not subtracted). */
  free: Amounts;
  offerId: string | undefined;
  filter: OfferFilter | undefined;
  /** By executor id. */
  readonly groups: Map<string, SimGroup>;
}

/** The one framework the simulated master hosts. */
export interface SimFramework {
  readonly id: string;
  readonly info: MesosFrameworkInfo;
  readonly killingState: boolean;
  readonly partitionAware: boolean;
  /** The role offers are allocated to, when MULTI_ROLE (`allocation_info`). */
  readonly allocationRole: string | undefined;
  suppressed: boolean;
}

/** An outstanding offer. */
export interface SimOffer {
  readonly id: string;
  readonly agentId: string;
  readonly amounts: Amounts;
  /** The offer as sent. */
  readonly body: MesosOffer;
}

/** Counters behind ids; persisted so a reloaded cluster never reuses an offer, agent or framework id. */
export interface SimCounters {
  agent: number;
  offer: number;
  framework: number;
}

/** Everything the simulated master knows. */
export interface ClusterState {
  masterId: string;
  readonly agents: Map<string, SimAgent>;
  readonly tasks: Map<string, SimTask>;
  readonly offers: Map<string, SimOffer>;
  counters: SimCounters;
  framework: SimFramework | undefined;
  readonly removedFrameworks: Set<string>;
}

/** A fresh, empty state. */
export function emptyState(masterId: string): ClusterState {
  return {
    masterId,
    agents: new Map(),
    tasks: new Map(),
    offers: new Map(),
    counters: { agent: 0, offer: 0, framework: 0 },
    framework: undefined,
    removedFrameworks: new Set(),
  };
}
