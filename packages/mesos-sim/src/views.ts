import type { SimAgent, SimTask } from './model.js';
import { subtractAmounts, viewOf } from './resources.js';
import type { SimAgentView, SimTaskView } from './types.js';

/** A test's copy of an agent's state. */
export function agentView(agent: SimAgent): SimAgentView {
  return {
    id: agent.id,
    hostname: agent.hostname,
    innerIp: agent.innerIp,
    total: viewOf(agent.total),
    used: viewOf(subtractAmounts(agent.total, agent.free)),
    ...(agent.offerId === undefined ? {} : { offerId: agent.offerId }),
    executors: [...agent.groups.values()].map((group) => ({
      id: group.executorId,
      taskIds: [...group.tasks.keys()],
    })),
  };
}

/** A test's copy of a task's state. */
export function taskView(task: SimTask): SimTaskView {
  return {
    taskId: task.id,
    executorId: task.executorId,
    agentId: task.agentId,
    state: task.state,
    ...(task.healthy === undefined ? {} : { healthy: task.healthy }),
    unacked: [...task.queue],
  };
}
