import type { MesosLaunchGroupOperation, MesosTaskInfo } from '@bcs/core';
import {
  type Amounts,
  addAmounts,
  containsAmounts,
  countPorts,
  NO_AMOUNTS,
  parseResources,
  toMilli,
} from './resources.js';

/** What a LAUNCH_GROUP is checked against. */
export interface LaunchGroupContext {
  readonly frameworkId: string;
  /** The agent of the offer(s). */
  readonly agentId: string;
  /** What is left of the offered resources (earlier operations of the same ACCEPT took their share). */
  readonly offered: Amounts;
  /** True when the master already tracks a task with this id (live or terminal-unacknowledged). */
  readonly taskExists: (taskId: string) => boolean;
  /** The ExecutorInfo (as JSON) of the running executor with this id on the agent, if any. */
  readonly runningExecutor: (executorId: string) => string | undefined;
}

/** The outcome of {@link checkLaunchGroup}. */
export type LaunchGroupCheck =
  | { readonly ok: true; readonly charge: Amounts; readonly reusesExecutor: boolean }
  | { readonly ok: false; readonly message: string };

/** Executor minimums the master enforces for LAUNCH_GROUP (spec/mesos-v1.md §9), in thousandths. */
const MIN_EXECUTOR_CPUS = toMilli(0.01);
const MIN_EXECUTOR_MEM = toMilli(32);

/**
 * The master's LAUNCH_GROUP validation (spec/mesos-v1.md §9), pure. The first broken rule fails the whole
 * group (the caller answers TASK_ERROR `REASON_TASK_GROUP_INVALID` for every task):
 *
 * 1. no operation `id`; an executor with `type`, an `executor_id`, `framework_id` = the framework's, no
 *    `command` for DEFAULT, and a container (if any) of type MESOS without an image;
 * 2. executor resources: cpus ≥ 0.01, mem ≥ 32 MB and some disk;
 * 3. tasks: at least one; ids of 1–255 characters without `/`, `\` or control characters, not `.`/`..`,
 *    unique in the group and unknown to the master; `agent_id` = the offer's agent; non-empty resources; a
 *    task executor (if set) equal to the group's; no DOCKER containers;
 * 4. a running executor with the same id must have an identical ExecutorInfo (then it is not charged again);
 * 5. tasks + executor (when not running yet) ⊆ the offered resources, ports included. Stricter than Mesos:
 *    a port requested twice within the group is invalid (Mesos would merge the ranges and launch both).
 */
export function checkLaunchGroup(op: MesosLaunchGroupOperation, ctx: LaunchGroupContext): LaunchGroupCheck {
  const problem = checkExecutor(op, ctx) ?? checkTasks(op.launch_group?.task_group?.tasks, ctx);
  if (problem !== undefined) return invalid(problem);
  const executor = op.launch_group.executor;
  const running = ctx.runningExecutor(executor.executor_id.value);
  if (running !== undefined && running !== JSON.stringify(executor))
    return invalid(`executor ${executor.executor_id.value} is running with a different ExecutorInfo`);
  const parts = op.launch_group.task_group.tasks.map((task) => parseResources(task.resources).amounts);
  if (running === undefined) parts.unshift(parseResources(executor.resources).amounts);
  let charge = NO_AMOUNTS;
  let requestedPorts = 0;
  for (const part of parts) {
    charge = addAmounts(charge, part);
    requestedPorts += countPorts(part.ports);
  }
  if (countPorts(charge.ports) !== requestedPorts)
    return invalid('a port is requested more than once in the group');
  if (!containsAmounts(ctx.offered, charge))
    return invalid(`task group needs ${describe(charge)} but the offer has ${describe(ctx.offered)}`);
  return { ok: true, charge, reusesExecutor: running !== undefined };
}

function checkExecutor(op: MesosLaunchGroupOperation, ctx: LaunchGroupContext): string | undefined {
  if ((op as { id?: unknown }).id !== undefined) return 'an operation id is not allowed on LAUNCH_GROUP';
  const executor = op.launch_group?.executor;
  if (executor === undefined) return 'executor is required';
  if (executor.type !== 'DEFAULT' && executor.type !== 'CUSTOM') return 'executor.type must be set';
  if (typeof executor.executor_id?.value !== 'string' || executor.executor_id.value === '')
    return 'executor.executor_id is required';
  if (executor.framework_id?.value !== ctx.frameworkId)
    return 'executor.framework_id must be set to the framework id';
  if (executor.type === 'DEFAULT' && executor.command !== undefined)
    return 'a DEFAULT executor must not have a command';
  const container = executor.container;
  if (container !== undefined && (container.type !== 'MESOS' || container.mesos?.image !== undefined))
    return 'the executor container must be MESOS without an image';
  const parsed = parseResources(executor.resources);
  if (parsed.problems.length > 0) return `executor resources: ${parsed.problems.join('; ')}`;
  const { cpus, mem, disk } = parsed.amounts;
  if (cpus < MIN_EXECUTOR_CPUS || mem < MIN_EXECUTOR_MEM || disk <= 0)
    return 'executor resources need cpus ≥ 0.01, mem ≥ 32 and some disk';
  return undefined;
}

function checkTasks(
  tasks: readonly MesosTaskInfo[] | undefined,
  ctx: LaunchGroupContext,
): string | undefined {
  if (!Array.isArray(tasks) || tasks.length === 0) return 'the task group has no tasks';
  const ids = new Set<string>();
  for (const task of tasks) {
    const id = task?.task_id?.value;
    const idProblem = checkTaskId(id);
    if (idProblem !== undefined) return idProblem;
    if (ids.has(id!)) return `task id ${id} is duplicated in the group`;
    ids.add(id!);
    if (ctx.taskExists(id!)) return `task ${id} already exists`;
    if (task.agent_id?.value !== ctx.agentId) return `task ${id} has agent_id ≠ the offer's agent`;
    if (!Array.isArray(task.resources) || task.resources.length === 0) return `task ${id} has no resources`;
    const parsed = parseResources(task.resources);
    if (parsed.problems.length > 0) return `task ${id}: ${parsed.problems.join('; ')}`;
    if (task.container?.type === 'DOCKER') return `task ${id}: DOCKER containers are not allowed in a group`;
    const own = (task as { executor?: { executor_id?: { value?: string } } }).executor;
    if (own !== undefined && own.executor_id?.value !== undefined) {
      return `task ${id}: a task executor is not allowed in a group with the DEFAULT executor`;
    }
  }
  return undefined;
}

/** Mesos' task id rules (spec/mesos-v1.md §6). */
function checkTaskId(id: string | undefined): string | undefined {
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) return 'a task id needs 1–255 characters';
  if (id === '.' || id === '..') return `task id '${id}' is not allowed`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Mesos rejects control characters in task ids.
  if (/[/\\\u0000-\u001f\u007f]/.test(id)) return `task id ${JSON.stringify(id)} has a forbidden character`;
  return undefined;
}

function invalid(message: string): LaunchGroupCheck {
  return { ok: false, message };
}

function describe(a: Amounts): string {
  const ports = a.ports.map((r) => (r.begin === r.end ? `${r.begin}` : `${r.begin}-${r.end}`)).join(',');
  return `cpus ${a.cpus / 1000}, mem ${a.mem / 1000}, disk ${a.disk / 1000}, ports [${ports}]`;
}
