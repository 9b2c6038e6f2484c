import type { MesosTaskState } from '../ports/mesos-driver.js';
import type { TaskStatus } from '../resources/taskgroup.js';

/**
 * The BCS executor's own task state, sent in place of a Mesos `TaskState` while it restarts a container in
 * place (`Ext_TaskState_TASK_RESTARTING`, spec/bcs-behaviour.md §2.1 "custom 101").
 */
export const BCS_TASK_RESTARTING = 101;

/**
 * Mesos task state → task status (spec/bcs-behaviour.md §2.1), as data.
 *
 * Better than the original (§15.2), which ignored TASK_DROPPED and TASK_UNKNOWN: every state maps. The
 * scheduler subscribes `PARTITION_AWARE` (spec/mesos-v1.md §7), so the master sends the partition-aware states
 * instead of TASK_LOST:
 * - TASK_UNREACHABLE: its agent is partitioned; it may come back → `Lost` (not terminal, may return to Running).
 * - TASK_GONE (the agent is gone for good), TASK_GONE_BY_OPERATOR (the operator says so), TASK_DROPPED (never
 *   launched, e.g. the offer was rescinded under us) and TASK_UNKNOWN (the master has no record of it, e.g.
 *   after a new framework registered) → `Failed`: terminal, so the restart policy replaces the instance and
 *   nothing counts it on its agent any more (a DROPPED one, which never ran, is placed again at once whatever
 *   the policy: `status-updates.ts`).
 * - TASK_LOST (a master that does not honour PARTITION_AWARE) → `Lost`, as the original.
 */
export const TASK_STATUS_OF_MESOS_STATE: Readonly<Record<MesosTaskState, TaskStatus>> = {
  TASK_STAGING: 'Staging',
  TASK_STARTING: 'Starting',
  TASK_RUNNING: 'Running',
  TASK_KILLING: 'Killing',
  TASK_FINISHED: 'Finish',
  TASK_FAILED: 'Failed',
  TASK_GONE: 'Failed',
  TASK_KILLED: 'Killed',
  TASK_ERROR: 'Error',
  TASK_LOST: 'Lost',
  TASK_UNREACHABLE: 'Lost',
  TASK_GONE_BY_OPERATOR: 'Failed',
  TASK_DROPPED: 'Failed',
  TASK_UNKNOWN: 'Failed',
};

/**
 * The task status a Mesos state (or the BCS executor's {@link BCS_TASK_RESTARTING}) stands for. `undefined`
 * for anything else (a state a newer master might send): the caller ignores the update.
 *
 * Examples: `'TASK_RUNNING'` → `'Running'`; `'TASK_GONE'` → `'Failed'`; `'TASK_UNREACHABLE'` → `'Lost'`;
 * `101` → `'Restarting'`; `'TASK_NEW_THING'` → `undefined`.
 */
export function taskStatusOf(state: MesosTaskState | typeof BCS_TASK_RESTARTING): TaskStatus | undefined {
  if (state === BCS_TASK_RESTARTING) return 'Restarting';
  return Object.hasOwn(TASK_STATUS_OF_MESOS_STATE, state) ? TASK_STATUS_OF_MESOS_STATE[state] : undefined;
}

/** Statuses a task never leaves (spec/bcs-behaviour.md §2.1): updates to such a task are ignored. `Lost` is not one. */
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  'Finish',
  'Error',
  'Killed',
  'Failed',
]);

/** True for `Finish`, `Error`, `Killed` and `Failed`. Example: `isTerminalTaskStatus('Lost')` → false. */
export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.has(status);
}

const ENDINGS = ['Finish', 'Failed', 'Killed', 'Error', 'Lost'] as const satisfies readonly TaskStatus[];

/**
 * The transitions a task may make, as data (style 16): `TASK_TRANSITIONS[from]` lists the statuses an update
 * may move it to. Repeating the current status is always allowed (health and message refreshes).
 *
 * - Terminal statuses (`Finish`, `Error`, `Killed`, `Failed`) are frozen: nothing leaves them.
 * - `Lost` is not terminal: a partitioned agent may come back, so `Lost` may go anywhere (back to `Running`,
 *   or on to how the task really ended).
 * - Otherwise a task only moves forward: Staging → Starting → Running, with `Restarting` (BCS executor,
 *   101) a detour from and back to Running/Starting. Mesos delivers one task's updates in order, so a step
 *   back (Running → Staging) can only be a stale duplicate, and is ignored.
 * - `Killing` only ends (or is lost): a kill is never undone.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  Staging: ['Starting', 'Running', 'Restarting', 'Killing', ...ENDINGS],
  Starting: ['Running', 'Restarting', 'Killing', ...ENDINGS],
  Running: ['Restarting', 'Killing', ...ENDINGS],
  Restarting: ['Starting', 'Running', 'Killing', ...ENDINGS],
  Killing: [...ENDINGS],
  Lost: ['Staging', 'Starting', 'Running', 'Restarting', 'Killing', 'Finish', 'Failed', 'Killed', 'Error'],
  Finish: [],
  Failed: [],
  Killed: [],
  Error: [],
};

/** True when {@link TASK_TRANSITIONS} lets a task in `from` take `to` (or `to` repeats `from`). */
export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  return from === to || TASK_TRANSITIONS[from].includes(to);
}

/**
 * The status a task has after an update reporting `incoming`: `incoming` when {@link TASK_TRANSITIONS}
 * allows it, else `current` (the update is ignored).
 *
 * Examples: `(Running, Finish)` → `Finish`; `(Finish, Running)` → `Finish` (frozen);
 * `(Lost, Running)` → `Running` (the agent came back); `(Running, Staging)` → `Running` (stale duplicate).
 */
export function nextTaskStatus(current: TaskStatus, incoming: TaskStatus): TaskStatus {
  return canTransitionTask(current, incoming) ? incoming : current;
}
