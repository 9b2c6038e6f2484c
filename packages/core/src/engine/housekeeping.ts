import type { MesosTaskStatus } from '../ports/mesos-driver.js';
import type { TaskGroupStatus } from '../resources/taskgroup.js';
import type { SchedulerEngine } from './engine.js';
import { type SchedulerState, STOPPED } from './state.js';

/** A kill not confirmed after the grace period plus this is sent again. */
export const KILL_RETRY_MS = 30_000;

/** Statuses after which a taskgroup's tasks are gone: nothing to reconcile. */
const FINISHED: ReadonlySet<TaskGroupStatus> = new Set(['Finish', 'Failed', 'Killed', 'Error']);

/**
 * Sends the SHUTDOWN again for every taskgroup whose kill was requested more than its grace period plus
 * {@link KILL_RETRY_MS} ago and that has not stopped (calls are at-most-once; a lost one must not leave the
 * taskgroup running). Visits only the taskgroups being killed (`state.killing`), not every taskgroup.
 */
export async function resendStuckKills(engine: SchedulerEngine, now: number): Promise<void> {
  for (const taskGroup of [...engine.state.killing.values()]) {
    if (taskGroup.killRequestedAt === undefined || taskGroup.agentId === undefined) continue;
    const app = engine.state.get(taskGroup.namespace, taskGroup.appId);
    const graceMs = (app?.versions.get(taskGroup.versionId)?.killGracePeriod ?? 0) * 1000;
    if (now - taskGroup.killRequestedAt > graceMs + KILL_RETRY_MS && !STOPPED.has(taskGroup.status)) {
      await engine.killTaskGroup(taskGroup);
    }
  }
}

/** The tasks of explicit reconciliation: every task the scheduler believes is on an agent. */
export function tasksToReconcile(
  state: SchedulerState,
): { task_id: MesosTaskStatus['task_id']; agent_id: { value: string } }[] {
  const tasks = [];
  for (const { taskGroup } of state.allTaskGroups()) {
    if (taskGroup.agentId === undefined || taskGroup.status === 'Pending') continue;
    if (FINISHED.has(taskGroup.status)) continue;
    for (const task of taskGroup.tasks) {
      tasks.push({ task_id: { value: task.id }, agent_id: { value: taskGroup.agentId } });
    }
  }
  return tasks;
}
