import type { BatchOp } from '../ports/store.js';
import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import type { AppDecision } from './app-controller.js';
import type { AppState } from './app-state.js';
import { appKey, Collections, taskGroupKey, versionKey } from './keys.js';

/**
 * A set of record changes that will be written as one atomic batch. Later puts of the same record replace
 * earlier ones, but a taskgroup's changes of status on the way are kept (`trails`), so that each becomes an
 * event even when several arrive in one batch. Removing an application removes its versions and taskgroups too.
 */
export class Changes {
  readonly apps = new Map<string, Application>();
  readonly versions: Version[] = [];
  readonly taskGroups = new Map<string, TaskGroup>();
  /**
   * Taskgroup id → its puts in this set where the status changed, in order (the first is the first put),
   * for taskgroups put more than once with different statuses. The last entry has the status of the final
   * put; the final put itself is in `taskGroups` (or, once removed, was the last before the removal).
   */
  readonly trails = new Map<string, TaskGroup[]>();
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
    const previous = this.taskGroups.get(taskGroup.id);
    if (previous !== undefined && previous.status !== taskGroup.status) {
      const trail = this.trails.get(taskGroup.id);
      if (trail === undefined) this.trails.set(taskGroup.id, [previous, taskGroup]);
      else trail.push(taskGroup);
    }
    this.taskGroups.set(taskGroup.id, taskGroup);
    return this;
  }
  removeTaskGroup(taskGroup: TaskGroup): this {
    const put = this.taskGroups.get(taskGroup.id);
    // A put before the removal is a status it passed through: keep it for the events.
    if (put !== undefined && !this.trails.has(taskGroup.id)) this.trails.set(taskGroup.id, [put]);
    this.taskGroups.delete(taskGroup.id);
    this.removedTaskGroups.push(taskGroup);
    return this;
  }

  /** The statuses `id` passed through in this set, in order: its trail, or its one put. */
  stepsOf(id: string): readonly TaskGroup[] {
    const trail = this.trails.get(id);
    const final = this.taskGroups.get(id);
    if (trail === undefined) return final === undefined ? [] : [final];
    // The last step is the final put (same status as the trail's last, maybe other fields changed since).
    return final === undefined ? trail : [...trail.slice(0, -1), final];
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

  /**
   * Adds `later`'s changes as if they had been made here after this set's own, so that several decisions
   * become one batch (the status updates the engine drains together, the decisions of several apps).
   */
  merge(later: Changes): this {
    for (const app of later.apps.values()) this.putApp(app);
    for (const version of later.versions) this.putVersion(version);
    // Replay what `later` passed through, so that no status on the way is lost.
    for (const [id, trail] of later.trails) {
      const steps = later.taskGroups.has(id) ? trail.slice(0, -1) : trail;
      for (const step of steps) this.putTaskGroup(step);
    }
    for (const taskGroup of later.removedTaskGroups) this.removeTaskGroup(taskGroup);
    for (const taskGroup of later.taskGroups.values()) this.putTaskGroup(taskGroup);
    for (const removed of later.removedApps) {
      this.apps.delete(appKey(removed.namespace, removed.appId));
      for (const id of removed.taskGroupIds) this.taskGroups.delete(id);
      this.removedApps.push(removed);
    }
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

/** Adds a controller decision for `app` to `changes`: its record (or its removal) and its taskgroups. */
export function recordDecision(app: AppState, decision: AppDecision, changes: Changes): void {
  if (decision.app === undefined) {
    changes.removeApp(app);
    return;
  }
  changes.putApp(decision.app);
  for (const taskGroup of decision.put) changes.putTaskGroup(taskGroup);
  for (const taskGroup of decision.remove) changes.removeTaskGroup(taskGroup);
}
