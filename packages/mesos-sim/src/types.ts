import type { Clock, Logger, MesosAttribute, MesosTaskState, MesosTaskStatus, Store } from '@bcs/core';

/** An inclusive port range, `begin ≤ end`. */
export interface SimPortRange {
  readonly begin: number;
  readonly end: number;
}

/**
 * One simulated agent. Every field is optional; agent `S<n>` defaults to hostname `sim-agent-<n>`, InnerIP
 * `127.0.0.<n+1>` (see {@link SimulatedClusterOptions.agents} for more than 254 agents), 4 cpus, 30 878 MB mem,
 * 795 945 MB disk and ports 31000–32000: the agent of spec/api-v4.md's getClusteroffers example.
 */
export interface SimAgentSpec {
  readonly hostname?: string;
  /** Also offered as the `InnerIP` TEXT attribute unless `attributes` already has one. */
  readonly innerIp?: string;
  readonly cpus?: number;
  /** MB. */
  readonly mem?: number;
  /** MB. */
  readonly disk?: number;
  readonly ports?: readonly SimPortRange[];
  /** Extra attributes, offered as given. */
  readonly attributes?: readonly MesosAttribute[];
}

/**
 * What a task launched with a matching image does (see {@link SimulatedClusterOptions.scripts}). Without a
 * script a task goes STARTING → RUNNING and runs until killed.
 */
export type SimScript =
  /** STARTING, then FAILED (`REASON_CONTAINER_LAUNCH_FAILED` unless `reason` is given) `startupMs` later. */
  | { readonly kind: 'fail-at-start'; readonly message?: string; readonly reason?: string }
  /** RUNNING, then FINISHED `ms` later. */
  | { readonly kind: 'finish-after'; readonly ms: number }
  /** RUNNING, then FAILED `ms` later (no reason unless given); the default executor kills the rest of the group. */
  | { readonly kind: 'crash-after'; readonly ms: number; readonly message?: string; readonly reason?: string }
  /** RUNNING `healthy: true`, then RUNNING `healthy: false` (`REASON_TASK_HEALTH_CHECK_STATUS_UPDATED`) `ms` later. */
  | { readonly kind: 'unhealthy-after'; readonly ms: number }
  /** RUNNING `healthy: false` and never healthy (a version whose health check always fails). */
  | { readonly kind: 'unhealthy' }
  /** STARTING and nothing more. */
  | { readonly kind: 'never-start' };

/** Options of {@link SimulatedCluster}. Times are milliseconds of `clock` time. */
export interface SimulatedClusterOptions {
  /** Drives offer rounds, task progress, kill grace periods, update resends and heartbeats. */
  readonly clock: Clock;
  /** Seeds the PRNG behind the master id, uuids and shuffles (default 1). */
  readonly seed?: number;
  /**
   * The agents: a count of default agents (default 1), or one spec per agent. Agent `i` (0-based) is
   * `<masterId>-S<i>`, hostname `sim-agent-<i>`, InnerIP `127.<h>.<m>.<l>` with `l = i mod 254 + 1` and
   * `h·256 + m = ⌊i / 254⌋`: `127.0.0.1` … `127.0.0.254`, then `127.0.1.1`, ….
   */
  readonly agents?: number | readonly SimAgentSpec[];
  /** How often each agent's unused resources are offered (default 1000; one outstanding offer per agent). */
  readonly offerIntervalMs?: number;
  /** How long STAGING → STARTING and STARTING → RUNNING each take (default 0: both at once). */
  readonly startupMs?: number;
  /** The grace period of a kill when neither the KILL call nor the task has a `kill_policy` (default 3000). */
  readonly killGraceMs?: number;
  /**
   * Keep every call in `calls` (default true). Benchmarks turn it off: 100 000 launches retain their ACCEPT
   * payloads otherwise.
   */
  readonly recordCalls?: boolean;
  /**
   * The most messages `executorMessages()` and `messages()` keep: the newest ones, older ones are dropped (default
   * {@link EXECUTOR_MESSAGE_LOG_LIMIT}, 10 000), so a long-running simulator does not grow for ever.
   */
  readonly executorMessageLimit?: number;
  /**
   * Persists agents, executors, tasks, pending updates and the framework id in collection `sim`, and reloads
   * them in `open()`, so a restarted scheduler finds its tasks still running. The store must be open.
   */
  readonly store?: Store;
  /**
   * Where loading reports persisted records it cannot read back (error lines naming the collection and key):
   * an unreadable agent or executor record is skipped (its tasks are gone, as after an agent loss); an
   * unreadable `meta` record starts a new cluster, and the old cluster's records are deleted. Default: silent.
   */
  readonly logger?: Logger;
  /**
   * Scripts by image: a task whose image (`container.mesos.image.docker.name`, or `container.docker.image`)
   * equals a key gets that script; otherwise the longest key the image contains wins.
   */
  readonly scripts?: Readonly<Record<string, SimScript>>;
}

/** Resource amounts as a test sees them (MB for mem and disk). */
export interface SimResourcesView {
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly ports: readonly SimPortRange[];
}

/** A test's view of one agent. `used` counts running executors and tasks, not outstanding offers. */
export interface SimAgentView {
  readonly id: string;
  readonly hostname: string;
  readonly innerIp: string;
  readonly total: SimResourcesView;
  readonly used: SimResourcesView;
  /** The id of the agent's outstanding offer, if any. */
  readonly offerId?: string;
  readonly executors: readonly { readonly id: string; readonly taskIds: readonly string[] }[];
}

/** A test's view of one task the master tracks (live, or terminal with its terminal update unacknowledged). */
export interface SimTaskView {
  readonly taskId: string;
  readonly executorId: string;
  readonly agentId: string;
  /** The latest state, which reconciliation reports (it can be ahead of the updates delivered so far). */
  readonly state: MesosTaskState;
  readonly healthy?: boolean;
  /** Executor updates not yet acknowledged; the first one is in flight. */
  readonly unacked: readonly MesosTaskStatus[];
}

/** A MESSAGE call the simulated master delivered to an executor. */
export interface SimMessage {
  readonly agentId: string;
  readonly executorId: string;
  /** Base64, as sent. */
  readonly data: string;
  /** Clock time of delivery (ms). */
  readonly at: number;
}
