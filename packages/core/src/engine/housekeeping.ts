import type { MesosTaskStatus } from '../ports/mesos-driver.js';
import { isLive, STOPPED } from '../status/lifecycle.js';
import type { MesosCalls, StateSource, StateView } from './ports.js';

/** A kill not confirmed after the grace period plus this is sent again. */
export const KILL_RETRY_MS = 30_000;

/**
 * Sends the kill again for every taskgroup whose kill was requested more than its grace period plus
 * {@link KILL_RETRY_MS} ago and that has not stopped (calls are at-most-once; a lost one must not leave the
 * taskgroup running). Visits only the taskgroups being killed (`state.killing`), not every taskgroup.
 */
export async function resendStuckKills(engine: StateSource & MesosCalls, now: number): Promise<void> {
  for (const taskGroup of [...engine.state.killing.values()]) {
    if (taskGroup.killRequestedAt === undefined || taskGroup.agentId === undefined) continue;
    const app = engine.state.get(taskGroup.namespace, taskGroup.appId);
    const graceMs = (app?.versions.get(taskGroup.versionId)?.killGracePeriod ?? 0) * 1000;
    if (now - taskGroup.killRequestedAt > graceMs + KILL_RETRY_MS && !STOPPED.has(taskGroup.status)) {
      await engine.killTaskGroup(taskGroup);
    }
  }
}

/**
 * The tasks of explicit reconciliation: every task the scheduler believes is on an agent, the live taskgroups'
 * (Lost ones included: reconciliation is how they come back, or are confirmed gone).
 */
export function tasksToReconcile(
  state: StateView,
): { task_id: MesosTaskStatus['task_id']; agent_id: { value: string } }[] {
  const tasks = [];
  for (const { taskGroup } of state.allTaskGroups()) {
    if (taskGroup.agentId === undefined || !isLive(taskGroup)) continue;
    for (const task of taskGroup.tasks) {
      tasks.push({ task_id: { value: task.id }, agent_id: { value: taskGroup.agentId } });
    }
  }
  return tasks;
}
