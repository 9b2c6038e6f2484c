import type { BatchOp, Store } from '../ports/store.js';
import type { Application } from '../resources/app.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { isActive } from './app-controller.js';
import { appKey, Collections, taskGroupKey, versionKey } from './keys.js';

/** An application with everything the engine decides on: its versions and its taskgroups by id. */
export interface AppState {
  app: Application;
  readonly versions: Map<string, Version>;
  readonly taskGroups: Map<string, TaskGroup>;
}

/**
 * The engine's in-memory copy of every application, version and taskgroup, loaded once from the store and
 * kept equal to it: every change goes through a `Changes` set that becomes one store batch, and only after
 * the batch committed is it applied here. Also indexes tasks and executors by id for status updates.
 */
export class SchedulerState {
  readonly apps = new Map<string, AppState>();
  /** task id → taskgroup id. */
  readonly taskIndex = new Map<string, string>();
  /** taskgroup id → `<ns>/<app>`. */
  readonly taskGroupIndex = new Map<string, string>();
  /** agent id → resources of the active taskgroups placed there, kept up to date by `apply`. */
  readonly agentUsage = new Map<string, ResourceAmounts>();

  /** Loads everything from `store`. */
  static async load(store: Store): Promise<SchedulerState> {
    const state = new SchedulerState();
    for (const { value } of await store.list<Application>(Collections.application)) {
      state.apps.set(appKey(value.namespace, value.id), {
        app: value,
        versions: new Map(),
        taskGroups: new Map(),
      });
    }
    for (const { value } of await store.list<Version>(Collections.version)) {
      state.apps.get(appKey(value.namespace, value.appId))?.versions.set(value.id, value);
    }
    for (const { value } of await store.list<TaskGroup>(Collections.taskGroup)) {
      const app = state.apps.get(appKey(value.namespace, value.appId));
      if (app === undefined) continue;
      app.taskGroups.set(value.id, value);
      state.index(value);
      state.account(value, 1);
    }
    return state;
  }

  get(namespace: string, appId: string): AppState | undefined {
    return this.apps.get(appKey(namespace, appId));
  }

  /** The app and taskgroup a task belongs to. */
  findTask(taskId: string): { app: AppState; taskGroup: TaskGroup } | undefined {
    const taskGroupId = this.taskIndex.get(taskId);
    return taskGroupId === undefined ? undefined : this.findTaskGroup(taskGroupId);
  }

  findTaskGroup(taskGroupId: string): { app: AppState; taskGroup: TaskGroup } | undefined {
    const key = this.taskGroupIndex.get(taskGroupId);
    const app = key === undefined ? undefined : this.apps.get(key);
    const taskGroup = app?.taskGroups.get(taskGroupId);
    return app === undefined || taskGroup === undefined ? undefined : { app, taskGroup };
  }

  /** Every taskgroup of every app. */
  *allTaskGroups(): Iterable<{ app: AppState; taskGroup: TaskGroup }> {
    for (const app of this.apps.values())
      for (const taskGroup of app.taskGroups.values()) yield { app, taskGroup };
  }

  /** Applies committed changes to the cache. */
  apply(changes: Changes): void {
    for (const app of changes.apps.values()) {
      const key = appKey(app.namespace, app.id);
      const current = this.apps.get(key);
      if (current === undefined) this.apps.set(key, { app, versions: new Map(), taskGroups: new Map() });
      else current.app = app;
    }
    for (const version of changes.versions)
      this.apps.get(appKey(version.namespace, version.appId))?.versions.set(version.id, version);
    for (const taskGroup of changes.taskGroups.values()) {
      const taskGroups = this.apps.get(appKey(taskGroup.namespace, taskGroup.appId))?.taskGroups;
      if (taskGroups === undefined) continue;
      this.account(taskGroups.get(taskGroup.id), -1);
      taskGroups.set(taskGroup.id, taskGroup);
      this.account(taskGroup, 1);
      this.index(taskGroup);
    }
    for (const taskGroup of changes.removedTaskGroups) this.unindex(taskGroup);
    for (const { namespace, appId } of changes.removedApps) {
      const app = this.apps.get(appKey(namespace, appId));
      for (const taskGroup of app?.taskGroups.values() ?? []) this.unindex(taskGroup);
      this.apps.delete(appKey(namespace, appId));
    }
  }

  /** What the scheduler's taskgroups use on `agentId` now (zero when none). */
  usageOn(agentId: string): ResourceAmounts {
    return this.agentUsage.get(agentId) ?? { cpus: 0, mem: 0, disk: 0 };
  }

  /** Adds (`1`) or removes (`-1`) a taskgroup's resources from its agent's usage, if it is active there. */
  account(taskGroup: TaskGroup | undefined, sign: 1 | -1): void {
    if (taskGroup?.agentId === undefined || !isActive(taskGroup)) return;
    const usage = this.usageOn(taskGroup.agentId);
    this.agentUsage.set(taskGroup.agentId, {
      cpus: usage.cpus + sign * taskGroup.resources.cpus,
      mem: usage.mem + sign * taskGroup.resources.mem,
      disk: usage.disk + sign * taskGroup.resources.disk,
    });
  }

  private index(taskGroup: TaskGroup): void {
    this.taskGroupIndex.set(taskGroup.id, appKey(taskGroup.namespace, taskGroup.appId));
    for (const task of taskGroup.tasks) this.taskIndex.set(task.id, taskGroup.id);
  }

  private unindex(taskGroup: TaskGroup): void {
    const taskGroups = this.apps.get(appKey(taskGroup.namespace, taskGroup.appId))?.taskGroups;
    this.account(taskGroups?.get(taskGroup.id), -1);
    taskGroups?.delete(taskGroup.id);
    this.taskGroupIndex.delete(taskGroup.id);
    for (const task of taskGroup.tasks) this.taskIndex.delete(task.id);
  }
}

/**
 * A set of record changes that will be written as one atomic batch. Later puts of the same record replace
 * earlier ones. Removing an application removes its versions and taskgroups too.
 */
export class Changes {
  readonly apps = new Map<string, Application>();
  readonly versions: Version[] = [];
  readonly taskGroups = new Map<string, TaskGroup>();
  readonly removedTaskGroups: TaskGroup[] = [];
  readonly removedApps: { namespace: string; appId: string; versionIds: string[]; taskGroupIds: string[] }[] =
    [];

  putApp(app: Application): this {
    this.apps.set(appKey(app.namespace, app.id), app);
    return this;
  }
  putVersion(version: Version): this {
    this.versions.push(version);
    return this;
  }
  putTaskGroup(taskGroup: TaskGroup): this {
    this.taskGroups.set(taskGroup.id, taskGroup);
    return this;
  }
  removeTaskGroup(taskGroup: TaskGroup): this {
    this.taskGroups.delete(taskGroup.id);
    this.removedTaskGroups.push(taskGroup);
    return this;
  }
  removeApp(state: AppState): this {
    this.apps.delete(appKey(state.app.namespace, state.app.id));
    for (const id of state.taskGroups.keys()) this.taskGroups.delete(id);
    this.removedApps.push({
      namespace: state.app.namespace,
      appId: state.app.id,
      versionIds: [...state.versions.keys()],
      taskGroupIds: [...state.taskGroups.keys()],
    });
    return this;
  }

  get empty(): boolean {
    return (
      this.apps.size === 0 &&
      this.versions.length === 0 &&
      this.taskGroups.size === 0 &&
      this.removedTaskGroups.length === 0 &&
      this.removedApps.length === 0
    );
  }

  /** The store operations, in an order where removals come last. */
  toBatch(): BatchOp[] {
    const ops: BatchOp[] = [];
    for (const app of this.apps.values()) {
      ops.push({
        type: 'put',
        collection: Collections.application,
        key: appKey(app.namespace, app.id),
        value: app,
      });
    }
    for (const v of this.versions) {
      ops.push({
        type: 'put',
        collection: Collections.version,
        key: versionKey(v.namespace, v.appId, v.id),
        value: v,
      });
    }
    for (const tg of this.taskGroups.values()) {
      ops.push({
        type: 'put',
        collection: Collections.taskGroup,
        key: taskGroupKey(tg.namespace, tg.appId, tg.id),
        value: tg,
      });
    }
    for (const tg of this.removedTaskGroups) {
      ops.push({
        type: 'delete',
        collection: Collections.taskGroup,
        key: taskGroupKey(tg.namespace, tg.appId, tg.id),
      });
    }
    for (const removed of this.removedApps) {
      const { namespace, appId } = removed;
      ops.push({ type: 'delete', collection: Collections.application, key: appKey(namespace, appId) });
      for (const id of removed.versionIds) {
        ops.push({ type: 'delete', collection: Collections.version, key: versionKey(namespace, appId, id) });
      }
      for (const id of removed.taskGroupIds) {
        ops.push({
          type: 'delete',
          collection: Collections.taskGroup,
          key: taskGroupKey(namespace, appId, id),
        });
      }
    }
    return ops;
  }
}
