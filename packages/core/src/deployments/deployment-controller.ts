import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import type { ClockAndIds, DeploymentPorts, StateSource } from '../engine/ports.js';
import { type AppState, Changes } from '../engine/state.js';
import { BcsError, ConflictError } from '../errors.js';
import { type CancelTimer, type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { normalizeDeployment } from '../resources/deployment.js';
import { cancelRollout } from '../rollout/control.js';
import type { RolloutStep } from '../rollout/marks.js';
import { planRolloutStep } from '../rollout/plan.js';
import { createRolloutState, type RolloutState, rolloutAppName } from '../rollout/state.js';
import { DEPLOYMENT_STATUS_OF_PHASE } from '../rollout/status.js';
import { UNREADABLE_REASON } from '../store/unreadable.js';
import { normalizedOf, ownedAppChanges, versionOfTemplate } from './app-definition.js';
import { commitWithRecord, innerDelete, innerScale, observeApp, syncExisting } from './apply.js';
import {
  DEPLOYMENT_COLLECTION,
  type DefinitionRecord,
  type Deployment,
  deploymentKey,
  hasActiveRollout,
  upgradeDeploymentRecord,
} from './record.js';

/**
 * How often the controller drives the deployments that are in motion, in ms (the original's checker ticks each
 * second, §5.2).
 */
export const DEPLOYMENT_TICK_MS = 1000;

/** Actions applied per deployment per drive at most: a guard against a planner that never says `wait`. */
const MAX_ACTIONS_PER_DRIVE = 32;

/**
 * Drives deployments (spec/bcs-behaviour.md §5). It is the ONE owner of their transitions: the service only
 * records intent (a new definition as `pendingDefinition`, a pause, a resume, a cancel, a scale) and asks for a
 * drive; every rollout starts, moves, finishes and is cancelled here.
 *
 * It holds every deployment record in memory (loaded from the store on first use, inside the engine's queue),
 * and writes each change in one store batch with the app changes it makes. A deployment is driven:
 * - when the service asks (in the same queue turn as the request, so the answer shows the result);
 * - after any commit that touches one of its apps (`SchedulerEngine.onCommit`), so its status follows its apps
 *   without waiting for a tick;
 * - every {@link DEPLOYMENT_TICK_MS} on the `Clock` port, for what only time moves (`upgradeDuration`,
 *   deadlines): only the deployments in motion ({@link inMotion}: not `Running` at rest). A deployment at rest
 *   has nothing a drive could do, so the tick's work is proportional to what is in motion, not to every
 *   deployment stored (issue 11 §4).
 *
 * One drive, as a recipe:
 * 1. `Deleting` → delete the record once both its apps are gone;
 * 2. `Deploying` → `Running` once the bound app has all its instances available;
 * 3. a pending definition during a rollout → cancel that rollout, unless its new app already serves every
 *    instance (then it finishes first, and the pending one starts from it);
 * 4. a rollout in progress → observe both apps, ask `planRolloutStep`, apply its action, repeat until `wait`;
 * 5. `Running` with a pending definition → start its rollout; if it cannot start, it fails once, visibly.
 */
@injectable()
export class DeploymentController {
  private cancelTimer: CancelTimer | undefined;
  private stopListening: (() => void) | undefined;
  private started = false;
  private disposed = false;
  /** Every deployment by `<ns>/<name>`, equal to the store once loaded. Touched only inside the queue. */
  private records: Map<string, Deployment> | undefined;
  /** The keys of the records {@link inMotion}: what the tick drives. Follows `records`. */
  private readonly moving = new Set<string>();
  /** Deployments whose apps changed since the last drive of them. */
  private readonly dirty = new Set<string>();
  private driveScheduled = false;

  constructor(
    @inject(SchedulerEngine) private readonly engine: DeploymentPorts,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(LoggerToken) private readonly logger: Logger,
  ) {}

  /** Starts ticking and following app changes. Idempotent. Call after `engine.start()`. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.stopListening = this.engine.onCommit((changes) => this.noteCommit(changes));
    // Load the records and resume what a restart interrupted now, not a tick later.
    this.engine
      .run(() => this.driveAll())
      .catch((error: unknown) => {
        if (!this.disposed) this.logger.error({ err: error }, 'deployment drive failed');
      });
    this.arm();
  }

  /** Stops ticking (a tick already queued in the engine still runs). Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /**
   * Every deployment record (loaded from the store on first use). Inside `engine.run`. A record that cannot be
   * loaded (unreadable, or not a deployment) is left out and kept in the store, with an error log line naming
   * its collection and key: one bad record never stops the controller (issue 9 §0).
   */
  async all(): Promise<ReadonlyMap<string, Deployment>> {
    if (this.records === undefined) {
      const report = (key: string, reason: string) =>
        this.logger.error(
          { collection: DEPLOYMENT_COLLECTION, key, reason },
          'record quarantined: it cannot be loaded',
        );
      const entries = await this.engine.store.list<unknown>(DEPLOYMENT_COLLECTION, {
        onUnreadable: ({ key }) => report(key, UNREADABLE_REASON),
      });
      const records = new Map<string, Deployment>();
      for (const { key, value } of entries) {
        const loaded = loadDeploymentRecord(value);
        if (typeof loaded === 'string') report(key, loaded);
        else {
          const key = deploymentKey(loaded.namespace, loaded.name);
          records.set(key, loaded);
          if (inMotion(loaded)) this.moving.add(key);
        }
      }
      this.records = records;
    }
    return this.records;
  }

  /**
   * One deployment's record, or `undefined`, for reads from outside the queue: at once from memory once the
   * records are loaded, else after loading them in the queue. Never call it inside `engine.run` (use `find`).
   */
  async lookup(namespace: string, name: string): Promise<Deployment | undefined> {
    if (this.records !== undefined) return this.records.get(deploymentKey(namespace, name));
    return this.engine.run(() => this.find(namespace, name));
  }

  /** One deployment's record, or `undefined`. Inside `engine.run`. */
  async find(namespace: string, name: string): Promise<Deployment | undefined> {
    return (await this.all()).get(deploymentKey(namespace, name));
  }

  /**
   * Writes `changes` and the deployment record (put, or delete when `record` is a key) in one store batch,
   * with the events of both; the in-memory record follows once it committed. Inside `engine.run`.
   */
  async write(changes: Changes, record: Deployment | { readonly delete: string }): Promise<void> {
    const records = (await this.all()) as Map<string, Deployment>;
    const key = 'delete' in record ? record.delete : deploymentKey(record.namespace, record.name);
    await commitWithRecord(this.engine, changes, record, records.get(key));
    if ('delete' in record) records.delete(key);
    else records.set(key, record);
    if ('delete' in record || !inMotion(record)) this.moving.delete(key);
    else this.moving.add(key);
  }

  /**
   * One pass over every deployment in motion (the tick's work; the first one loads the records). A deployment
   * at rest is skipped: a drive would do nothing for it. Must run inside `engine.run`.
   */
  async driveAll(): Promise<void> {
    const records = await this.all();
    for (const key of [...this.moving]) {
      const record = records.get(key);
      if (record !== undefined) await this.driveLogged(record);
    }
  }

  /** Drives one deployment as far as it can go now; returns the record as it ends. Inside `engine.run`. */
  async drive(deployment: Deployment): Promise<Deployment | undefined> {
    if (deployment.status === 'Deleting') return this.finishDelete(deployment);
    let record = deployment;
    if (record.status === 'Deploying') record = await this.checkDeployed(record);
    if (record.status === 'Deploying') return record;
    if (record.pendingDefinition !== undefined && hasActiveRollout(record))
      record = await this.replace(record);
    if (hasActiveRollout(record)) record = await this.driveRollout(record);
    if (!hasActiveRollout(record) && record.pendingDefinition !== undefined) {
      record = await this.startPending(record);
      if (hasActiveRollout(record)) record = await this.driveRollout(record);
    }
    return record;
  }

  private async driveLogged(deployment: Deployment): Promise<void> {
    try {
      await this.drive(deployment);
    } catch (error) {
      this.logger.error({ err: error, deployment: deployment.name }, 'deployment drive failed');
    }
  }

  private arm(): void {
    if (this.disposed) return;
    this.cancelTimer = this.clock.setTimer(DEPLOYMENT_TICK_MS, () => {
      this.engine
        .run(() => this.driveAll())
        .catch((error: unknown) => {
          if (!this.disposed) this.logger.error({ err: error }, 'deployment tick failed');
        })
        .finally(() => this.arm());
    });
  }

  /** Notes the deployments whose apps `changes` touched, and drives them soon (once per queue turn). */
  private noteCommit(changes: Changes): void {
    if (this.records === undefined || this.disposed) return;
    const owners = new Set<string>();
    const noteApp = (namespace: string, appId: string) => {
      const owner = this.engine.state.get(namespace, appId)?.app.owner;
      if (owner?.kind === 'deployment') owners.add(deploymentKey(namespace, owner.name));
    };
    for (const app of changes.apps.values()) {
      if (app.owner?.kind === 'deployment') owners.add(deploymentKey(app.namespace, app.owner.name));
    }
    for (const taskGroup of changes.taskGroups.values()) noteApp(taskGroup.namespace, taskGroup.appId);
    for (const taskGroup of changes.removedTaskGroups) noteApp(taskGroup.namespace, taskGroup.appId);
    // A removed app matters to a deployment in motion only (one at rest has nothing to drive).
    for (const { namespace, appId } of changes.removedApps) {
      for (const key of this.moving) {
        const record = this.records.get(key);
        if (record?.namespace === namespace && appsOfRecord(record).includes(appId)) owners.add(key);
      }
    }
    for (const key of owners) this.dirty.add(key);
    if (this.dirty.size > 0) this.scheduleDirtyDrive();
  }

  private scheduleDirtyDrive(): void {
    if (this.driveScheduled || this.disposed) return;
    this.driveScheduled = true;
    queueMicrotask(() => {
      this.engine
        .run(async () => {
          this.driveScheduled = false;
          const keys = [...this.dirty];
          this.dirty.clear();
          const records = await this.all();
          for (const key of keys) {
            const record = records.get(key);
            if (record !== undefined) await this.driveLogged(record);
          }
        })
        .catch((error: unknown) => {
          this.driveScheduled = false;
          if (!this.disposed) this.logger.error({ err: error }, 'deployment drive failed');
        });
    });
  }

  private async finishDelete(deployment: Deployment): Promise<Deployment | undefined> {
    const left = appsOfRecord(deployment).filter((n) => this.app(deployment, n) !== undefined);
    if (left.length > 0) return deployment;
    await this.write(new Changes(), { delete: deploymentKey(deployment.namespace, deployment.name) });
    return undefined;
  }

  private async checkDeployed(deployment: Deployment): Promise<Deployment> {
    const counts = observeApp(this.app(deployment, deployment.appName));
    if (counts.available < deployment.instance) return deployment;
    const next: Deployment = {
      ...deployment,
      status: 'Running',
      message: `application ${deployment.appName} running ${counts.available} instances`,
      updatedAt: this.clock.now(),
    };
    await this.write(new Changes(), next);
    return next;
  }

  /**
   * A new definition arrived during a rollout (§5.2, the target is replaced). While the rollout still moves
   * instances, it is cancelled (the old app restored within the bounds) and the pending definition starts from
   * the old app once that is done. When its new app already serves every instance (rolling or paused, only
   * the old app's last instances left to go) it finishes first, and the pending definition starts from the new
   * app: cancelling then would roll a finished update back to the definition before it (issue 9 §3, the stale
   * rollback).
   */
  private async replace(record: Deployment): Promise<Deployment> {
    const rollout = record.rollout as RolloutState;
    if (rollout.phase === 'cancelling') return record;
    const fresh = observeApp(this.app(record, rollout.newApp));
    const servesAll = fresh.desired >= rollout.desired && fresh.available >= rollout.desired;
    if (servesAll && (rollout.phase === 'rolling' || rollout.phase === 'paused')) return record;
    const now = this.clock.now();
    const next = withRollout(record, cancelRollout(rollout, now), now);
    await this.write(new Changes(), next);
    return next;
  }

  /** The rollout loop: plan, apply, observe again, until the planner says `wait` (or the rollout is over). */
  private async driveRollout(deployment: Deployment): Promise<Deployment> {
    let record = deployment;
    for (let i = 0; i < MAX_ACTIONS_PER_DRIVE && hasActiveRollout(record); i++) {
      const rollout = record.rollout as RolloutState;
      const old = this.app(record, rollout.oldApp);
      const fresh = this.app(record, rollout.newApp);
      const now = this.clock.now();
      const step = planRolloutStep(rollout, { old: observeApp(old), new: observeApp(fresh) }, now);
      if (step.type === 'wait') return record;
      const next = await this.applyStep(record, step, old, fresh, now);
      if (next === record) return record;
      record = next;
    }
    return record;
  }

  /** Applies one planner action (see `RolloutStep`); returns the record as written. */
  private async applyStep(
    record: Deployment,
    step: Exclude<RolloutStep, { type: 'wait' }>,
    old: AppState | undefined,
    fresh: AppState | undefined,
    now: number,
  ): Promise<Deployment> {
    switch (step.type) {
      case 'mark': {
        const next = withRollout(record, step.state, now);
        await this.write(new Changes(), next);
        return next;
      }
      case 'scale': {
        const target = step.app === 'old' ? old : fresh;
        if (target === undefined) {
          this.logger.warn({ deployment: record.name, app: step.app }, 'rollout app missing; waiting');
          return record;
        }
        const next: Deployment = { ...record, message: step.reason, updatedAt: now };
        await this.write(innerScale(target, step.to, now), next);
        await syncExisting(this.engine, [target]);
        return next;
      }
      case 'finish':
        return this.retire(withFinished(record, step.state, now), old, now);
      case 'cancelled':
        return this.retire(withCancelled(record, step.state, now), fresh, now);
    }
  }

  /**
   * Starts the rollout towards `pendingDefinition` (an update recorded by the service), from `Running`. If it
   * cannot start (its template is no longer valid, e.g. what it references is gone), it fails once, visibly:
   * the pending definition is dropped, the message says why, and the change of message is an event. It is
   * never retried.
   */
  private async startPending(record: Deployment): Promise<Deployment> {
    const pending = record.pendingDefinition;
    if (pending === undefined || record.status !== 'Running' || hasActiveRollout(record)) return record;
    const now = this.clock.now();
    let started: { changes: Changes; record: Deployment };
    try {
      started = startRollout(this.engine, record, pending, now);
    } catch (error) {
      const reason = error instanceof BcsError || error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, deployment: record.name }, 'pending update failed');
      const { pendingDefinition: _failed, ...rest } = record;
      const failed: Deployment = {
        ...rest,
        message: `update failed, not started: ${reason}`,
        updatedAt: now,
      };
      await this.write(new Changes(), failed);
      return failed;
    }
    await this.write(started.changes, started.record);
    const newApp = started.record.rollout?.newApp;
    await syncExisting(this.engine, [newApp === undefined ? undefined : this.app(record, newApp)]);
    return started.record;
  }

  /** Deletes the app the rollout leaves behind (it has no instances left) and writes the record. */
  private async retire(next: Deployment, leaving: AppState | undefined, now: number): Promise<Deployment> {
    const changes = leaving === undefined ? new Changes() : innerDelete(leaving, now);
    await this.write(changes, next);
    await syncExisting(this.engine, [leaving]);
    return next;
  }

  private app(deployment: Deployment, name: string): AppState | undefined {
    return this.engine.state.get(deployment.namespace, name);
  }
}

/**
 * Whether a drive may still do something for `deployment` without a request: it is being created (`Deploying`),
 * deleted, rolled out, or has a pending definition to start. A deployment `Running` at rest is not: `drive`
 * returns it as it is, until a request (which drives it) gives it something to do.
 */
export function inMotion(deployment: Deployment): boolean {
  return (
    deployment.status !== 'Running' ||
    deployment.pendingDefinition !== undefined ||
    hasActiveRollout(deployment)
  );
}

/** The apps a deployment may have: the bound one and, during a rollout, its other one. */
export function appsOfRecord(deployment: Deployment): string[] {
  const names = new Set([deployment.appName]);
  if (deployment.rollout !== undefined && hasActiveRollout(deployment)) {
    names.add(deployment.rollout.oldApp);
    names.add(deployment.rollout.newApp);
  }
  return [...names];
}

/**
 * The old app is bound again, and the definition that ran before this update restored (§5.4 `cancelupdate`).
 * A pending definition stays: it starts next, from the old app.
 */
function withCancelled(record: Deployment, rollout: RolloutState, now: number): Deployment {
  const { previousDefinition, ...rest } = record;
  const definition = previousDefinition ?? record.definition;
  const normalized = normalizedOf(definition);
  return {
    ...rest,
    definition,
    labels: normalized.metadata.labels ?? {},
    instance: rollout.oldDesired,
    strategy: normalized.spec.strategy.rollingupdate,
    appName: rollout.oldApp,
    rollout,
    status: 'Running',
    message: rollout.message,
    updatedAt: now,
  };
}

/** The record with the planner's new state: status and message follow the rollout phase (§2.4). */
export function withRollout(record: Deployment, rollout: RolloutState, now: number): Deployment {
  return {
    ...record,
    rollout,
    status: DEPLOYMENT_STATUS_OF_PHASE[rollout.phase],
    message: rollout.message,
    updatedAt: now,
  };
}

/** The new app serves the deployment; the previous definition is dropped (§5.3 finish). */
function withFinished(record: Deployment, rollout: RolloutState, now: number): Deployment {
  const { previousDefinition: _dropped, ...rest } = record;
  return {
    ...rest,
    appName: rollout.newApp,
    rollout,
    status: 'Running',
    message: rollout.message,
    updatedAt: now,
  };
}

/**
 * The new app's name, `<name>-v<unix seconds>` (§5.2); when that is taken (two updates within a second),
 * the next free second: the original suffixed clashing names too (§5.1).
 */
function freeRolloutAppName(engine: StateSource, namespace: string, name: string, now: number): string {
  for (let seconds = 0; ; seconds++) {
    const candidate = rolloutAppName(name, now + seconds * 1000);
    if (engine.state.get(namespace, candidate) === undefined) return candidate;
  }
}

/**
 * A rolling update of `current` towards `definition` (§5.2), from `Running`: the new app
 * `<name>-v<unix seconds>` with 0 instances (its version keeps the deployment's count) and a new
 * `RolloutState`; status `Update`. The definition that runs now
 * becomes `previousDefinition` (what a cancel restores). Any `pendingDefinition` is cleared. Throws if the
 * bound app is gone or the template is invalid. Writes nothing; only the controller calls it.
 */
function startRollout(
  engine: StateSource & ClockAndIds,
  current: Deployment,
  target: DefinitionRecord,
  now: number,
): { changes: Changes; record: Deployment } {
  const { namespace, name } = current;
  const old = engine.state.get(namespace, current.appName);
  if (old === undefined) {
    throw new ConflictError(`application ${namespace}/${current.appName} of deployment ${name} is gone`);
  }
  const newApp = freeRolloutAppName(engine, namespace, name, now);
  const definition = target.parsed;
  const version = versionOfTemplate(engine, definition, newApp, namespace);
  const { changes } = ownedAppChanges(version, name, 0, now);
  const normalized = normalizeDeployment(definition);
  const rollout = createRolloutState({
    namespace,
    name,
    desired: definition.spec.instance,
    oldDesired: old.app.desiredInstances,
    settings: normalized.spec.strategy.rollingupdate,
    oldApp: old.app.id,
    newApp,
    now,
    updatePolicy: definition.updatePolicy,
  });
  const { pendingDefinition: _replaced, ...rest } = current;
  const record: Deployment = {
    ...withRollout(rest, rollout, now),
    labels: normalized.metadata.labels ?? {},
    selector: normalized.spec.selector ?? {},
    instance: normalized.spec.instance,
    strategy: normalized.spec.strategy.rollingupdate,
    definition: target,
    previousDefinition: current.definition,
  };
  return { changes, record };
}

/** A stored deployment record as loaded (`upgradeDeploymentRecord`), or why it cannot be. */
function loadDeploymentRecord(value: unknown): Deployment | string {
  const record = value as Partial<Deployment> | null;
  if (typeof record !== 'object' || record === null) return 'the record is not an object';
  if (typeof record.namespace !== 'string' || typeof record.name !== 'string')
    return 'namespace or name is missing';
  try {
    return upgradeDeploymentRecord(record as Deployment);
  } catch (error) {
    return `its definitions cannot be read (${error instanceof Error ? error.message : String(error)})`;
  }
}
