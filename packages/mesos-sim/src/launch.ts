import type { AcceptBody, MesosLaunchGroupOperation, MesosTaskInfo } from '@bcs/core';
import { type SimContext, timestampOf, updateEvent } from './context.js';
import { checkLaunchGroup } from './launch-validation.js';
import type { SimAgent, SimGroup, SimTask } from './model.js';
import { refuse, takeOffers } from './offers.js';
import { type Amounts, addAmounts, NO_AMOUNTS, subtractAmounts } from './resources.js';
import { resolveScript, startTask } from './task-lifecycle.js';

/**
 * Handles ACCEPT (spec/mesos-v1.md §4, §9):
 *
 * 1. Consume the named offers. If any is unknown, used or rescinded (or they are duplicated, span agents, or
 *    none is named), every task of every launch gets TASK_LOST (TASK_DROPPED for PARTITION_AWARE frameworks)
 *    with `REASON_INVALID_OFFERS`, from the master, without uuid; the valid offers' resources are refused.
 * 2. Run the operations in order against what is left of the offers; an invalid LAUNCH_GROUP fails all its
 *    tasks with TASK_ERROR `REASON_TASK_GROUP_INVALID` and takes nothing. Other operation types are ignored.
 * 3. Refuse the unused remainder for `filters.refuse_seconds` (an ACCEPT without operations is a DECLINE).
 */
export function acceptOffers(ctx: SimContext, body: AcceptBody): void {
  const operations = (body.operations ?? []).filter(isLaunchGroup);
  const taken = takeOffers(ctx, body.offer_ids ?? []);
  const agent = ctx.state.agents.get(taken.offers[0]?.agentId ?? '');
  if (taken.error !== undefined || agent === undefined) {
    const lost = ctx.state.framework?.partitionAware === true ? 'TASK_DROPPED' : 'TASK_LOST';
    const message = `Task launched with invalid offers: ${taken.error ?? 'agent is gone'}`;
    for (const op of operations) failTasks(ctx, op, lost, 'REASON_INVALID_OFFERS', message);
    for (const offer of taken.offers) refuse(ctx, offer.agentId, offer.amounts, body.filters);
    return;
  }
  let remaining = taken.offers.reduce<Amounts>((sum, offer) => addAmounts(sum, offer.amounts), NO_AMOUNTS);
  for (const op of operations) remaining = launchGroup(ctx, agent, op, remaining);
  refuse(ctx, agent.id, remaining, body.filters);
}

/** Validates and launches one group; returns what is left of the offer. */
function launchGroup(
  ctx: SimContext,
  agent: SimAgent,
  op: MesosLaunchGroupOperation,
  offered: Amounts,
): Amounts {
  const framework = ctx.state.framework!;
  const check = checkLaunchGroup(op, {
    frameworkId: framework.id,
    agentId: agent.id,
    offered,
    taskExists: (id) => ctx.state.tasks.has(id),
    runningExecutor: (id) => {
      const group = agent.groups.get(id);
      return group === undefined ? undefined : JSON.stringify(group.executor);
    },
  });
  if (!check.ok) {
    failTasks(ctx, op, 'TASK_ERROR', 'REASON_TASK_GROUP_INVALID', `Task group is invalid: ${check.message}`);
    return offered;
  }
  const { executor, task_group } = op.launch_group;
  const executorId = executor.executor_id.value;
  const group: SimGroup = agent.groups.get(executorId) ?? {
    agentId: agent.id,
    executorId,
    executor,
    charged: NO_AMOUNTS,
    tasks: new Map(),
    failed: false,
  };
  agent.groups.set(executorId, group);
  group.charged = addAmounts(group.charged, check.charge);
  agent.free = subtractAmounts(agent.free, check.charge);
  const tasks = task_group.tasks.map((info) => newTask(ctx, agent, executorId, info));
  for (const task of tasks) {
    group.tasks.set(task.id, task);
    ctx.state.tasks.set(task.id, task);
  }
  ctx.touchGroup(group);
  for (const task of tasks) startTask(ctx, task);
  return subtractAmounts(offered, check.charge);
}

function newTask(ctx: SimContext, agent: SimAgent, executorId: string, info: MesosTaskInfo): SimTask {
  const nanos = info.kill_policy?.grace_period?.nanoseconds;
  const image = info.container?.mesos?.image?.docker?.name ?? info.container?.docker?.image;
  return {
    id: info.task_id.value,
    name: info.name,
    agentId: agent.id,
    executorId,
    state: 'TASK_STAGING',
    healthy: undefined,
    healthCheck: info.health_check !== undefined,
    killGraceMs: typeof nanos === 'number' && nanos >= 0 ? nanos / 1e6 : undefined,
    script: resolveScript(ctx.settings.scripts, image),
    next: undefined,
    queue: [],
    retry: undefined,
  };
}

/** Master-made updates (no uuid, sent once) for every task of a launch that never reached an agent. */
function failTasks(
  ctx: SimContext,
  op: MesosLaunchGroupOperation,
  state: 'TASK_LOST' | 'TASK_DROPPED' | 'TASK_ERROR',
  reason: string,
  message: string,
): void {
  const tasks = op.launch_group?.task_group?.tasks;
  for (const task of Array.isArray(tasks) ? tasks : []) {
    if (typeof task?.task_id?.value !== 'string') continue;
    ctx.emit(
      updateEvent({
        task_id: { value: task.task_id.value },
        state,
        source: 'SOURCE_MASTER',
        reason,
        message,
        ...(task.agent_id?.value === undefined ? {} : { agent_id: { value: task.agent_id.value } }),
        timestamp: timestampOf(ctx),
      }),
    );
  }
}

function isLaunchGroup(op: { readonly type: string }): op is MesosLaunchGroupOperation {
  return op?.type === 'LAUNCH_GROUP';
}
