import type { SimContext } from './context.js';
import type { SimGroup, SimTask } from './model.js';
import { addAmounts } from './resources.js';

/**
 * Drops `task` from the master: its terminal update was acknowledged, or its agent is gone. When it was the
 * last task of its executor, the executor exits: its resources return to the agent and, with `exitEvent`, the
 * framework gets an executor FAILURE (`status` 0, or 256 = exit code 1 when a task FAILED), as the default
 * executor's exit produces one (spec/mesos-v1.md §9).
 */
export function forgetTask(ctx: SimContext, task: SimTask, exitEvent = true): void {
  ctx.state.tasks.delete(task.id);
  const agent = ctx.state.agents.get(task.agentId);
  const group = agent?.groups.get(task.executorId);
  if (agent === undefined || group === undefined) return;
  group.tasks.delete(task.id);
  ctx.touchGroup(group);
  if (group.tasks.size > 0) return;
  agent.groups.delete(group.executorId);
  agent.free = addAmounts(agent.free, group.charged);
  if (exitEvent) {
    ctx.emit({
      type: 'FAILURE',
      failure: {
        agent_id: { value: group.agentId },
        executor_id: { value: group.executorId },
        status: group.failed ? 256 : 0,
      },
    });
  }
}

/** The tasks of `group` as a snapshot array (safe to iterate while tasks change). */
export function tasksOf(group: SimGroup): SimTask[] {
  return [...group.tasks.values()];
}
