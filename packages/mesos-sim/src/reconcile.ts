import type { MesosId, MesosTaskState, MesosTaskStatus, ReconcileTask } from '@bcs/core';
import { type SimContext, timestampOf, updateEvent } from './context.js';
import type { SimTask } from './model.js';

/**
 * Handles RECONCILE (spec/mesos-v1.md §8). Answers come from the master: `SOURCE_MASTER`,
 * `REASON_RECONCILIATION`, no uuid, sent once.
 *
 * - Explicit (tasks listed): the latest state of each known task, in the order listed; an unknown task is
 *   TASK_LOST, or for PARTITION_AWARE frameworks TASK_GONE (its `agent_id` names a registered agent) or
 *   TASK_UNKNOWN.
 * - Implicit (empty list): every task the master tracks, including terminal ones whose terminal update is not
 *   acknowledged yet, in launch order.
 */
export function reconcileTasks(ctx: SimContext, tasks: readonly ReconcileTask[]): void {
  if (tasks.length === 0) {
    for (const task of ctx.state.tasks.values()) ctx.emit(updateEvent(knownTaskStatus(ctx, task)));
    return;
  }
  for (const entry of tasks) {
    const task = ctx.state.tasks.get(entry?.task_id?.value);
    const status =
      task === undefined ? unknownTaskStatus(ctx, entry.task_id, entry.agent_id) : knownTaskStatus(ctx, task);
    ctx.emit(updateEvent(status));
  }
}

/** The answer about a task the master does not know (also the answer to KILL of an unknown task). */
export function unknownTaskStatus(ctx: SimContext, taskId: MesosId, agentId?: MesosId): MesosTaskStatus {
  let state: MesosTaskState = 'TASK_LOST';
  if (ctx.state.framework?.partitionAware === true) {
    state = agentId !== undefined && ctx.state.agents.has(agentId.value) ? 'TASK_GONE' : 'TASK_UNKNOWN';
  }
  return {
    task_id: { value: taskId.value },
    state,
    source: 'SOURCE_MASTER',
    reason: 'REASON_RECONCILIATION',
    message: 'Reconciliation: Task is unknown',
    ...(agentId === undefined ? {} : { agent_id: { value: agentId.value } }),
    timestamp: timestampOf(ctx),
  };
}

function knownTaskStatus(ctx: SimContext, task: SimTask): MesosTaskStatus {
  return {
    task_id: { value: task.id },
    state: task.state,
    source: 'SOURCE_MASTER',
    reason: 'REASON_RECONCILIATION',
    message: 'Reconciliation: Latest task state',
    agent_id: { value: task.agentId },
    executor_id: { value: task.executorId },
    timestamp: timestampOf(ctx),
    ...(task.healthy === undefined ? {} : { healthy: task.healthy }),
  };
}
