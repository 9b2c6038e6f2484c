import { type MesosEvent, TERMINAL_TASK_STATES } from '@bcs/core';
import { type SimContext, timestampOf, updateEvent } from './context.js';
import { forgetTask, tasksOf } from './groups.js';
import type { SimAgent } from './model.js';

/**
 * Removes `agent` (spec/mesos-v1.md §11 "Agent loss"): its outstanding offer is rescinded, the framework gets
 * FAILURE (agent only) and, for every non-terminal task on it, TASK_LOST (TASK_GONE for PARTITION_AWARE
 * frameworks) with `REASON_AGENT_REMOVED`, from the master and without uuid. These events come in a seeded
 * shuffled order, since Mesos guarantees none. The agent's tasks, executors and pending updates are dropped;
 * its id is never reused.
 */
export function removeAgent(ctx: SimContext, agent: SimAgent): void {
  const events: MesosEvent[] = [];
  const offer = agent.offerId === undefined ? undefined : ctx.state.offers.get(agent.offerId);
  if (offer !== undefined) {
    ctx.state.offers.delete(offer.id);
    events.push({ type: 'RESCIND', rescind: { offer_id: { value: offer.id } } });
  }
  events.push({ type: 'FAILURE', failure: { agent_id: { value: agent.id } } });
  const state = ctx.state.framework?.partitionAware === true ? 'TASK_GONE' : 'TASK_LOST';
  for (const group of [...agent.groups.values()]) {
    for (const task of tasksOf(group)) {
      if (!TERMINAL_TASK_STATES.has(task.state)) {
        events.push(
          updateEvent({
            task_id: { value: task.id },
            state,
            source: 'SOURCE_MASTER',
            reason: 'REASON_AGENT_REMOVED',
            message: 'Agent removed',
            agent_id: { value: agent.id },
            executor_id: { value: task.executorId },
            timestamp: timestampOf(ctx),
          }),
        );
      }
      forgetTask(ctx, task, false);
    }
  }
  ctx.state.agents.delete(agent.id);
  ctx.touchAgent(agent.id);
  for (const event of ctx.prng.shuffle(events)) ctx.emit(event);
}
