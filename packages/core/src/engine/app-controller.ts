import type { Application } from '../resources/app.js';
import { isLocalCheckType, passesLocalHealth } from '../resources/health.js';
import { taskGroupId, taskGroupName, taskId, taskName } from '../resources/ids.js';
import type { Task, TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import {
  type ApplicationStatusFacts,
  applicationStatusFacts,
  applicationStatusOfFacts,
} from '../status/application-status.js';
import { ENDED_STATUSES, isActive, isEnded } from '../status/lifecycle.js';
import type { AppState } from './app-state.js';
import type { AppSummary } from './app-summary.js';

// The lifecycle sets live in status/lifecycle.ts; re-exported for callers that import them from here.
export { ENDED_STATUSES, isActive, isEnded } from '../status/lifecycle.js';

/** The message of a taskgroup no placement pass has tried yet. */
export const WAITING_FOR_OFFER = 'waiting for an offer';

/** What the controller decided for one application; the engine persists it in one batch, then acts. */
export interface AppDecision {
  /** The application record to store, or `undefined` to delete the application and everything it owns. */
  readonly app: Application | undefined;
  readonly put: TaskGroup[];
  readonly remove: TaskGroup[];
  /** Taskgroups to kill (SHUTDOWN of their executor). Their `killRequestedAt` is already set in `put`. */
  readonly kill: TaskGroup[];
  /**
   * True when gaps are left that this decision did not fill (at most `fillChunk(desired)` new taskgroups per
   * decision): the engine decides again in a later queue turn, so other work runs in between.
   */
  readonly more: boolean;
}

/** The fewest new Pending taskgroups one decision creates (when that many are missing). */
export const FILL_CHUNK = 500;

/**
 * How many new taskgroups one decision may create for an app of `desired` instances: {@link FILL_CHUNK}, or a
 * 40th of `desired` when that is more, so a create takes at most 40 queue turns (each turn's decision visits
 * every taskgroup of the app, so small chunks of a huge app would cost quadratic time). 10 000 instances:
 * 500 a turn, 20 turns; 100 000: 2 500 a turn, 40 turns.
 */
export function fillChunk(desired: number): number {
  return Math.max(FILL_CHUNK, Math.ceil(desired / 40));
}

/** What the controller needs besides the app's own state. */
export interface ControllerContext {
  readonly now: number;
  /** The Mesos cluster name used in ids (§1.3). */
  readonly cluster: string;
  readonly nextNanos: () => string;
}

/**
 * Decides the next changes for one application, from its desired state (`desiredInstances` of `versionId`,
 * plus an in-progress operation) and its taskgroups. Pure: it reads `state` and returns a decision. It reads
 * as a recipe (Kubernetes `rolloutRolling`):
 *
 * 1. deleting → kill every active taskgroup; once none runs (or `enforce`), delete the app;
 * 2. remove surplus: indexes ≥ desired are killed, then removed once ended (highest index first);
 * 3. update in progress → replace the current index: kill the old instance, then launch the new version;
 *    advance once the new instance is Running and healthy — one index at a time, so the others keep serving;
 * 4. reclaim: an instance below desired that ended because the scheduler killed it (a scale-down that a
 *    scale-up overtook) is removed, so that the next step replaces it;
 * 5. fill gaps: every index < desired without a taskgroup gets a Pending one of the app's version;
 * 6. recompute the application status.
 *
 * The common case (no update, no taskgroup at or past `desired`, none ended: a create filling its gaps, the
 * decision after a status drain or a placement pass) is decided from the app's {@link AppSummary} in
 * O(changed): steps 2 to 4 have nothing to do, and the status is computed from counts. Every other case
 * walks the taskgroups, each step O(taskgroups) at most, so a sync of a 100 000-instance app stays linear.
 * Both give the same decision (test/engine/app-summary.test.ts compares them).
 */
export function decideApp(state: AppState, ctx: ControllerContext): AppDecision {
  const app: Application = { ...state.app };
  if (app.operation?.type === 'delete') return decideDelete(state, app, ctx, []);

  const out: Effects = { put: [], remove: [], kill: [], removed: new Set() };
  const summary = countedSummary(state, app);
  if (summary !== undefined) {
    const more = fillCountedGaps(state, summary, app, ctx, out);
    const after = countAfter(summary, out.put, app.desiredInstances);
    finishOperation(app, after);
    applyStatus(app, after, ctx);
    return { app, put: out.put, remove: out.remove, kill: out.kill, more };
  }
  removeSurplus(state, app.desiredInstances, ctx, out);
  if (app.operation?.type === 'update') advanceUpdate(state, app, ctx, out);
  reclaimKilled(state, app.desiredInstances, out);
  const more = fillGaps(state, app, ctx, out);
  const after = scanAfter(mergeTaskGroups(state, out), app.desiredInstances);
  finishOperation(app, after);
  applyStatus(app, after, ctx);
  return { app, put: out.put, remove: out.remove, kill: out.kill, more };
}

/**
 * The app's summary when it alone can decide: kept by the engine's state, in the app's order, no update in
 * progress (it replaces instances index by index), no taskgroup at an index ≥ desired (surplus to remove) and
 * none ended (to reclaim, or whose message the status names).
 */
function countedSummary(state: AppState, app: Application): AppSummary | undefined {
  const summary = state.summary;
  if (summary === undefined || !summary.orderExact || app.operation?.type === 'update') return undefined;
  if (summary.ended > 0 || summary.maxIndex() >= app.desiredInstances) return undefined;
  return summary;
}

function decideDelete(
  state: AppState,
  app: Application,
  ctx: ControllerContext,
  kill: TaskGroup[],
): AppDecision {
  const enforce = app.operation?.type === 'delete' && app.operation.enforce;
  const put: TaskGroup[] = [];
  const active = [...state.taskGroups.values()].filter(isActive);
  if (active.length === 0 || enforce) {
    return {
      app: undefined,
      put,
      remove: [],
      kill: active.filter((tg) => tg.agentId !== undefined),
      more: false,
    };
  }
  for (const taskGroup of active) {
    if (taskGroup.killRequestedAt !== undefined) continue;
    const killed = markKilled(taskGroup, ctx.now);
    put.push(killed);
    kill.push(killed);
  }
  app.status = 'Operating';
  app.message = `deleting: waiting for ${active.length} taskgroup(s) to stop`;
  app.updatedAt = ctx.now;
  return { app, put, remove: [], kill, more: false };
}

interface Effects {
  readonly put: TaskGroup[];
  readonly remove: TaskGroup[];
  readonly kill: TaskGroup[];
  /** Ids of `remove`, for O(1) membership tests. */
  readonly removed: Set<string>;
}

function removeSurplus(state: AppState, desired: number, ctx: ControllerContext, out: Effects): void {
  const surplus: TaskGroup[] = [];
  for (const taskGroup of state.taskGroups.values()) if (taskGroup.index >= desired) surplus.push(taskGroup);
  surplus.sort((a, b) => b.index - a.index);
  for (const taskGroup of surplus) {
    if (isEnded(taskGroup)) markRemoved(taskGroup, out);
    else if (taskGroup.killRequestedAt === undefined) requestKill(taskGroup, ctx, out);
  }
}

/**
 * Instances below `desired` that stopped because the scheduler asked (`killRequestedAt`: a scale-down whose
 * kill a scale-up overtook) are removed so that `fillGaps` replaces them; the restart policy leaves them alone,
 * as a kill the scheduler asked for is not a failure. Reschedules are replaced by the status handler.
 */
function reclaimKilled(state: AppState, desired: number, out: Effects): void {
  for (const taskGroup of state.taskGroups.values()) {
    if (taskGroup.index >= desired || out.removed.has(taskGroup.id)) continue;
    if (taskGroup.killRequestedAt === undefined || taskGroup.rescheduleRequested === true) continue;
    if (ENDED_STATUSES.has(taskGroup.status)) markRemoved(taskGroup, out);
  }
}

function markRemoved(taskGroup: TaskGroup, out: Effects): void {
  out.remove.push(taskGroup);
  out.removed.add(taskGroup.id);
}

/**
 * `taskGroup` with its kill requested at `now`. `Object.assign` rather than a spread: V8 gives a spread copy
 * that gains a property (`killRequestedAt`) a new hidden class each time, some 5 µs a record.
 */
function markKilled(taskGroup: TaskGroup, now: number): TaskGroup {
  return Object.assign({}, taskGroup, { killRequestedAt: now, updatedAt: now });
}

function requestKill(taskGroup: TaskGroup, ctx: ControllerContext, out: Effects): void {
  const killed = markKilled(taskGroup, ctx.now);
  out.put.push(killed);
  out.kill.push(killed);
}

function advanceUpdate(state: AppState, app: Application, ctx: ControllerContext, out: Effects): void {
  const operation = app.operation;
  if (operation?.type !== 'update') return;
  let { remaining } = operation;
  let index = operation.current;
  const byIndex = groupByIndex(state);
  for (;;) {
    if (index === undefined) {
      const [next, ...rest] = remaining;
      if (next === undefined) break;
      index = next;
      remaining = rest;
    }
    const atIndex = (byIndex.get(index) ?? []).filter((tg) => !out.removed.has(tg.id));
    const replaced = atIndex.find((tg) => tg.versionId === operation.toVersion);
    if (replaced !== undefined && isReady(replaced, state.versions.get(replaced.versionId))) {
      index = undefined;
      continue;
    }
    const old = atIndex.find((tg) => tg.versionId !== operation.toVersion);
    if (old !== undefined) {
      if (isActive(old) && old.killRequestedAt === undefined) requestKill(old, ctx, out);
      else if (isEnded(old)) markRemoved(old, out);
    }
    break;
  }
  const { current: _previous, ...rest } = operation;
  app.operation = index === undefined ? { ...rest, remaining } : { ...rest, remaining, current: index };
}

/** The app's taskgroups by index, in the app's order. */
function groupByIndex(state: AppState): Map<number, TaskGroup[]> {
  const byIndex = new Map<number, TaskGroup[]>();
  for (const taskGroup of state.taskGroups.values()) {
    const list = byIndex.get(taskGroup.index);
    if (list === undefined) byIndex.set(taskGroup.index, [taskGroup]);
    else list.push(taskGroup);
  }
  return byIndex;
}

/**
 * Running, and every task's local check (the executor's) reported healthy where it has one: unknown is not
 * ready (issue 13 §2; see `passesLocalHealth`).
 */
function isReady(taskGroup: TaskGroup, _version: Version | undefined): boolean {
  if (taskGroup.status !== 'Running') return false;
  return taskGroup.tasks.every(passesLocalHealth);
}

/**
 * Gives every index < desired without a taskgroup a Pending one, lowest first, at most `fillChunk(desired)`
 * of them (issue 9 §0: 10 000 at once held the queue for seconds). Returns true when gaps are left; the
 * taskgroups already stored record how far it got, so a restart resumes where it stopped.
 */
function fillGaps(state: AppState, app: Application, ctx: ControllerContext, out: Effects): boolean {
  const version = state.versions.get(app.versionId);
  if (version === undefined) return false;
  const taken = new Set<number>();
  for (const taskGroup of state.taskGroups.values())
    if (!out.removed.has(taskGroup.id)) taken.add(taskGroup.index);
  let budget = fillChunk(app.desiredInstances);
  for (let index = 0; index < app.desiredInstances; index++) {
    if (taken.has(index)) continue;
    if (budget === 0) return true;
    out.put.push(newPendingTaskGroup(app, version, index, ctx));
    budget--;
  }
  return false;
}

/**
 * {@link fillGaps} from the summary: every taskgroup is below desired, so when as many indexes are held as
 * desired there is no gap; otherwise the held indexes are looked up, lowest first, without a walk of the
 * taskgroups.
 */
function fillCountedGaps(
  state: AppState,
  summary: AppSummary,
  app: Application,
  ctx: ControllerContext,
  out: Effects,
): boolean {
  const version = state.versions.get(app.versionId);
  if (version === undefined || summary.indexes.size >= app.desiredInstances) return false;
  let budget = fillChunk(app.desiredInstances);
  for (let index = 0; index < app.desiredInstances; index++) {
    if (summary.indexes.has(index)) continue;
    if (budget === 0) return true;
    out.put.push(newPendingTaskGroup(app, version, index, ctx));
    budget--;
  }
  return false;
}

/**
 * A taskgroup for `index` that waits for an offer: ids are final (persisted before the launch, so a restart
 * never launches the same instance twice), no agent yet.
 */
export function newPendingTaskGroup(
  app: Pick<Application, 'id' | 'namespace'>,
  version: Version,
  index: number,
  ctx: ControllerContext,
  carry: Partial<
    Pick<TaskGroup, 'restarts' | 'lastRestartAt' | 'notBefore' | 'retainHost' | 'retainHostUntil'>
  > = {},
): TaskGroup {
  const nanos = ctx.nextNanos();
  const ids = { index, appId: app.id, namespace: app.namespace, cluster: ctx.cluster, nanos };
  const tasks: Task[] = version.containers.map((container, containerIndex) => {
    const id = taskId({ ...ids, containerIndex });
    return {
      id,
      name: taskName(nanos, id),
      containerIndex,
      image: container.image,
      status: 'Staging',
      message: '',
      portMappings: [],
      updatedAt: ctx.now,
      // Not available to a rollout until the executor reports its local check healthy.
      ...(container.healthChecks.some((c) => isLocalCheckType(c.type)) ? { localCheck: true as const } : {}),
    };
  });
  const taskGroup: { -readonly [K in keyof TaskGroup]: TaskGroup[K] } = {
    id: taskGroupId(ids),
    name: taskGroupName(app.id, index),
    appId: app.id,
    namespace: app.namespace,
    index,
    versionId: version.id,
    status: 'Pending',
    message: WAITING_FOR_OFFER,
    tasks,
    attributes: {},
    resources: { cpus: 0, mem: 0, disk: 0 },
    createdAt: ctx.now,
    updatedAt: ctx.now,
    restarts: carry.restarts ?? 0,
  };
  // Assigned rather than spread in: conditional spreads in a literal cost microseconds per record in V8.
  if (carry.lastRestartAt !== undefined) taskGroup.lastRestartAt = carry.lastRestartAt;
  if (carry.notBefore !== undefined) taskGroup.notBefore = carry.notBefore;
  if (carry.retainHost !== undefined) taskGroup.retainHost = carry.retainHost;
  if (carry.retainHostUntil !== undefined) taskGroup.retainHostUntil = carry.retainHostUntil;
  return taskGroup;
}

/**
 * What the operation and the status are computed from: the app's taskgroups once the decision is applied,
 * from a walk ({@link scanAfter}) or from the summary ({@link countAfter}).
 */
interface AfterDecision {
  /** No taskgroup at an index ≥ desired. */
  readonly noSurplus: boolean;
  /** Pending taskgroups, at any index. */
  readonly pending: number;
  /** Distinct indexes held. */
  readonly indexes: number;
  /** The status facts of the taskgroups below desired. */
  facts(): ApplicationStatusFacts;
  /** Every taskgroup below desired is active, or Pending and not tried by a placement pass yet. */
  awaitingFirstPlacement(): boolean;
}

/** Ends the operation once its goal holds for the taskgroups `after` the decision. */
function finishOperation(app: Application, after: AfterDecision): void {
  const op = app.operation;
  if (op === undefined) return;
  const settled = after.noSurplus && after.pending === 0;
  // Every index has its taskgroup (a create or scale-up fills gaps a chunk per queue turn).
  const filled = after.indexes >= app.desiredInstances;
  const done =
    (op.type === 'create' && settled && filled) ||
    (op.type === 'scale' && filled && after.noSurplus) ||
    (op.type === 'update' && op.remaining.length === 0 && op.current === undefined);
  if (done) delete app.operation;
}

/**
 * The app's taskgroups once the decision is applied, in the app's order (new ones last, in the order they
 * were put; a later put of the same id wins): what the operation and the status are computed from.
 */
function mergeTaskGroups(state: AppState, out: Effects): TaskGroup[] {
  const puts = new Map<string, TaskGroup>();
  for (const taskGroup of out.put) puts.set(taskGroup.id, taskGroup);
  const after: TaskGroup[] = [];
  for (const taskGroup of state.taskGroups.values()) {
    if (!out.removed.has(taskGroup.id)) after.push(puts.get(taskGroup.id) ?? taskGroup);
  }
  for (const [id, taskGroup] of puts) {
    if (!state.taskGroups.has(id) && !out.removed.has(id)) after.push(taskGroup);
  }
  return after;
}

/** {@link AfterDecision} of the merged taskgroups `after`, by walking them. */
function scanAfter(after: readonly TaskGroup[], desired: number): AfterDecision {
  const wanted = after.filter((tg) => tg.index < desired);
  return {
    noSurplus: wanted.length === after.length,
    pending: after.filter((tg) => tg.status === 'Pending').length,
    indexes: new Set(after.map((tg) => tg.index)).size,
    facts() {
      const pendingReason = wanted.find((tg) => tg.status === 'Pending')?.message;
      return applicationStatusFacts({
        desired,
        taskGroups: wanted,
        operating: false,
        current: 'Staging',
        ...(pendingReason === undefined ? {} : { pendingReason }),
      });
    },
    awaitingFirstPlacement: () =>
      wanted.every((tg) => (tg.status === 'Pending' && tg.message === WAITING_FOR_OFFER) || isActive(tg)),
  };
}

/**
 * {@link AfterDecision} from the summary plus `added`, the new Pending taskgroups of a counted decision (see
 * {@link countedSummary}: no surplus, nothing ended, and the decision only adds taskgroups at free indexes).
 */
function countAfter(summary: AppSummary, added: readonly TaskGroup[], desired: number): AfterDecision {
  let waiting = summary.pendingMessages.get(WAITING_FOR_OFFER) ?? 0;
  for (const taskGroup of added) if (taskGroup.message === WAITING_FOR_OFFER) waiting++;
  const pending = summary.pending.size + added.length;
  return {
    noSurplus: true,
    pending,
    indexes: summary.indexes.size + added.length,
    facts() {
      const count: Partial<Record<TaskGroup['status'], number>> = {};
      for (const [status, n] of summary.count) count[status] = n;
      if (added.length > 0) count.Pending = pending;
      let total = added.length;
      for (const n of summary.count.values()) total += n;
      // The first Pending in the app's order: the summary keeps them in that order, new ones come last.
      const first = summary.pending.values().next().value ?? added[0];
      return {
        desired,
        total,
        placed: total - pending,
        count,
        // Only the Error, Failed and Lost rules read these, and a counted decision has none of them.
        firstMessage: {},
        ...(first === undefined ? {} : { pendingReason: first.message }),
      };
    },
    // Nothing is ended, so every taskgroup not Pending is active.
    awaitingFirstPlacement: () => waiting === pending,
  };
}

function applyStatus(app: Application, after: AfterDecision, ctx: ControllerContext): void {
  // An operation other than a create owns the status (spec/bcs-behaviour.md §2.3 "While Operating…").
  const operating = app.operation !== undefined && app.operation.type !== 'create';
  let { status, message } = operating
    ? { status: app.status, message: app.message }
    : applicationStatusOfFacts(after.facts());
  // A create is Operating until its taskgroups are placed (spec/bcs-behaviour.md §2.3: Staging → Operating →
  // Deploying → Running); "not enough resources" (Abnormal) only once a placement pass could not place one.
  if (status === 'Abnormal' && app.operation?.type === 'create' && after.awaitingFirstPlacement()) {
    status = 'Operating';
    message = `creating: ${WAITING_FOR_OFFER}`;
  }
  // A tripped health breaker says why unhealthy instances are left running (issue 13 §2).
  if (app.healthBreaker !== undefined && !message.endsWith(app.healthBreaker.message)) {
    message = message === '' ? app.healthBreaker.message : `${message}; ${app.healthBreaker.message}`;
  }
  if (status !== app.status || message !== app.message) {
    if (status !== app.status) app.lastStatus = app.status;
    app.status = status;
    app.message = message;
    app.updatedAt = ctx.now;
  }
}
