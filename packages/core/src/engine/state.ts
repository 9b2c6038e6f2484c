import { type Logger, silentLogger } from '../ports/logger.js';
import type { Store, UnreadableRow } from '../ports/store.js';
import type { Application } from '../resources/app.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { isLive, STOPPED } from '../status/lifecycle.js';
import { UNREADABLE_REASON } from '../store/unreadable.js';
import type { AppState } from './app-state.js';
import { AppSummary } from './app-summary.js';
import type { Changes } from './changes.js';
import { appKey, Collections } from './keys.js';
import {
  applicationRecordIssue,
  quarantinedApplication,
  taskGroupRecordIssue,
  versionRecordIssue,
} from './load-check.js';
import { PendingIndex } from './pending-index.js';

/** Re-exported for callers that import it from here; the lifecycle sets live in status/lifecycle.ts. */
export { STOPPED } from '../status/lifecycle.js';
export type { AppState } from './app-state.js';
export { Changes, recordDecision } from './changes.js';

/** An {@link AppState} as the state holds it: the one place that changes it. */
interface HeldApp {
  app: Application;
  readonly versions: Map<string, Version>;
  readonly taskGroups: Map<string, TaskGroup>;
  quarantine?: string;
  readonly summary?: AppSummary;
}

/**
 * The engine's in-memory copy of every application, version and taskgroup, loaded once from the store and
 * kept equal to it: every change goes through a `Changes` set that becomes one store batch, and only after
 * the batch committed is it applied here. Also indexes tasks and executors by id for status updates, and
 * keeps the few subsets the engine visits on every pass or tick (Pending, live, being killed), so that
 * their cost follows those subsets rather than every taskgroup of the cluster (100 000 and more).
 */
export class SchedulerState {
  readonly apps = new Map<string, HeldApp>();
  /** task id → taskgroup id. */
  readonly taskIndex = new Map<string, string>();
  /** taskgroup id → `<ns>/<app>`. */
  readonly taskGroupIndex = new Map<string, string>();
  /** agent id → resources of the live taskgroups placed there (see `isLive`), kept up to date by `apply`. */
  readonly agentUsage = new Map<string, ResourceAmounts>();
  /** `<ns>/<app>` → the app's Pending taskgroups by id: what placement passes place. */
  readonly pending = new Map<string, Map<string, TaskGroup>>();
  /**
   * Live taskgroups (placed and not frozen, Lost included; see `isLive`) by id: what constraint checks count.
   */
  readonly live = new Map<string, TaskGroup>();
  /** Taskgroups with a kill requested on an agent and not stopped yet, by id: the tick re-sends their kills. */
  readonly killing = new Map<string, TaskGroup>();
  /** The taskgroups of `pending` by back-off, so `hasPlaceablePending` needs no scan of them. */
  private readonly placeable = new PendingIndex();

  /**
   * Loads everything from `store`. A record that cannot be loaded (invalid, or unreadable: not JSON) never
   * stops the load: it is quarantined (kept in the store untouched, logged once as an error with its collection
   * and key) and its application, if it has one, is shown `Abnormal` with the reason and left out of
   * scheduling (issue 9 §0: one poisoned record used to stop every restart). An unreadable application record
   * is shown under the namespace and name of its key. A version or taskgroup whose application is missing is
   * logged and left in the store.
   */
  static async load(store: Store, logger: Logger = silentLogger): Promise<SchedulerState> {
    const state = new SchedulerState();
    const report = (collection: string, key: string, reason: string) =>
      logger.error({ collection, key, reason }, 'record quarantined: it cannot be loaded');
    // Rows the store cannot read back (not JSON) are skipped by `list` and handled below like invalid ones.
    const unreadable = () => {
      const keys: string[] = [];
      return { keys, options: { onUnreadable: ({ key }: UnreadableRow) => keys.push(key) } };
    };
    const badApps = unreadable();
    const apps = await store.list<unknown>(Collections.application, badApps.options);
    for (const key of badApps.keys) {
      report(Collections.application, key, UNREADABLE_REASON);
      const app = quarantinedApplication(key, undefined, UNREADABLE_REASON);
      const held = { app, versions: new Map(), taskGroups: new Map(), quarantine: UNREADABLE_REASON };
      state.apps.set(appKey(app.namespace, app.id), held);
    }
    for (const { key, value } of apps) {
      const issue = applicationRecordIssue(value);
      if (issue !== undefined) report(Collections.application, key, issue);
      const app = issue === undefined ? (value as Application) : quarantinedApplication(key, value, issue);
      state.apps.set(appKey(app.namespace, app.id), {
        app,
        versions: new Map(),
        taskGroups: new Map(),
        summary: new AppSummary(),
        ...(issue === undefined ? {} : { quarantine: issue }),
      });
    }
    const badVersions = unreadable();
    const versions = await store.list<unknown>(Collections.version, badVersions.options);
    for (const key of badVersions.keys) {
      report(Collections.version, key, UNREADABLE_REASON);
      const app = state.apps.get(ownerKey(key));
      if (app === undefined) continue;
      quarantineApp(app, `version ${key}: ${UNREADABLE_REASON}`);
      // Held under its id with no value (GET of it answers 404), so that deleting the app removes the row.
      app.versions.set(key.slice(ownerKey(key).length + 1), undefined as unknown as Version);
    }
    for (const { key, value } of versions) {
      const app = state.apps.get(ownerKey(key));
      const issue = versionRecordIssue(value);
      if (issue !== undefined) {
        report(Collections.version, key, issue);
        if (app === undefined) continue;
        quarantineApp(app, `version ${key}: ${issue}`);
        // Held (never used: a quarantined app shows no version) so that deleting the app removes the record.
        app.versions.set(key.slice(ownerKey(key).length + 1), value as Version);
      } else if (app === undefined) {
        report(Collections.version, key, 'its application is missing');
      } else {
        app.versions.set((value as Version).id, value as Version);
      }
    }
    for (const app of state.apps.values()) {
      if (app.quarantine === undefined && !app.versions.has(app.app.versionId)) {
        report(Collections.application, appKey(app.app.namespace, app.app.id), 'its version is missing');
        quarantineApp(app, `version ${app.app.versionId} is missing`);
      }
    }
    const badTaskGroups = unreadable();
    const taskGroups = await store.list<unknown>(Collections.taskGroup, badTaskGroups.options);
    for (const key of badTaskGroups.keys) {
      report(Collections.taskGroup, key, UNREADABLE_REASON);
      const app = state.apps.get(ownerKey(key));
      if (app !== undefined) quarantineApp(app, `taskgroup ${key}: ${UNREADABLE_REASON}`);
    }
    for (const { key, value } of taskGroups) {
      const app = state.apps.get(ownerKey(key));
      const issue = taskGroupRecordIssue(value);
      if (issue !== undefined) {
        report(Collections.taskGroup, key, issue);
        if (app !== undefined) quarantineApp(app, `taskgroup ${key}: ${issue}`);
        continue;
      }
      if (app === undefined) {
        report(Collections.taskGroup, key, 'its application is missing');
        continue;
      }
      const taskGroup = value as TaskGroup;
      app.taskGroups.set(taskGroup.id, taskGroup);
      app.summary?.add(taskGroup);
      state.index(taskGroup);
      state.account(taskGroup, 1);
    }
    // A quarantined application's Pending taskgroups are never placed.
    for (const app of state.apps.values()) {
      if (app.quarantine === undefined) continue;
      const key = appKey(app.app.namespace, app.app.id);
      for (const id of state.pending.get(key)?.keys() ?? []) state.placeable.delete(id);
      state.pending.delete(key);
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
      if (current === undefined)
        this.apps.set(key, { app, versions: new Map(), taskGroups: new Map(), summary: new AppSummary() });
      else current.app = app;
    }
    for (const version of changes.versions)
      this.apps.get(appKey(version.namespace, version.appId))?.versions.set(version.id, version);
    for (const taskGroup of changes.taskGroups.values()) {
      const owner = this.apps.get(appKey(taskGroup.namespace, taskGroup.appId));
      if (owner === undefined) continue;
      const { taskGroups } = owner;
      const previous = taskGroups.get(taskGroup.id);
      this.account(previous, -1);
      if (previous !== undefined) this.untrack(previous);
      taskGroups.set(taskGroup.id, taskGroup);
      if (previous === undefined) owner.summary?.add(taskGroup);
      else owner.summary?.replace(previous, taskGroup);
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

  /**
   * Whether any Pending taskgroup may be placed at `now`: one without a back-off, or whose `notBefore` is
   * past. O(1) amortized (a {@link PendingIndex}), whatever the number waiting.
   */
  hasPlaceablePending(now: number): boolean {
    return this.placeable.placeable(now);
  }

  /** What the scheduler's taskgroups use on `agentId` now (zero when none). */
  usageOn(agentId: string): ResourceAmounts {
    return this.agentUsage.get(agentId) ?? { cpus: 0, mem: 0, disk: 0 };
  }

  /** Adds (`1`) or removes (`-1`) a taskgroup's resources from its agent's usage, if it is live there. */
  account(taskGroup: TaskGroup | undefined, sign: 1 | -1): void {
    if (taskGroup?.agentId === undefined || !isLive(taskGroup)) return;
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
    this.track(taskGroup);
  }

  private unindex(taskGroup: TaskGroup): void {
    const owner = this.apps.get(appKey(taskGroup.namespace, taskGroup.appId));
    const stored = owner?.taskGroups.get(taskGroup.id);
    this.account(stored, -1);
    this.untrack(stored ?? taskGroup);
    if (stored !== undefined) owner?.summary?.remove(stored);
    owner?.taskGroups.delete(taskGroup.id);
    this.taskGroupIndex.delete(taskGroup.id);
    for (const task of taskGroup.tasks) this.taskIndex.delete(task.id);
  }

  /** Adds the stored record `taskGroup` to the subsets it belongs to. */
  private track(taskGroup: TaskGroup): void {
    if (taskGroup.status === 'Pending') {
      const key = appKey(taskGroup.namespace, taskGroup.appId);
      let pending = this.pending.get(key);
      if (pending === undefined) {
        pending = new Map();
        this.pending.set(key, pending);
      }
      pending.set(taskGroup.id, taskGroup);
      this.placeable.add(taskGroup.id, taskGroup.notBefore);
    } else if (isLive(taskGroup)) {
      this.live.set(taskGroup.id, taskGroup);
    }
    if (
      taskGroup.killRequestedAt !== undefined &&
      taskGroup.agentId !== undefined &&
      !STOPPED.has(taskGroup.status)
    ) {
      this.killing.set(taskGroup.id, taskGroup);
    }
  }

  /** Removes `taskGroup` (by id) from every subset. */
  private untrack(taskGroup: TaskGroup): void {
    const key = appKey(taskGroup.namespace, taskGroup.appId);
    const pending = this.pending.get(key);
    if (pending?.delete(taskGroup.id) === true && pending.size === 0) this.pending.delete(key);
    this.placeable.delete(taskGroup.id);
    this.live.delete(taskGroup.id);
    this.killing.delete(taskGroup.id);
  }
}

/** `<ns>/<app>` of a version or taskgroup key `<ns>/<app>/<id>`. */
function ownerKey(key: string): string {
  return key.split('/', 2).join('/');
}

/** Marks `state` quarantined for `reason` (the first reason wins), showing it `Abnormal` with the reason. */
function quarantineApp(state: HeldApp, reason: string): void {
  if (state.quarantine !== undefined) return;
  state.quarantine = reason;
  state.app = quarantinedApplication(appKey(state.app.namespace, state.app.id), state.app, reason);
}
