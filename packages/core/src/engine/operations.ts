import { compareVersions, firstNonResourceDifference } from '../convert/compare-versions.js';
import {
  AlreadyExistsError,
  BcsError,
  ConflictError,
  ErrorCode,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { MsgType, messageCallBody, stampMessage } from '../messages/bcs-message.js';
import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { demandOf } from '../scheduler/resources.js';
import { isEnded } from './app-controller.js';
import type { OperationPorts, StateSource } from './ports.js';
import { type AppState, Changes } from './state.js';

/**
 * The operations the API asks of the engine. Each runs inside the engine's queue (callers use
 * `engine.run`), validates against the current state, persists its intent on the application record in one
 * batch with its first effects, and lets the controller act. Each is given the engine as its
 * {@link OperationPorts} only: a read-only state, the committer, the Mesos calls, the controller, clock and ids.
 */

/** Creates an application from a version; 409 (1405201) if it exists. */
export async function createApplication(engine: OperationPorts, version: Version): Promise<Application> {
  if (engine.state.get(version.namespace, version.appId) !== undefined) {
    throw new AlreadyExistsError(`application ${version.namespace}/${version.appId}`);
  }
  const now = engine.clock.now();
  const app: Application = {
    id: version.appId,
    namespace: version.namespace,
    kind: version.kind,
    status: 'Staging',
    message: 'application created',
    desiredInstances: version.instances,
    versionId: version.id,
    createdAt: now,
    updatedAt: now,
    operation: { type: 'create', startedAt: now },
  };
  await engine.commit(new Changes().putApp(app).putVersion(version));
  await engine.syncApp(requireApp(engine, app.namespace, app.id));
  return requireApp(engine, app.namespace, app.id).app;
}

/** Options of {@link updateApplication}. */
export interface UpdateOptions {
  /** How many instances to replace, lowest index first; undefined, ≤ 0 or more than there are: all. */
  readonly instances?: number;
  /** `args=resource`: change resources in place, without a restart, on the same agents. */
  readonly resourceOnly?: boolean;
}

/**
 * Rolls a new version out, replacing instances one at a time (never all at once, §15.6); the number of
 * instances stays as it is (an update never scales, §6.1). An identical version is a no-op.
 */
export async function updateApplication(
  engine: OperationPorts,
  version: Version,
  options: UpdateOptions,
): Promise<Application> {
  const state = requireApp(engine, version.namespace, version.appId);
  assertChangeable(state, 'updated');
  const current = state.versions.get(state.app.versionId);
  // The instance count is not the update's business (§6.1): compare with the current count.
  const change =
    current === undefined ? 'new-version' : compareVersions(current, withInstances(version, current));
  // §4 of issue 9: an identical definition is a no-op (same version, nothing restarted).
  if (change === 'identical') return state.app;
  const now = engine.clock.now();
  if (options.resourceOnly === true) return updateResourcesInPlace(engine, state, current, version);
  const indexes = [...new Set([...state.taskGroups.values()].map((tg) => tg.index))]
    .filter((index) => index < state.app.desiredInstances)
    .sort((a, b) => a - b);
  const count = options.instances;
  const remaining =
    count === undefined || count <= 0 || count > indexes.length ? indexes : indexes.slice(0, count);
  const stored: Version = { ...version, instances: state.app.desiredInstances };
  const app: Application = {
    ...state.app,
    versionId: stored.id,
    status: 'Operating',
    message: 'application in updating',
    updatedAt: now,
    operation: {
      type: 'update',
      startedAt: now,
      fromVersion: state.app.versionId,
      toVersion: stored.id,
      remaining,
    },
  };
  await engine.commit(new Changes().putApp(app).putVersion(stored));
  await engine.syncApp(state);
  return state.app;
}

/**
 * `args=resource`: only container resources may change (everything else must equal the current version, or
 * the request is refused naming the field). Running taskgroups keep running on their agents; their records
 * move to the new version and the new resources, and their executors are told with an UPDATE_TASK message.
 */
async function updateResourcesInPlace(
  engine: OperationPorts,
  state: AppState,
  current: Version | undefined,
  version: Version,
): Promise<Application> {
  const changed =
    current === undefined ? undefined : firstNonResourceDifference(current, withInstances(version, current));
  if (changed !== undefined) {
    throw new ValidationError('application', [
      { path: changed, rule: 'must not change in a resource-only update (args=resource)' },
    ]);
  }
  const now = engine.clock.now();
  const stored: Version = { ...version, instances: state.app.desiredInstances };
  const changes = new Changes()
    .putVersion(stored)
    .putApp({ ...state.app, versionId: stored.id, updatedAt: now });
  // What a taskgroup holds on its agent: its tasks plus the executor's overhead, as at launch (issue 9 §4:
  // without the overhead LaunchResource/CurrResource dropped from {2.01,164,64} to {2,200,0}).
  const demand = demandOf(stored);
  const updated: TaskGroup[] = [];
  for (const taskGroup of state.taskGroups.values()) {
    if (isEnded(taskGroup)) continue;
    const next = { ...taskGroup, versionId: stored.id, resources: demand, updatedAt: now };
    updated.push(next);
    changes.putTaskGroup(next);
  }
  await engine.commit(changes);
  for (const taskGroup of updated) {
    if (taskGroup.agentId === undefined || taskGroup.status === 'Pending') continue;
    // The original's UPDATE_TASK (trans_updateapp_resource.go): per task, requests and limits of its container.
    const Resources = taskGroup.tasks.map((task) => {
      const container = stored.containers[task.containerIndex];
      return {
        TaskId: task.id,
        ReqCpu: container?.resources.cpus ?? 0,
        ReqMem: container?.resources.mem ?? 0,
        Cpu: container?.limits.cpus ?? 0,
        Mem: container?.limits.mem ?? 0,
      };
    });
    const message = stampMessage(
      { Type: MsgType.UPDATE_TASK, UpdateTaskResources: { Resources } },
      taskGroup.id,
      now,
    );
    await engine.send({
      type: 'MESSAGE',
      message: messageCallBody(taskGroup.agentId, taskGroup.id, message),
    });
  }
  await engine.syncApp(state);
  return state.app;
}

/** `version` with `current`'s instance count: what an update compares (it never scales, §6.1). */
function withInstances(version: Version, current: Version): Version {
  return { ...version, instances: current.instances };
}

/** Sets the desired number of instances: new indexes are placed, the highest indexes stopped first. */
export async function scaleApplication(
  engine: OperationPorts,
  namespace: string,
  appId: string,
  instances: number,
) {
  const state = requireApp(engine, namespace, appId);
  assertChangeable(state, 'scaled');
  const now = engine.clock.now();
  const from = state.app.desiredInstances;
  const app: Application = {
    ...state.app,
    desiredInstances: instances,
    updatedAt: now,
    operation: { type: 'scale', startedAt: now, from, to: instances },
  };
  await engine.commit(new Changes().putApp(app));
  await engine.syncApp(state);
  return state.app;
}

/**
 * Deletes an application: its taskgroups are killed with their grace period and the records removed once
 * they ended; `enforce` removes the records at once (the kills are still sent).
 */
export async function deleteApplication(
  engine: OperationPorts,
  namespace: string,
  appId: string,
  enforce: boolean,
) {
  const state = requireApp(engine, namespace, appId);
  if (state.app.owner !== undefined) {
    throw new ConflictError(
      `application ${namespace}/${appId} belongs to deployment ${state.app.owner.name}; delete that`,
    );
  }
  const now = engine.clock.now();
  const app: Application = {
    ...state.app,
    updatedAt: now,
    operation: { type: 'delete', startedAt: now, enforce },
  };
  await engine.commit(new Changes().putApp(app));
  await engine.syncApp(state);
}

/**
 * Moves one taskgroup: it is killed now and replaced (same index) as soon as it ended, without back-off.
 * `hostRetainTime` seconds > 0 keeps the replacement on the same host for that long.
 */
export async function rescheduleTaskGroup(
  engine: OperationPorts,
  namespace: string,
  appId: string,
  taskGroupRef: string,
  hostRetainTime: number,
): Promise<TaskGroup> {
  const state = requireApp(engine, namespace, appId);
  const taskGroup = [...state.taskGroups.values()].find(
    (tg) => tg.id === taskGroupRef || tg.name === taskGroupRef,
  );
  if (taskGroup === undefined)
    throw new NotFoundError(`taskgroup ${taskGroupRef} of application ${namespace}/${appId}`);
  if (state.app.operation?.type === 'delete') {
    throw new ConflictError(`application ${namespace}/${appId} is being deleted`);
  }
  if (taskGroup.status === 'Pending') return taskGroup;
  const now = engine.clock.now();
  const retain =
    hostRetainTime > 0 && taskGroup.hostname !== undefined
      ? { retainHost: taskGroup.hostname, retainHostUntil: now + hostRetainTime * 1000 }
      : {};
  const next: TaskGroup = {
    ...taskGroup,
    killRequestedAt: now,
    rescheduleRequested: true,
    updatedAt: now,
    ...retain,
  };
  await engine.commit(new Changes().putTaskGroup(next));
  await engine.killTaskGroup(next);
  if (isEnded(next)) await engine.syncApp(state);
  return next;
}

/** The application, or 404 (1405202). */
export function requireApp(engine: StateSource, namespace: string, appId: string): AppState {
  const state = engine.state.get(namespace, appId);
  if (state === undefined) throw new NotFoundError(`application ${namespace}/${appId}`);
  return state;
}

function assertChangeable(state: AppState, verb: string): void {
  const { app } = state;
  if (state.quarantine !== undefined) {
    throw new ConflictError(
      `application ${app.namespace}/${app.id} is quarantined (${state.quarantine}); it can only be deleted`,
    );
  }
  if (app.owner !== undefined) {
    throw new ConflictError(
      `application ${app.namespace}/${app.id} belongs to deployment ${app.owner.name}; change that`,
    );
  }
  const op = app.operation;
  if (op !== undefined && op.type !== 'create' && op.type !== 'scale') {
    throw new BcsError(
      ErrorCode.Conflict,
      `application ${app.namespace}/${app.id} cannot be ${verb} while a ${op.type} is in progress`,
    );
  }
}
