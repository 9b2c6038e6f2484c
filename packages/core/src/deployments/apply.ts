import type { AppSync, Committer, StateSource } from '../engine/ports.js';
import { type AppState, Changes } from '../engine/state.js';
import { eventOfDeployment } from '../events/derive.js';
import type { UnsequencedEvent } from '../events/event.js';
import type { BatchOp } from '../ports/store.js';
import { passesLocalHealth } from '../resources/health.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { type AppCounts, appCountsOf } from '../rollout/state.js';
import { DEPLOYMENT_COLLECTION, type Deployment, deploymentKey } from './record.js';

/**
 * The effects a deployment controller applies to the engine, bypassing the owner checks of the API's
 * operations (an owned app changes only through its deployment). Each writes the app change and the
 * deployment record in ONE store batch, so after a crash the record never disagrees with its apps.
 */

/** Zero counts: how an app that does not exist (yet, or any more) is observed. */
export const NO_APP: AppCounts = { desired: 0, total: 0, running: 0, available: 0, failed: 0 };

/**
 * Counts an app for the planner (from its summary when it has one, else by a walk of its taskgroups; both
 * agree, test/engine/app-summary.test.ts): `available` follows the engine's readiness rule (app-controller `isReady`):
 * Running, and healthy where the version has a local (HTTP/TCP/COMMAND) health check — reported healthy, not
 * unknown (`passesLocalHealth`); a killed one never is.
 */
export function observeApp(state: AppState | undefined): AppCounts {
  if (state === undefined) return NO_APP;
  const checked = hasLocalCheck(state.versions.get(state.app.versionId));
  const desired = state.app.desiredInstances;
  const summary = state.summary;
  // From the app's summary in O(1): a rollout observes both apps on every drive (issue 11 §6).
  if (summary !== undefined) {
    return {
      desired,
      total: state.taskGroups.size,
      running: summary.count.get('Running') ?? 0,
      available: checked ? summary.readyHealthy : summary.ready,
      failed: summary.restarts + summary.failed,
    };
  }
  return appCountsOf(desired, state.taskGroups.values(), (tg) => isReady(tg, checked));
}

function hasLocalCheck(version: Version | undefined): boolean {
  return version?.containers.some((c) => c.healthChecks.some((h) => LOCAL_CHECKS.has(h.type ?? ''))) ?? false;
}

function isReady(taskGroup: TaskGroup, checked: boolean): boolean {
  return !checked || taskGroup.tasks.every(passesLocalHealth);
}

const LOCAL_CHECKS: ReadonlySet<string> = new Set(['HTTP', 'TCP', 'COMMAND']);

/**
 * Writes `changes` and the deployment record (put, or delete when `record` is a key) in one batch, with the
 * events of both; `before` is the record as it was (the controller holds it in memory), for the event.
 * `folded`: versions of the record between `before` and `record` that are not written on their own (rollout
 * marks); each still has its event, in order, before the changes' events, as if written just before.
 * `sync`: apps the engine then decides as `changes` leaves them (`syncExisting`), in the same batch
 * (`commitThenSync`); only those that exist now.
 */
export async function commitWithRecord(
  engine: Committer & StateSource & Pick<AppSync, 'commitThenSync'>,
  changes: Changes,
  record: Deployment | { readonly delete: string },
  before: Deployment | undefined,
  folded: readonly Deployment[] = [],
  sync: readonly (AppState | undefined)[] = [],
): Promise<void> {
  const op: BatchOp =
    'delete' in record
      ? { type: 'delete', collection: DEPLOYMENT_COLLECTION, key: record.delete }
      : {
          type: 'put',
          collection: DEPLOYMENT_COLLECTION,
          key: deploymentKey(record.namespace, record.name),
          value: record,
        };
  const leading: UnsequencedEvent[] = [];
  let previous = before;
  for (const version of folded) {
    const event = eventOfDeployment(previous, version);
    if (event !== undefined) leading.push(event);
    previous = version;
  }
  const event = eventOfDeployment(previous, 'delete' in record ? undefined : record);
  const events = event === undefined ? [] : [event];
  const extra = leading.length === 0 ? { ops: [op], events } : { ops: [op], events, leading };
  const live = existing(engine, sync);
  if (live.length === 0) await engine.commit(changes, extra);
  else await engine.commitThenSync(changes, extra, live);
}

/** Those of `apps` the engine still holds. */
function existing(engine: StateSource, apps: readonly (AppState | undefined)[]): AppState[] {
  return apps.filter(
    (a): a is AppState => a !== undefined && engine.state.get(a.app.namespace, a.app.id) !== undefined,
  );
}

/** Inner scale (§5.3): the app's target becomes `to`; no new version, owner checks bypassed. */
export function innerScale(state: AppState, to: number, now: number): Changes {
  const from = state.app.desiredInstances;
  return new Changes().putApp({
    ...state.app,
    desiredInstances: to,
    updatedAt: now,
    operation: { type: 'scale', startedAt: now, from, to },
  });
}

/** Inner delete: the app's taskgroups are killed and the app removed once none runs; owner checks bypassed. */
export function innerDelete(state: AppState, now: number, enforce = false): Changes {
  return new Changes().putApp({
    ...state.app,
    updatedAt: now,
    operation: { type: 'delete', startedAt: now, enforce },
  });
}

/** Lets the engine act on `apps` (those that still exist) after a commit. */
export async function syncExisting(engine: StateSource & AppSync, apps: readonly (AppState | undefined)[]) {
  const live = existing(engine, apps);
  if (live.length > 0) await engine.syncApps(live);
}
