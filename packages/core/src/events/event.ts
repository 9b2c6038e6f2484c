import type { DeploymentStatus } from '../deployments/record.js';
import type { ApplicationStatus } from '../resources/app.js';
import type { CommandOverallStatus, CommandTaskStatus } from '../resources/command.js';
import type { TaskGroupStatus } from '../resources/taskgroup.js';
import type { RolloutPhase, RolloutStageKind } from '../rollout/state.js';

/**
 * Domain events: every change of state the scheduler makes, numbered by one sequence that only grows. An event
 * is written in the same store batch as the state it describes, so after a crash the log and the state agree.
 *
 * `from` and `to` are the status before and after; `null` means the object did not exist (created) or no
 * longer exists (removed).
 */
export type EventKind = 'taskgroup.status' | 'application.status' | 'deployment.status' | 'command.status';

export const EVENT_KINDS: readonly EventKind[] = [
  'taskgroup.status',
  'application.status',
  'deployment.status',
  'command.status',
];

interface EventBase {
  /** Position in the log: 1, 2, 3… Never reused, never reordered. */
  readonly seq: number;
  /** Epoch ms at which the change was committed. */
  readonly time: number;
  readonly kind: EventKind;
  readonly namespace: string;
  /** The application concerned (for a deployment: the application serving it). */
  readonly application: string;
  /** The deployment that owns the application, if any. */
  readonly deployment?: string;
}

/** A taskgroup was created, changed status or health, or was removed. */
export interface TaskGroupStatusEvent extends EventBase {
  readonly kind: 'taskgroup.status';
  /** The taskgroup id (`<index>.<app>.<ns>.<cluster>.<nanos>`). */
  readonly taskgroup: string;
  readonly index: number;
  readonly from: TaskGroupStatus | null;
  readonly to: TaskGroupStatus | null;
  /** The agent's IP (its `InnerIP` attribute) or hostname, once placed. */
  readonly host?: string;
  readonly agentId?: string;
  /** Why it is pending, why it failed, or what the executor last said. */
  readonly message: string;
  /** All health-checked tasks healthy (true), one unhealthy (false); absent when nothing reported health. */
  readonly healthy?: boolean;
  readonly versionId: string;
}

/** An application was created, changed status, instance count or version, or was removed. */
export interface ApplicationStatusEvent extends EventBase {
  readonly kind: 'application.status';
  readonly from: ApplicationStatus | null;
  readonly to: ApplicationStatus | null;
  readonly message: string;
  /** Desired instances after the change. */
  readonly instances: number;
  readonly versionId: string;
}

/** Where a deployment's rolling update is. */
export interface RolloutProgress {
  readonly phase: RolloutPhase;
  readonly oldApp: string;
  readonly newApp: string;
  /** Instances the new version rolls out to. */
  readonly desired: number;
  readonly stepsCompleted: number;
  /** The stage in progress, if any. */
  readonly step?: {
    readonly number: number;
    readonly kind: RolloutStageKind;
    readonly from: number;
    readonly target: number;
  };
}

/** A deployment was created, changed status or rollout progress, or was removed. */
export interface DeploymentStatusEvent extends EventBase {
  readonly kind: 'deployment.status';
  readonly deployment: string;
  readonly from: DeploymentStatus | null;
  readonly to: DeploymentStatus | null;
  readonly message: string;
  readonly instances: number;
  readonly rollout?: RolloutProgress;
}

/**
 * A command record changed (issue 12, `CommandTracker`). Two levels:
 * - with `taskgroup` and `task`: one task's state changed (`from`/`to` are {@link CommandTaskStatus}es), e.g.
 *   `running` → `finish` when its executor answered, → `timeout`, → `failed`;
 * - without them: the command as a whole (`from`/`to` are {@link CommandOverallStatus}es): created (`null` →
 *   `running`, or straight to `failed` when nothing could be sent), completed (`running` → `finish`|`failed`),
 *   removed (→ `null`: deleted, or expired past its `reserveTime`).
 *
 * `application` is the target application (for a deployment: the application serving it, and `deployment` is
 * set). Commands are not part of snapshots: a subscriber reads a record with `GET /command/...?id=`.
 */
export interface CommandStatusEvent extends EventBase {
  readonly kind: 'command.status';
  /** The command id (`Application-<ns>-<name>-<nanos>`, …; `commit-…` for an image commit). */
  readonly command: string;
  readonly taskgroup?: string;
  readonly task?: string;
  readonly from: CommandTaskStatus | CommandOverallStatus | null;
  readonly to: CommandTaskStatus | CommandOverallStatus | null;
  readonly message: string;
  /** The exit code the executor reported, on a task's `finish`/`failed`. */
  readonly exitCode?: number;
}

export type DomainEvent =
  | TaskGroupStatusEvent
  | ApplicationStatusEvent
  | DeploymentStatusEvent
  | CommandStatusEvent;

/** An event before the log numbers it. */
export type UnsequencedEvent = DomainEvent extends infer E
  ? E extends DomainEvent
    ? Omit<E, 'seq' | 'time'>
    : never
  : never;

/** What a subscriber selects. Every given field must match; an absent field matches everything. */
export interface EventFilter {
  readonly namespace?: string;
  /**
   * Only events of one of these namespaces (set by the transport for a token limited to them, besides any
   * `namespace` the subscriber asked for). Absent: every namespace; empty: none.
   */
  readonly namespaces?: readonly string[];
  readonly application?: string;
  readonly deployment?: string;
  /** Only these kinds. Absent or empty: all. */
  readonly kinds?: readonly EventKind[];
}

/** The current state of one taskgroup, application or deployment, as its latest event would describe it. */
export type TaskGroupSnapshot = Omit<TaskGroupStatusEvent, 'seq' | 'time' | 'kind' | 'from' | 'to'> & {
  readonly status: TaskGroupStatus;
};
export type ApplicationSnapshot = Omit<ApplicationStatusEvent, 'seq' | 'time' | 'kind' | 'from' | 'to'> & {
  readonly status: ApplicationStatus;
};
export type DeploymentSnapshot = Omit<DeploymentStatusEvent, 'seq' | 'time' | 'kind' | 'from' | 'to'> & {
  readonly status: DeploymentStatus;
};

/** Every object a filter selects, at one sequence number. Kinds not subscribed to are empty. */
export interface Snapshot {
  readonly applications: readonly ApplicationSnapshot[];
  readonly taskgroups: readonly TaskGroupSnapshot[];
  readonly deployments: readonly DeploymentSnapshot[];
}

/**
 * What a subscription yields (and what the WebSocket stream sends, one JSON message each):
 * - `hello` first: the newest sequence number now and the oldest one still retained;
 * - `snapshot` (only when asked for with `snapshot: true`): the current state of the selected objects at `seq`;
 *   events continue after `seq`;
 * - `events`: the next events that match, in order, with no gap and no duplicate;
 * - `resync`: the history asked for is gone (older than the retention window, or a `since` from another log),
 *   so here is the current state at `seq` instead; events continue after `seq`.
 */
export type EventMessage =
  | { readonly type: 'hello'; readonly seq: number; readonly oldest: number }
  | { readonly type: 'snapshot'; readonly seq: number; readonly snapshot: Snapshot }
  | { readonly type: 'events'; readonly events: readonly DomainEvent[] }
  | { readonly type: 'resync'; readonly seq: number; readonly reason: string; readonly snapshot: Snapshot };

/** Whether `event` passes `filter`. */
export function matchesFilter(event: DomainEvent, filter: EventFilter): boolean {
  if (filter.namespace !== undefined && event.namespace !== filter.namespace) return false;
  if (filter.namespaces !== undefined && !filter.namespaces.includes(event.namespace)) return false;
  if (filter.application !== undefined && event.application !== filter.application) {
    // A deployment's rollout concerns both of its applications.
    if (event.kind !== 'deployment.status' || !rolloutConcerns(event.rollout, filter.application)) {
      return false;
    }
  }
  if (filter.deployment !== undefined && event.deployment !== filter.deployment) return false;
  if (filter.kinds !== undefined && filter.kinds.length > 0 && !filter.kinds.includes(event.kind))
    return false;
  return true;
}

function rolloutConcerns(rollout: RolloutProgress | undefined, app: string): boolean {
  return rollout !== undefined && (rollout.oldApp === app || rollout.newApp === app);
}
