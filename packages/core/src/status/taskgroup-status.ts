import type { TaskGroupStatus, TaskStatus } from '../resources/taskgroup.js';
import { isFrozenTaskGroupStatus } from './lifecycle.js';

/** One rule of {@link TASKGROUP_STATUS_RULES}: when `any` (or `all`) of the tasks are `task`, the group is `result`. */
export interface TaskGroupStatusRule {
  readonly quantifier: 'any' | 'all';
  readonly task: TaskStatus;
  readonly result: TaskGroupStatus;
}

/**
 * spec/bcs-behaviour.md §2.2 as an ordered list: the first rule that matches gives the taskgroup status; when
 * none does, it is `Unknown`. A failure anywhere outranks everything, then a kill in progress, an error, and
 * only then the "all ended alike" cases; a single lost task makes the group `Lost` before any progress counts.
 */
export const TASKGROUP_STATUS_RULES: readonly TaskGroupStatusRule[] = [
  { quantifier: 'any', task: 'Failed', result: 'Failed' },
  { quantifier: 'any', task: 'Killing', result: 'Killing' },
  { quantifier: 'any', task: 'Error', result: 'Error' },
  { quantifier: 'all', task: 'Finish', result: 'Finish' },
  { quantifier: 'all', task: 'Killed', result: 'Killed' },
  { quantifier: 'any', task: 'Lost', result: 'Lost' },
  { quantifier: 'all', task: 'Staging', result: 'Staging' },
  { quantifier: 'any', task: 'Starting', result: 'Starting' },
  { quantifier: 'any', task: 'Restarting', result: 'Restarting' },
  { quantifier: 'any', task: 'Running', result: 'Running' },
];

function matches(rule: TaskGroupStatusRule, tasks: readonly { readonly status: TaskStatus }[]): boolean {
  return rule.quantifier === 'any'
    ? tasks.some((t) => t.status === rule.task)
    : tasks.every((t) => t.status === rule.task);
}

/**
 * A taskgroup's status from its tasks' (spec/bcs-behaviour.md §2.2): the first matching rule of
 * {@link TASKGROUP_STATUS_RULES}, else `Unknown`.
 *
 * - A `current` status that is frozen (`Finish`, `Error`, `Killed`, `Failed`) is returned unchanged.
 * - With no tasks, `current` is returned: there is nothing to derive from (an "all" rule would otherwise
 *   hold vacuously and call an empty group `Finish`).
 * - `Pending` (not placed yet: no agent) is the caller's business; this function never returns it unless
 *   it is `current` and the group has no tasks.
 *
 * Examples: `[Running, Failed]` → `Failed`; `[Finish, Finish]` → `Finish`; `[Finish, Running]` → `Running`;
 * `[Finish, Killed]` → `Unknown`; `[Running]` with current `Killed` → `Killed` (frozen).
 */
export function taskGroupStatusOf(
  tasks: readonly { readonly status: TaskStatus }[],
  current: TaskGroupStatus,
): TaskGroupStatus {
  if (isFrozenTaskGroupStatus(current) || tasks.length === 0) return current;
  return TASKGROUP_STATUS_RULES.find((rule) => matches(rule, tasks))?.result ?? 'Unknown';
}
