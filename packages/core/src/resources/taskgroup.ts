import type { ResourceAmounts } from './application.js';
import type { TaskHealth } from './health.js';

/**
 * Task statuses (spec/bcs-behaviour.md §2.1). `Finish`, `Failed`, `Killed` and `Error` are terminal.
 */
export type TaskStatus =
  | 'Staging'
  | 'Starting'
  | 'Running'
  | 'Killing'
  | 'Finish'
  | 'Failed'
  | 'Killed'
  | 'Lost'
  | 'Error'
  | 'Restarting';

/**
 * Taskgroup statuses: the task statuses, plus `Pending` (ours: not placed yet; the original had no record
 * until an offer fitted, so a short application showed nothing) and `Unknown` (no rule matched, §2.2).
 */
export type TaskGroupStatus = TaskStatus | 'Pending' | 'Unknown';

/** A host port mapping as launched. */
export interface PortMapping {
  readonly name: string;
  readonly containerPort: number;
  readonly hostPort: number;
  readonly protocol: string;
}

/** One container of a taskgroup, as Mesos runs it. */
export interface Task {
  /** `<nanos>.<containerIndex>.<index>.<app>.<ns>.<cluster>` (§1.3). */
  readonly id: string;
  readonly name: string;
  readonly containerIndex: number;
  readonly image: string;
  status: TaskStatus;
  lastStatus?: TaskStatus;
  message: string;
  /**
   * Its health in short: true healthy, false unhealthy, undefined unknown (no result yet, or no check); always
   * `health.state` (see `withTaskHealth` in engine/health-results.ts, which sets both).
   */
  healthy?: boolean;
  /** Its health checks' last results and when the state changed; absent until a result arrived. */
  health?: TaskHealth;
  /** Its container has a local check: it is available only once the executor reported it healthy. */
  readonly localCheck?: true;
  readonly portMappings: readonly PortMapping[];
  /** Executor-reported container IP, when known. */
  containerIp?: string;
  /** Epoch ms of the last status change. */
  updatedAt: number;
}

/** The attribute values placement compared, kept for UNIQUE/MAXPER/GROUPBY (§3.4 "On placement"). */
export type CapturedAttributes = Readonly<Record<string, string | number>>;

/**
 * One instance of an application: a Mesos executor running its tasks on one agent. Key
 * `<ns>/<app>/<index>` in collection `taskgroup`; the id changes with every (re)launch, the index does not.
 */
export interface TaskGroup {
  /** `<index>.<app>.<ns>.<cluster>.<nanos>` (§1.3); also the executor id. */
  readonly id: string;
  /** `<app>-<index>`. */
  readonly name: string;
  readonly appId: string;
  readonly namespace: string;
  readonly index: number;
  readonly versionId: string;
  status: TaskGroupStatus;
  lastStatus?: TaskGroupStatus;
  /** Why it is pending, why it failed, or what the executor last said. */
  message: string;
  tasks: Task[];
  agentId?: string;
  hostname?: string;
  /** The agent's `InnerIP` attribute. */
  agentIp?: string;
  attributes: CapturedAttributes;
  readonly resources: ResourceAmounts;
  /** Epoch ms. */
  readonly createdAt: number;
  updatedAt: number;
  startedAt?: number;
  /** Restarts of this instance (index), counted per restart-policy window. */
  restarts: number;
  lastRestartAt?: number;
  /** Earliest epoch ms at which a pending taskgroup may be placed (restart back-off). */
  notBefore?: number;
  /** Host it must return to until `retainHostUntil` (restartPolicy.hostRetainTime). */
  retainHost?: string;
  retainHostUntil?: number;
  /** Set when a kill was sent: epoch ms, so a stuck kill can be escalated after the grace period. */
  killRequestedAt?: number;
  /** The kill was a reschedule request: once ended, the instance is replaced at once (no back-off). */
  rescheduleRequested?: boolean;
}
