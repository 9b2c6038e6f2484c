import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import { type AppState, Changes } from '../engine/state.js';
import { ConflictError } from '../errors.js';
import { type CancelTimer, type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { normalizeDeployment } from '../resources/deployment.js';
import type { RolloutStep } from '../rollout/marks.js';
import { planRolloutStep } from '../rollout/plan.js';
import { createRolloutState, type RolloutState, rolloutAppName } from '../rollout/state.js';
import { DEPLOYMENT_STATUS_OF_PHASE } from '../rollout/status.js';
import { type DeploymentDefinition, parseDeployment } from '../validation/deployment.js';
import { normalizedOf, ownedAppChanges, versionOfTemplate } from './app-definition.js';
import { commitWithRecord, innerDelete, innerScale, observeApp, syncExisting } from './apply.js';
import { DEPLOYMENT_COLLECTION, type Deployment, deploymentKey, hasActiveRollout } from './record.js';

/** How often the controller drives every deployment, in ms (the original's checker ticks each second, §5.2). */
export const DEPLOYMENT_TICK_MS = 1000;

/** Actions applied per deployment per drive at most: a guard against a planner that never says `wait`. */
const MAX_ACTIONS_PER_DRIVE = 32;

/**
 * Drives deployments (spec/bcs-behaviour.md §5): once started, every {@link DEPLOYMENT_TICK_MS} on the `Clock`
 * port it runs, inside the engine's queue, one pass over the stored deployments:
 * 1. `Deleting` → delete the record once both its apps are gone;
 * 2. `Deploying` → `Running` once the bound app has all its instances available;
 * 3. a rollout in progress → observe both apps, ask `planRolloutStep`, apply its action, repeat until `wait`.
 *
 * Every action writes the deployment record (with the planner's new `RolloutState`) in the same store batch
 * as the app change it makes, then lets the engine act (`syncApps`), so a restart resumes where it stopped.
 */
@injectable()
export class DeploymentController {
  private cancelTimer: CancelTimer | undefined;
  private started = false;
  private disposed = false;

  constructor(
    @inject(SchedulerEngine) private readonly engine: SchedulerEngine,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(LoggerToken) private readonly logger: Logger,
  ) {}

  /** Starts ticking. Idempotent. Call after `engine.start()`. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.arm();
  }

  /** Stops ticking (a tick already queued in the engine still runs). Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** One pass over every stored deployment. Must run inside `engine.run`. */
  async driveAll(): Promise<void> {
    const entries = await this.engine.store.list<Deployment>(DEPLOYMENT_COLLECTION);
    for (const { value } of entries) {
      try {
        await this.drive(value);
      } catch (error) {
        this.logger.error({ err: error, deployment: value.name }, 'deployment drive failed');
      }
    }
  }

  /** Drives one deployment as far as it can go now; returns the record as it ends. Inside `engine.run`. */
  async drive(deployment: Deployment): Promise<Deployment | undefined> {
    if (deployment.status === 'Deleting') return this.finishDelete(deployment);
    if (deployment.status === 'Deploying') return this.checkDeployed(deployment);
    if (hasActiveRollout(deployment)) return this.driveRollout(deployment);
    if (deployment.pendingDefinition !== undefined) {
      const next = await this.startPending(deployment);
      return hasActiveRollout(next) ? this.driveRollout(next) : next;
    }
    return deployment;
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

  private async finishDelete(deployment: Deployment): Promise<Deployment | undefined> {
    const names = [deployment.appName, deployment.rollout?.newApp, deployment.rollout?.oldApp];
    const left = names.filter((n) => n !== undefined && this.app(deployment, n) !== undefined);
    if (left.length > 0) return deployment;
    await commitWithRecord(this.engine, new Changes(), {
      delete: deploymentKey(deployment.namespace, deployment.name),
    });
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
    await commitWithRecord(this.engine, new Changes(), next);
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
        await commitWithRecord(this.engine, new Changes(), next);
        return next;
      }
      case 'scale': {
        const target = step.app === 'old' ? old : fresh;
        if (target === undefined) {
          this.logger.warn({ deployment: record.name, app: step.app }, 'rollout app missing; waiting');
          return record;
        }
        const next: Deployment = { ...record, message: step.reason, updatedAt: now };
        await commitWithRecord(this.engine, innerScale(target, step.to, now), next);
        await syncExisting(this.engine, [target]);
        return next;
      }
      case 'finish':
        return this.retire(withFinished(record, step.state, now), old, now);
      case 'cancelled':
        return this.startPending(await this.retire(this.withCancelled(record, step.state, now), fresh, now));
    }
  }

  /**
   * A new update during an update (§5.2): once the replaced rollout is cancelled, a rollout towards the
   * `pendingDefinition` starts at once, as `DeploymentService.update` starts one from `Running`. If it cannot
   * start now (the new app's name is still taken), the next drive retries.
   */
  private async startPending(record: Deployment): Promise<Deployment> {
    const raw = record.pendingDefinition;
    if (raw === undefined || record.status !== 'Running' || hasActiveRollout(record)) return record;
    const now = this.clock.now();
    try {
      const started = startRollout(this.engine, record, parseDeployment(raw, record.namespace), raw, now);
      await commitWithRecord(this.engine, started.changes, started.record);
      const newApp = started.record.rollout?.newApp;
      await syncExisting(this.engine, [newApp === undefined ? undefined : this.app(record, newApp)]);
      return started.record;
    } catch (error) {
      this.logger.warn({ err: error, deployment: record.name }, 'pending update not started yet; retrying');
      return record;
    }
  }

  /** Deletes the app the rollout leaves behind (it has no instances left) and writes the record. */
  private async retire(next: Deployment, leaving: AppState | undefined, now: number): Promise<Deployment> {
    const changes = leaving === undefined ? new Changes() : innerDelete(leaving, now);
    await commitWithRecord(this.engine, changes, next);
    await syncExisting(this.engine, [leaving]);
    return next;
  }

  /** The old app is bound again, and the definition before the update restored (§5.4 `cancelupdate`). */
  private withCancelled(record: Deployment, rollout: RolloutState, now: number): Deployment {
    const { previousDefinition, ...rest } = record;
    const definition = previousDefinition ?? record.definition;
    const spec = normalizedOf(definition, record.namespace).spec;
    return {
      ...rest,
      definition,
      instance: rollout.oldDesired,
      strategy: spec.strategy.rollingupdate,
      appName: rollout.oldApp,
      rollout,
      status: 'Running',
      message: rollout.message,
      updatedAt: now,
    };
  }

  private app(deployment: Deployment, name: string): AppState | undefined {
    return this.engine.state.get(deployment.namespace, name);
  }
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
 * A rolling update of `current` towards `definition` (§5.2), from `Running`: the new app
 * `<name>-v<unix seconds>` with 0 instances (its version keeps the deployment's count) and a new
 * `RolloutState`; status `Update`. `raw` is the definition as the client sent it. Any `pendingDefinition` is
 * cleared. `ConflictError` if the new app's name is taken (retry in a second). Writes nothing.
 */
export function startRollout(
  engine: SchedulerEngine,
  current: Deployment,
  definition: DeploymentDefinition,
  raw: unknown,
  now: number,
): { changes: Changes; record: Deployment } {
  const { namespace, name } = current;
  const old = engine.state.get(namespace, current.appName);
  if (old === undefined) {
    throw new ConflictError(`application ${namespace}/${current.appName} of deployment ${name} is gone`);
  }
  const newApp = rolloutAppName(name, now);
  if (engine.state.get(namespace, newApp) !== undefined) {
    throw new ConflictError(`application ${namespace}/${newApp} exists; retry the update in a second`);
  }
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
    definition: raw,
    previousDefinition: current.definition,
  };
  return { changes, record };
}
