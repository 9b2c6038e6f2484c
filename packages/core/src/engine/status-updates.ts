import type { MesosTaskStatus } from '../ports/mesos-driver.js';
import type { HealthResult } from '../resources/health.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { ENDED_STATUSES } from '../status/lifecycle.js';
import { planRestart } from '../status/restart-policy.js';
import { nextTaskStatus, taskStatusOf } from '../status/task-status.js';
import { taskGroupStatusOf } from '../status/taskgroup-status.js';
import { type ControllerContext, newPendingTaskGroup } from './app-controller.js';
import { withTaskHealth } from './health-results.js';
import type { StateView } from './ports.js';
import { type AppState, Changes } from './state.js';

/** What a batch of status updates changes (see {@link applyStatusUpdates}). */
export interface StatusBatch {
  /** Every record change of the batch, to be written as one store batch. */
  readonly changes: Changes;
  /** The applications whose taskgroups got an update, in the order of their first update. */
  readonly affected: Set<AppState>;
  /** Updates of tasks the scheduler has no record of (or whose taskgroup this batch replaced): orphans. */
  readonly unknown: MesosTaskStatus[];
}

/**
 * Applies status updates in order, as {@link applyStatusUpdate} one after the other would, each seeing the
 * taskgroup as the earlier ones of the batch left it; pure (`state` is read, not modified). The engine drains
 * every update that arrived together through this, so 100 000 updates cost one store batch and one controller
 * run per application instead of one each (which made a large application's start O(n²)).
 */
export function applyStatusUpdates(
  state: StateView,
  statuses: readonly MesosTaskStatus[],
  ctx: ControllerContext,
): StatusBatch {
  const batch: StatusBatch = { changes: new Changes(), affected: new Set(), unknown: [] };
  const latest = new Map<string, TaskGroup>();
  const replaced = new Set<string>();
  for (const status of statuses) {
    const id = state.taskIndex.get(status.task_id.value);
    const found = id === undefined || replaced.has(id) ? undefined : state.findTaskGroup(id);
    if (id === undefined || found === undefined) {
      batch.unknown.push(status);
      continue;
    }
    const changes = applyStatusUpdate(found.app, latest.get(id) ?? found.taskGroup, status, ctx);
    if (changes.empty) continue; // nothing new (a confirming reconciliation answer): no write, no decision
    for (const taskGroup of changes.removedTaskGroups) replaced.add(taskGroup.id);
    for (const taskGroup of changes.taskGroups.values()) latest.set(taskGroup.id, taskGroup);
    batch.changes.merge(changes);
    batch.affected.add(found.app);
  }
  return batch;
}

/**
 * Applies one Mesos status update to a taskgroup and returns the record changes (pure: `taskGroup` is not
 * modified). When the taskgroup ends on its own (not killed by the scheduler), the restart policy decides
 * (spec/bcs-behaviour.md §2.5, with the original's weak points fixed, §15.1): a restart replaces it with a
 * Pending taskgroup of the same index whose `notBefore` applies the back-off; Lost counts as a failure.
 */
export function applyStatusUpdate(
  app: AppState,
  taskGroup: TaskGroup,
  status: MesosTaskStatus,
  ctx: ControllerContext,
): Changes {
  const changes = new Changes();
  const incoming = taskStatusOf(status.state);
  if (incoming === undefined) return changes;
  // Object.assign, not spreads: the copies gain properties below (startedAt, a task's lastStatus and
  // containerIp), and V8 makes that slow on spread copies (see `launchedTaskGroup` in placement-pass.ts).
  const tasks = taskGroup.tasks.map((t) => Object.assign({}, t));
  const updated: TaskGroup = Object.assign({}, taskGroup, { tasks });
  const task = updated.tasks.find((t) => t.id === status.task_id.value);
  if (task === undefined) return changes;

  const neverLaunched = task.status === 'Staging' && isUnknownToMaster(status);
  const next = nextTaskStatus(task.status, incoming);
  // An update that confirms what is stored changes nothing: no write, no event. After a re-subscribe 10 000
  // reconciliation answers (whose message is the master's, not news) would otherwise rewrite 10 000 unchanged
  // taskgroups, and an agent resending an update the scheduler already applied (its ACK was late) would
  // rewrite it again. It is still acknowledged (status-drain.ts).
  const version = app.versions.get(taskGroup.versionId);
  const healthChanged =
    status.healthy !== undefined &&
    withTaskHealth(task, version, localHealthResult(status.healthy, status, task), ctx.now);
  if (next === task.status && !neverLaunched && !healthChanged && confirms(task, status)) return changes;
  if (next !== task.status) {
    task.lastStatus = task.status;
    task.status = next;
  }
  if (status.message !== undefined && status.message !== '') task.message = status.message;
  const ip = status.container_status?.network_infos?.[0]?.ip_addresses?.[0]?.ip_address;
  if (ip !== undefined) task.containerIp = ip;
  task.updatedAt = ctx.now;

  const wasEnded = ENDED_STATUSES.has(taskGroup.status);
  const groupStatus = taskGroupStatusOf(updated.tasks, updated.status);
  if (groupStatus !== updated.status) {
    updated.lastStatus = updated.status;
    updated.status = groupStatus;
    if (groupStatus === 'Running' && updated.startedAt === undefined) updated.startedAt = ctx.now;
  }
  if (status.message !== undefined && status.message !== '') updated.message = status.message;
  updated.updatedAt = ctx.now;

  const endedNow = !wasEnded && ENDED_STATUSES.has(updated.status);
  if ((endedNow || neverLaunched) && shouldConsiderRestart(app, updated)) {
    if (status.state === 'TASK_DROPPED' || neverLaunched) return relaunchDropped(app, updated, ctx, changes);
    return restartOrKeep(app, updated, ctx, changes);
  }
  return changes.putTaskGroup(updated);
}

/**
 * The master's reconciliation answer about a task it has no record of (spec/mesos-v1.md §8: TASK_GONE when
 * its agent is registered, TASK_UNKNOWN otherwise, TASK_LOST to a framework that is not partition-aware). For a
 * task still Staging (no update from its agent ever came) it means the LAUNCH_GROUP never reached the master:
 * the ACCEPT failed (a leader switch answered 307, the link dropped while it waited) or the scheduler stopped
 * between storing the placement and sending it.
 */
function isUnknownToMaster(status: MesosTaskStatus): boolean {
  return (
    status.source === 'SOURCE_MASTER' &&
    status.reason === 'REASON_RECONCILIATION' &&
    (status.state === 'TASK_GONE' ||
      status.state === 'TASK_UNKNOWN' ||
      status.state === 'TASK_LOST' ||
      status.state === 'TASK_DROPPED')
  );
}

/**
 * TASK_DROPPED, or a Staging task the master's reconciliation does not know ({@link isUnknownToMaster}): Mesos
 * never launched the group (its offer was no longer valid, e.g. across a master failover or
 * a re-subscribe in the middle of an offer round; spec/mesos-v1.md §7 "transient; retry"). Nothing ran, so it is
 * not a failure: the instance is placed again at once whatever the restart policy, its restart count unchanged.
 */
function relaunchDropped(
  app: AppState,
  taskGroup: TaskGroup,
  ctx: ControllerContext,
  changes: Changes,
): Changes {
  const version = app.versions.get(taskGroup.versionId) ?? app.versions.get(app.app.versionId);
  if (version === undefined) return changes.putTaskGroup(taskGroup);
  const replacement = newPendingTaskGroup(app.app, version, taskGroup.index, ctx, {
    restarts: taskGroup.restarts,
    ...(taskGroup.lastRestartAt === undefined ? {} : { lastRestartAt: taskGroup.lastRestartAt }),
    ...retainOf(taskGroup),
  });
  replacement.message = 'relaunching: Mesos dropped the launch before it ran';
  return changes.removeTaskGroup(taskGroup).putTaskGroup(replacement);
}

/**
 * The executor's verdict on a container's local check (Mesos' `healthy`, spec/bcs-behaviour.md §7). A
 * failure keeps the update's message (Mesos says why); a pass says nothing. A reconciliation answer repeats
 * the verdict with the master's boilerplate message, which is not news: the stored message stays.
 */
function localHealthResult(
  healthy: boolean,
  status: MesosTaskStatus,
  task: TaskGroup['tasks'][number],
): HealthResult {
  const reported = (status as { readonly consecutiveFailures?: number }).consecutiveFailures;
  const failures = reported === undefined ? {} : { consecutiveFailures: reported };
  if (healthy) return { key: 'local', result: true, message: '', ...failures };
  const message =
    status.reason === 'REASON_RECONCILIATION'
      ? (task.health?.checks.local?.message ?? '')
      : (status.message ?? '');
  return { key: 'local', result: false, message, ...failures };
}

/**
 * Whether `status` tells nothing new of `task` beyond its state: health, container IP and message unchanged
 * (a reconciliation answer's message is the master's boilerplate, not news).
 */
function confirms(task: TaskGroup['tasks'][number], status: MesosTaskStatus): boolean {
  const news = status.message !== undefined && status.message !== '' && status.message !== task.message;
  if (news && status.reason !== 'REASON_RECONCILIATION') return false;
  const ip = status.container_status?.network_infos?.[0]?.ip_addresses?.[0]?.ip_address;
  return ip === undefined || ip === task.containerIp;
}

/** Ended on its own, still wanted, and the application is not being deleted. */
function shouldConsiderRestart(app: AppState, taskGroup: TaskGroup): boolean {
  if (app.app.operation?.type === 'delete') return false;
  if (taskGroup.index >= app.app.desiredInstances) return false;
  return taskGroup.killRequestedAt === undefined || taskGroup.rescheduleRequested === true;
}

function restartOrKeep(
  app: AppState,
  taskGroup: TaskGroup,
  ctx: ControllerContext,
  changes: Changes,
): Changes {
  const version = app.versions.get(taskGroup.versionId) ?? app.versions.get(app.app.versionId);
  if (version === undefined) return changes.putTaskGroup(taskGroup);
  if (taskGroup.rescheduleRequested === true) {
    // An operator asked for this instance to move: no back-off, and it does not count as a failure.
    const replacement = newPendingTaskGroup(app.app, version, taskGroup.index, ctx, {
      restarts: taskGroup.restarts + 1,
      lastRestartAt: ctx.now,
      ...retainOf(taskGroup),
    });
    return changes.removeTaskGroup(taskGroup).putTaskGroup(replacement);
  }
  const decision = planRestart({
    policy: version.restartPolicy,
    status: taskGroup.status,
    restarts: taskGroup.restarts,
    ...(taskGroup.lastRestartAt === undefined ? {} : { lastRestartAt: taskGroup.lastRestartAt }),
    now: ctx.now,
  });
  if (!decision.restart) {
    taskGroup.message = `${taskGroup.message ? `${taskGroup.message}; ` : ''}not restarted: ${decision.reason}`;
    return changes.putTaskGroup(taskGroup);
  }
  const retain =
    version.restartPolicy.hostRetainTime > 0 && taskGroup.hostname !== undefined
      ? {
          retainHost: taskGroup.hostname,
          retainHostUntil: ctx.now + version.restartPolicy.hostRetainTime * 1000,
        }
      : {};
  const replacement = newPendingTaskGroup(app.app, version, taskGroup.index, ctx, {
    restarts: decision.restarts,
    lastRestartAt: ctx.now,
    notBefore: ctx.now + decision.delayMs,
    ...retain,
  });
  replacement.message = `restarting after ${taskGroup.status} (restart ${decision.restarts}, in ${decision.delayMs / 1000} s)`;
  return changes.removeTaskGroup(taskGroup).putTaskGroup(replacement);
}

function retainOf(taskGroup: TaskGroup): Pick<TaskGroup, 'retainHost' | 'retainHostUntil'> {
  return {
    ...(taskGroup.retainHost === undefined ? {} : { retainHost: taskGroup.retainHost }),
    ...(taskGroup.retainHostUntil === undefined ? {} : { retainHostUntil: taskGroup.retainHostUntil }),
  };
}
