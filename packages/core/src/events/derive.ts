import type { Deployment } from '../deployments/record.js';
import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type {
  ApplicationSnapshot,
  DeploymentSnapshot,
  RolloutProgress,
  TaskGroupSnapshot,
  UnsequencedEvent,
} from './event.js';

/**
 * What {@link eventsOfChanges} reads of one commit's changes; the engine's `Changes` is one. Declared here, so
 * that events depend on resources only and never on the engine that produces them.
 */
export interface ChangeSet {
  /** Applications put, by `<ns>/<app>`. */
  readonly apps: ReadonlyMap<string, Application>;
  /** Taskgroups put (the final put of each), by id. */
  readonly taskGroups: ReadonlyMap<string, TaskGroup>;
  /** Taskgroup id → the puts where its status changed, in order (see `Changes.trails`). */
  readonly trails: ReadonlyMap<string, readonly TaskGroup[]>;
  readonly removedTaskGroups: readonly TaskGroup[];
  readonly removedApps: readonly {
    readonly namespace: string;
    readonly appId: string;
    readonly taskGroupIds: readonly string[];
  }[];
  /** The statuses taskgroup `id` passed through in this set, in order. */
  stepsOf(id: string): readonly TaskGroup[];
}

/** What {@link eventsOfChanges} reads of the state before a commit; the engine's `SchedulerState` is one. */
export interface StateBeforeChanges {
  get(
    namespace: string,
    appId: string,
  ): { readonly app: Application; readonly taskGroups: ReadonlyMap<string, TaskGroup> } | undefined;
  findTaskGroup(taskGroupId: string): { readonly taskGroup: TaskGroup } | undefined;
}

/**
 * The events a set of changes makes, judged against `state` as it is before they apply: a taskgroup that
 * appears, changes status or health, or goes; an application that appears, changes status, instance count or
 * version, or goes. Pure; called inside the engine's queue just before the changes are written.
 */
export function eventsOfChanges(changes: ChangeSet, state: StateBeforeChanges): UnsequencedEvent[] {
  const events: UnsequencedEvent[] = [];
  const ownerOf = (namespace: string, appId: string): string | undefined =>
    (changes.apps.get(`${namespace}/${appId}`) ?? state.get(namespace, appId)?.app)?.owner?.name;
  // Cause before effect: an application that appears, then its taskgroups' changes, then the application's
  // own change of status they bring about, then removals.
  const appChanges: UnsequencedEvent[] = [];
  for (const app of changes.apps.values()) {
    const before = state.get(app.namespace, app.id)?.app;
    if (before === undefined) events.push(applicationEvent(null, app));
    else if (
      before.status !== app.status ||
      before.desiredInstances !== app.desiredInstances ||
      before.versionId !== app.versionId ||
      before.healthBreaker?.trippedAt !== app.healthBreaker?.trippedAt
    ) {
      appChanges.push(applicationEvent(before.status, app));
    }
  }
  /** The events of `steps` (the statuses a taskgroup passed through here), from its stored state on. */
  const walk = (stored: TaskGroup | undefined, steps: readonly TaskGroup[]): TaskGroup | undefined => {
    let before = stored;
    for (const step of steps) {
      if (before === undefined || before.status !== step.status || healthOf(before) !== healthOf(step)) {
        const owner = ownerOf(step.namespace, step.appId);
        events.push(taskGroupEvent(before?.status ?? null, step.status, step, owner));
      }
      before = step;
    }
    return before;
  };
  const gone = new Set<string>();
  for (const removed of changes.removedTaskGroups) {
    if (gone.has(removed.id)) continue;
    gone.add(removed.id);
    const stored = state.findTaskGroup(removed.id)?.taskGroup;
    const last = walk(stored, changes.trails.get(removed.id) ?? []) ?? removed;
    events.push(taskGroupEvent(last.status, null, last, ownerOf(last.namespace, last.appId)));
  }
  for (const taskGroup of changes.taskGroups.values()) {
    walk(state.findTaskGroup(taskGroup.id)?.taskGroup, changes.stepsOf(taskGroup.id));
  }
  events.push(...appChanges);
  for (const removed of changes.removedApps) {
    const before = state.get(removed.namespace, removed.appId);
    if (before === undefined) continue;
    const owner = before.app.owner?.name;
    for (const id of removed.taskGroupIds) {
      const taskGroup = before.taskGroups.get(id);
      if (taskGroup !== undefined && !gone.has(id))
        events.push(taskGroupEvent(taskGroup.status, null, taskGroup, owner));
    }
    events.push({ ...applicationEvent(before.app.status, before.app), to: null });
  }
  return events;
}

/** The event of a deployment record written (`after`) or removed (`after` undefined), if it changed. */
export function eventOfDeployment(
  before: Deployment | undefined,
  after: Deployment | undefined,
): UnsequencedEvent | undefined {
  const current = after ?? before;
  if (current === undefined) return undefined;
  const rollout = progressOf(current);
  if (before !== undefined && after !== undefined) {
    const same =
      before.status === after.status &&
      before.message === after.message &&
      before.instance === after.instance &&
      before.appName === after.appName &&
      JSON.stringify(progressOf(before)) === JSON.stringify(rollout);
    if (same) return undefined;
  }
  return {
    kind: 'deployment.status',
    namespace: current.namespace,
    application: current.appName,
    deployment: current.name,
    from: before?.status ?? null,
    to: after?.status ?? null,
    message: current.message,
    instances: current.instance,
    ...(rollout === undefined ? {} : { rollout }),
  };
}

export function taskGroupSnapshot(taskGroup: TaskGroup, owner: string | undefined): TaskGroupSnapshot {
  const host = taskGroup.agentIp ?? taskGroup.hostname;
  const healthy = healthOf(taskGroup);
  return {
    namespace: taskGroup.namespace,
    application: taskGroup.appId,
    ...(owner === undefined ? {} : { deployment: owner }),
    taskgroup: taskGroup.id,
    index: taskGroup.index,
    status: taskGroup.status,
    ...(host === undefined ? {} : { host }),
    ...(taskGroup.agentId === undefined ? {} : { agentId: taskGroup.agentId }),
    message: taskGroup.message,
    ...(healthy === undefined ? {} : { healthy }),
    versionId: taskGroup.versionId,
  };
}

export function applicationSnapshot(app: Application): ApplicationSnapshot {
  return {
    namespace: app.namespace,
    application: app.id,
    ...(app.owner === undefined ? {} : { deployment: app.owner.name }),
    status: app.status,
    message: app.message,
    instances: app.desiredInstances,
    versionId: app.versionId,
  };
}

export function deploymentSnapshot(deployment: Deployment): DeploymentSnapshot {
  const rollout = progressOf(deployment);
  return {
    namespace: deployment.namespace,
    application: deployment.appName,
    deployment: deployment.name,
    status: deployment.status,
    message: deployment.message,
    instances: deployment.instance,
    ...(rollout === undefined ? {} : { rollout }),
  };
}

/** All health-checked tasks healthy → true, one unhealthy → false, none reported → undefined. */
function healthOf(taskGroup: TaskGroup): boolean | undefined {
  let healthy: boolean | undefined;
  for (const task of taskGroup.tasks) {
    if (task.healthy === false) return false;
    if (task.healthy === true) healthy = true;
  }
  return healthy;
}

function taskGroupEvent(
  from: TaskGroup['status'] | null,
  to: TaskGroup['status'] | null,
  taskGroup: TaskGroup,
  owner: string | undefined,
): UnsequencedEvent {
  const { status: _status, ...snapshot } = taskGroupSnapshot(taskGroup, owner);
  return { kind: 'taskgroup.status', ...snapshot, from, to };
}

function applicationEvent(from: Application['status'] | null, app: Application): UnsequencedEvent {
  const { status, ...snapshot } = applicationSnapshot(app);
  return { kind: 'application.status', ...snapshot, from, to: status };
}

function progressOf(deployment: Deployment): RolloutProgress | undefined {
  const rollout = deployment.rollout;
  if (rollout === undefined) return undefined;
  const step = rollout.step;
  return {
    phase: rollout.phase,
    oldApp: rollout.oldApp,
    newApp: rollout.newApp,
    desired: rollout.desired,
    stepsCompleted: rollout.stepsCompleted,
    ...(step === undefined
      ? {}
      : { step: { number: step.number, kind: step.kind, from: step.from, target: step.target } }),
  };
}
