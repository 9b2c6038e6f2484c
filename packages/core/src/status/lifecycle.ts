import type { TaskGroup, TaskGroupStatus } from '../resources/taskgroup.js';

/**
 * A taskgroup's lifecycle sets, defined once: every part of the scheduler that asks "has it ended?", "does it
 * run?" or "does it still hold its host?" asks here.
 *
 * | status                                                    | placed | runs    | may change | ended | active | live |
 * | --------------------------------------------------------- | ------ | ------- | ---------- | ----- | ------ | ---- |
 * | Pending                                                   | no     | no      | yes        | yes¹  | no     | no   |
 * | Staging, Starting, Running, Restarting, Killing, Unknown  | yes    | yes     | yes        | no    | yes    | yes  |
 * | Lost                                                      | yes    | unknown | yes        | yes   | no     | yes  |
 * | Finish, Failed, Killed, Error (frozen, §2.2)              | yes    | no      | no         | yes   | no     | no   |
 *
 * ¹ {@link isEnded} counts Pending as ended (nothing of it runs); {@link ENDED_STATUSES} holds only what a
 * launched taskgroup ends in.
 *
 * `Lost` is the one status where the sets part: its agent stopped reporting, so the scheduler neither kills it
 * again nor waits for it (ended), yet it may come back Running (spec/bcs-behaviour.md §2.1: Lost is not
 * terminal), so constraint checks and an agent's usage still count it where it was (live), as the original's
 * "live = not Finish/Failed" did (§3.4). An instance that never comes back is replaced by the restart policy
 * (which removes the Lost record) or stays counted until the application is updated, scaled down or deleted.
 */

/** Statuses that never change once reached (spec/bcs-behaviour.md §2.2): `Finish`, `Error`, `Killed`, `Failed`. */
export const FROZEN_TASKGROUP_STATUSES: ReadonlySet<TaskGroupStatus> = new Set<TaskGroupStatus>([
  'Finish',
  'Error',
  'Killed',
  'Failed',
]);

/**
 * Statuses a launched taskgroup ends in: nothing of it is known to run any more, so the controller replaces or
 * removes it. The frozen ones plus `Lost`.
 */
export const ENDED_STATUSES: ReadonlySet<TaskGroupStatus> = new Set<TaskGroupStatus>([
  ...FROZEN_TASKGROUP_STATUSES,
  'Lost',
]);

/**
 * Statuses after which a kill needs no re-sending: the ended ones. A Lost taskgroup's agent cannot be reached;
 * should it come back, it is Running again and its kill is re-sent.
 */
export const STOPPED: ReadonlySet<TaskGroupStatus> = ENDED_STATUSES;

/** Statuses that count as a failure until the instance is restarted (a deployment's failure budget). */
export const FAILED_STATUSES: ReadonlySet<TaskGroupStatus> = new Set<TaskGroupStatus>([
  'Failed',
  'Lost',
  'Error',
]);

/** True for `Finish`, `Error`, `Killed` and `Failed`. Example: `isFrozenTaskGroupStatus('Lost')` → false. */
export function isFrozenTaskGroupStatus(status: TaskGroupStatus): boolean {
  return FROZEN_TASKGROUP_STATUSES.has(status);
}

/**
 * True when nothing of the taskgroup runs (as far as the scheduler knows) or it never launched: `Pending` or
 * one of {@link ENDED_STATUSES}. Examples: Pending → true; Lost → true; Running → false.
 */
export function isEnded(taskGroup: Pick<TaskGroup, 'status'>): boolean {
  return taskGroup.status === 'Pending' || ENDED_STATUSES.has(taskGroup.status);
}

/** True when the taskgroup runs on an agent (or is on its way there): not {@link isEnded}. Lost → false. */
export function isActive(taskGroup: Pick<TaskGroup, 'status'>): boolean {
  return !isEnded(taskGroup);
}

/**
 * Whether the taskgroup still holds its host: it was placed there and has not reached a frozen status. What
 * constraint checks (UNIQUE, MAXPER, GROUPBY, EXCLUDE) and an agent's usage count.
 *
 * Examples: Running on host a → true; Lost on a → true; Killed on a → false; Pending → false.
 */
export function isLive(taskGroup: Pick<TaskGroup, 'status' | 'hostname'>): boolean {
  return (
    taskGroup.hostname !== undefined &&
    taskGroup.status !== 'Pending' &&
    !FROZEN_TASKGROUP_STATUSES.has(taskGroup.status)
  );
}
