import { inject, injectable } from 'tsyringe';
import { compareVersions } from '../convert/compare-versions.js';
import { applicationBodyOf, ownedAppChanges, versionOfTemplate } from '../deployments/app-definition.js';
import { innerDelete, innerScale, observeApp, syncExisting } from '../deployments/apply.js';
import { appsOfRecord, DeploymentController, withRollout } from '../deployments/deployment-controller.js';
import {
  type DefinitionRecord,
  type Deployment,
  definitionRecordOf,
  hasActiveRollout,
  withInstanceCount,
  withoutTemplate,
} from '../deployments/record.js';
import { SchedulerEngine } from '../engine/engine.js';
import type { DeploymentPorts, StoreSource } from '../engine/ports.js';
import { type AppState, Changes } from '../engine/state.js';
import { AlreadyExistsError, ConflictError, ErrorCode, NotFoundError, ValidationError } from '../errors.js';
import {
  type NormalizedDeployment,
  normalizeDeployment,
  type RollingUpdateSettings,
} from '../resources/deployment.js';
import { cancelRollout, pauseRollout, resumeRollout } from '../rollout/control.js';
import { type RolloutState, rolloutAppName } from '../rollout/state.js';
import { type RolloutAppStatus, type RolloutStatus, rolloutStatusOf } from '../rollout/status.js';
import { parseApplication } from '../validation/application.js';
import { type DeploymentDefinition, templateWorkload } from '../validation/deployment.js';
import { assertInstances, type SchedulerLimits, SchedulerLimitsToken } from '../validation/limits.js';
import { isValidName } from '../validation/rules.js';
import { AdmissionService } from './admission-service.js';
import { checkDataRefs, templateDataRefs } from './data-references.js';

/** A deployment with what its apps do now: what `GET /namespaces/{ns}/deployments/{name}` shows. */
export interface DeploymentView {
  readonly deployment: Deployment;
  /** The bound application's counts (absent once it is gone). */
  readonly app?: RolloutAppStatus;
  /** The rollout in progress, or the last one, with both apps observed now. */
  readonly rollout?: RolloutStatus;
}

/**
 * Deployments (spec/api-v4.md createDeployment … scaleDeployment, getDeploymentDef; spec/bcs-behaviour.md §5).
 * Every write runs inside the engine's queue and writes the deployment record in one store batch with the app
 * changes it makes; the rolling update itself is driven by {@link DeploymentController}.
 */
@injectable()
export class DeploymentService {
  constructor(
    @inject(SchedulerEngine) private readonly engine: DeploymentPorts,
    @inject(DeploymentController) private readonly controller: DeploymentController,
    @inject(SchedulerLimitsToken) private readonly limits: SchedulerLimits,
    @inject(AdmissionService) private readonly admission: AdmissionService,
  ) {}

  /**
   * Creates a deployment (§5.1, with the §15.8 fixes): the apps of the namespace whose current version carries
   * ALL `spec.selector` pairs are counted (apps, not pairs). 0 → the template is required and an app named
   * after the deployment is created; 1 without a template → adopted; 1 with a template → adopted and, at once,
   * rolled to the template (§5.1's original inner-deleted the app and created a new one, with downtime): the
   * app becomes owned and bound, and a rolling update towards the template starts from it exactly as
   * {@link update} starts one (`startRollout`: new app `<name>-v<unix seconds>`, status `Update`), so the
   * adopted app is removed within maxSurge / maxUnavailable and the deployment ends `Running` on the template.
   * The adopted app keeps its instance count (not inner-scaled first): the rollout starts from it as an update
   * that changes `spec.instance` does, the bounds measured against the deployment's `spec.instance`.
   * `getDeploymentDef` shows the body sent; a `cancelupdate` restores the body without `spec.template` (with
   * the adopted app's count), i.e. the deployment as if it had adopted the app without a template. An app
   * that already belongs to a deployment → 409. More than 1 → 400 on `spec.selector`.
   * An empty or absent selector matches nothing. `AlreadyExists` if the deployment exists.
   */
  async create(namespace: string, body: unknown): Promise<DeploymentView> {
    const sent = await this.admitted('Create', namespace, body);
    const definition = sent.parsed;
    const name = definition.metadata.name;
    await this.engine.run(async () => {
      if ((await this.controller.find(namespace, name)) !== undefined) {
        throw new AlreadyExistsError(`deployment ${namespace}/${name}`);
      }
      await checkTemplateDataRefs(this.engine, definition, namespace);
      const matches = this.matchingApps(namespace, definition.spec.selector ?? {});
      if (matches.length > 1) throw tooManyMatches(matches);
      const [match] = matches;
      const now = this.engine.clock.now();
      if (match !== undefined && definition.spec.template !== undefined) {
        const adopted = withInstanceCount(withoutTemplate(sent), match.app.desiredInstances);
        const record = recordOf(definition, adopted, namespace, match.app.id, now);
        // Adopted as it runs, then rolled to the template: the controller starts that rollout.
        await this.adopt({ ...record, status: 'Running', pendingDefinition: sent }, match, false);
        await this.controller.drive(await this.require(namespace, name));
        return;
      }
      const record = recordOf(definition, sent, namespace, match?.app.id ?? name, now);
      if (match === undefined) await this.createBoundApp(record, definition);
      else await this.adopt(record, match, true);
      await this.controller.drive(record);
    });
    return this.get(namespace, name);
  }

  /**
   * Starts a rolling update (§5.2) with the same selector and a template. From `Running`: the new app
   * `<name>-v<unix seconds>` is created with 0 instances (its version keeps the deployment's count); the
   * rollout planner then moves instances within maxSurge / maxUnavailable. During an update (a new update
   * during an update: the target is replaced): the body is kept as `pendingDefinition`, the rollout in
   * progress is cancelled (its new app removed within the same bounds, the old one restored), and a rollout
   * towards the pending definition starts once that is done; a further update replaces the pending one.
   * The body is validated first (4xx, nothing stored). 409 while `Deploying` or `Deleting`.
   */
  async update(namespace: string, body: unknown): Promise<DeploymentView> {
    const sent = await this.admitted('Update', namespace, body);
    const definition = sent.parsed;
    const name = definition.metadata.name;
    await this.engine.run(async () => {
      const current = await this.require(namespace, name);
      await checkTemplateDataRefs(this.engine, definition, namespace);
      const updating = hasActiveRollout(current);
      if (current.status !== 'Running' && !updating) {
        throw new ConflictError(
          `deployment ${namespace}/${name} is ${current.status}; an update needs Running or an update in progress`,
        );
      }
      if (!sameSelector(current.selector, definition.spec.selector ?? {})) {
        throw new ValidationError('deployment', [
          { path: 'spec.selector', rule: 'must not change in an update' },
        ]);
      }
      const now = this.engine.clock.now();
      // Validate the template as the app it will become, before anything is stored (4xx, nothing stored).
      parseApplication(applicationBodyOf(definition, rolloutAppName(name, now), namespace), namespace);
      const bound = this.requireApp(current, current.appName);
      if (
        !updating &&
        current.pendingDefinition === undefined &&
        this.isIdentical(current, bound, definition)
      ) {
        return; // issue 9 §4: the definition that runs already; same app, nothing restarted.
      }
      // The intent only: the controller starts (or, during an update, replaces) the rollout.
      const record: Deployment = { ...current, pendingDefinition: sent, updatedAt: now };
      await this.controller.write(new Changes(), record);
      await this.controller.drive(record);
    });
    return this.get(namespace, name);
  }

  /**
   * True when `definition` says what the deployment runs now: its template as a version of the bound app is
   * `identical` to the app's version (`compareVersions`), with the deployment's count, and the rolling update
   * settings are the same.
   */
  /**
   * Validates `body`, then runs the admission webhooks on it before the engine's queue is entered, and
   * validates what they return again (issue 13 §3).
   */
  private async admitted(
    operation: 'Create' | 'Update',
    namespace: string,
    body: unknown,
  ): Promise<DefinitionRecord> {
    const sent = parseChecked(body, namespace, this.limits);
    const check = (changed: unknown) => {
      parseChecked(changed, namespace, this.limits);
    };
    const admitted = await this.admission.admit({ operation, kind: 'deployment', namespace, body }, check);
    return admitted === body ? sent : parseChecked(admitted, namespace, this.limits);
  }

  private isIdentical(current: Deployment, bound: AppState, definition: DeploymentDefinition): boolean {
    const running = bound.versions.get(bound.app.versionId);
    if (running === undefined) return false;
    const next = versionOfTemplate(this.engine, definition, bound.app.id, current.namespace);
    const strategy = normalizeDeployment(definition).spec.strategy.rollingupdate;
    return (
      compareVersions({ ...running, instances: current.instance }, next) === 'identical' &&
      sameSettings(strategy, current.strategy)
    );
  }

  /** `pauseupdate` (§5.4): between steps at once, else after the current step. 409 unless rolling. */
  pause(namespace: string, name: string): Promise<DeploymentView> {
    return this.control(namespace, name, (state, now) => pauseRollout(state, now));
  }

  /** `resumeupdate` (§5.4): from paused or suspended (a suspended one retries). 409 otherwise. */
  resume(namespace: string, name: string): Promise<DeploymentView> {
    return this.control(namespace, name, (state, now, record) =>
      resumeRollout(state, observeApp(this.engine.state.get(record.namespace, state.newApp)), now),
    );
  }

  /**
   * `cancelupdate` (§5.4), at any moment of a rollout, a step in progress included; a pending update (one
   * sent during an update) is dropped too. 409 when none.
   */
  cancel(namespace: string, name: string): Promise<DeploymentView> {
    return this.control(namespace, name, (state, now) => cancelRollout(state, now), true);
  }

  /**
   * `scale/{n}` (§5.4): `Running`, or `Deploying` (its first create still deploying: issue 9 §3); 409 during
   * an update (the planner owns both apps' counts until it ends). Inner-scales the bound app and records the
   * new count; a `Deploying` one becomes `Running` once that many are available. `n` is a whole number ≥ 1.
   */
  async scale(namespace: string, name: string, instances: number): Promise<DeploymentView> {
    if (!Number.isInteger(instances) || instances < 1) {
      throw new ValidationError(
        'scale',
        [{ path: 'instances', rule: 'must be a whole number ≥ 1' }],
        ErrorCode.BadParams,
      );
    }
    assertInstances('scale', 'instances', instances, this.limits, ErrorCode.BadParams);
    await this.engine.run(async () => {
      const current = await this.require(namespace, name);
      const scalable = current.status === 'Running' || current.status === 'Deploying';
      if (!scalable || current.pendingDefinition !== undefined) {
        throw new ConflictError(
          `deployment ${namespace}/${name} is ${current.status}; scale needs Running or Deploying`,
        );
      }
      const app = this.requireApp(current, current.appName);
      const now = this.engine.clock.now();
      const record: Deployment = {
        ...current,
        instance: instances,
        definition: withInstanceCount(current.definition, instances),
        message: `scaled to ${instances} instances`,
        updatedAt: now,
      };
      await this.controller.write(innerScale(app, instances, now), record);
      await syncExisting(this.engine, [app]);
      await this.controller.drive(record);
    });
    return this.get(namespace, name);
  }

  /**
   * Deletes a deployment (§5.4): both apps are deleted (`enforce` removes their records at once, kills still
   * sent), the status becomes `Deleting`, and the record goes once both apps are gone. Repeating is harmless.
   */
  async delete(namespace: string, name: string, enforce: boolean): Promise<void> {
    await this.engine.run(async () => {
      const current = await this.require(namespace, name);
      const now = this.engine.clock.now();
      const apps = appsOfRecord(current)
        .map((app) => this.engine.state.get(namespace, app))
        .filter((s): s is AppState => s !== undefined);
      const changes = new Changes();
      for (const app of apps) changes.merge(innerDelete(app, now, enforce));
      const { pendingDefinition: _dropped, ...kept } = current;
      const record: Deployment = {
        ...kept,
        status: 'Deleting',
        message: 'waiting applications to be deleted',
        updatedAt: now,
      };
      await this.controller.write(changes, record);
      await syncExisting(this.engine, apps);
      await this.controller.drive(record);
    });
  }

  /** The deployment with its apps observed now; 404 (1405202) if absent. */
  async get(namespace: string, name: string): Promise<DeploymentView> {
    const deployment = await this.lookup(namespace, name);
    const bound = this.engine.state.get(namespace, deployment.appName);
    const counts = observeApp(bound);
    const app =
      bound === undefined
        ? undefined
        : {
            name: deployment.appName,
            desired: counts.desired,
            running: counts.running,
            available: counts.available,
          };
    const rollout = deployment.rollout === undefined ? undefined : this.rolloutView(deployment.rollout);
    return {
      deployment,
      ...(app === undefined ? {} : { app }),
      ...(rollout === undefined ? {} : { rollout }),
    };
  }

  /** The definition as last sent (`getDeploymentDef`); after a cancel, the one before the update. */
  async definition(namespace: string, name: string): Promise<unknown> {
    return (await this.lookup(namespace, name)).definition.sent;
  }

  private rolloutView(state: RolloutState): RolloutStatus {
    const observe = (app: string) => observeApp(this.engine.state.get(state.namespace, app));
    return rolloutStatusOf(state, { old: observe(state.oldApp), new: observe(state.newApp) });
  }

  private async control(
    namespace: string,
    name: string,
    apply: (state: RolloutState, now: number, record: Deployment) => RolloutState,
    dropPending = false,
  ): Promise<DeploymentView> {
    await this.engine.run(async () => {
      const current = await this.require(namespace, name);
      if (current.rollout === undefined || !hasActiveRollout(current)) {
        throw new ConflictError(`deployment ${namespace}/${name} has no rolling update in progress`);
      }
      const now = this.engine.clock.now();
      const next = apply(current.rollout, now, current);
      const pending = dropPending && current.pendingDefinition !== undefined;
      if (next === current.rollout && !pending) return;
      const { pendingDefinition: _dropped, ...kept } = current;
      const record = withRollout(pending ? kept : current, next, now);
      await this.controller.write(new Changes(), record);
      await this.controller.drive(record);
    });
    return this.get(namespace, name);
  }

  private async createBoundApp(record: Deployment, definition: DeploymentDefinition): Promise<void> {
    const { namespace, name } = record;
    applicationBodyOf(definition, name, namespace); // 400 on spec.template when it is missing
    if (this.engine.state.get(namespace, name) !== undefined) {
      throw new ConflictError(
        `application ${namespace}/${name} exists and does not match spec.selector; it cannot be replaced`,
      );
    }
    const version = versionOfTemplate(this.engine, definition, name, namespace);
    const now = this.engine.clock.now();
    const { changes } = ownedAppChanges(version, name, definition.spec.instance, now);
    await this.controller.write(changes, record);
    await syncExisting(this.engine, [this.engine.state.get(namespace, name)]);
  }

  /**
   * Adopts `app` (§5.1): it becomes owned and bound; `scale` inner-scales it to the deployment's count (an
   * adoption towards a template keeps its count: the rollout starts from it).
   */
  private async adopt(record: Deployment, state: AppState, scale: boolean): Promise<void> {
    const owned = ownedBy(record, state);
    const now = this.engine.clock.now();
    const changes =
      !scale || owned.app.desiredInstances === record.instance
        ? new Changes().putApp(owned.app)
        : innerScale(owned, record.instance, now);
    await this.controller.write(changes, record);
    await syncExisting(this.engine, [state]);
  }

  /** Apps of `namespace` whose current version labels contain every pair of `selector` (none if it is empty). */
  private matchingApps(namespace: string, selector: Readonly<Record<string, string>>): AppState[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [];
    return [...this.engine.state.apps.values()].filter((s) => {
      if (s.app.namespace !== namespace) return false;
      const labels = s.versions.get(s.app.versionId)?.labels ?? {};
      return pairs.every(([key, value]) => labels[key] === value);
    });
  }

  private async require(namespace: string, name: string): Promise<Deployment> {
    const found = await this.controller.find(namespace, name);
    if (found === undefined) throw new NotFoundError(`deployment ${namespace}/${name}`);
    return found;
  }

  /** The record for a read outside the queue; 404 (1405202) if absent. */
  private async lookup(namespace: string, name: string): Promise<Deployment> {
    const found = await this.controller.lookup(namespace, name);
    if (found === undefined) throw new NotFoundError(`deployment ${namespace}/${name}`);
    return found;
  }

  private requireApp(deployment: Deployment, app: string): AppState {
    const state = this.engine.state.get(deployment.namespace, app);
    if (state === undefined) {
      throw new ConflictError(
        `application ${deployment.namespace}/${app} of deployment ${deployment.name} is gone`,
      );
    }
    return state;
  }
}

/**
 * Refuses (1405008, nothing stored) a template whose containers or processes reference a configmap, secret
 * or data key missing from `namespace`, as applications are refused.
 */
function checkTemplateDataRefs(
  engine: StoreSource,
  definition: DeploymentDefinition,
  namespace: string,
): Promise<void> {
  const template = definition.spec.template;
  if (template === undefined) return Promise.resolve();
  const workload = templateWorkload(template);
  const refs = templateDataRefs(template.spec, workload);
  return checkDataRefs(engine.store, namespace, refs, `spec.template.spec.${workload}`, 'deployment');
}

function parseChecked(body: unknown, namespace: string, limits: SchedulerLimits): DefinitionRecord {
  const definition = definitionRecordOf(body, namespace);
  if (!isValidName(definition.parsed.metadata.name)) {
    throw new ValidationError('deployment', [{ path: 'metadata.name', rule: 'must be a valid name' }]);
  }
  assertInstances('deployment', 'spec.instance', definition.parsed.spec.instance, limits);
  return definition;
}

function specFields(normalized: NormalizedDeployment) {
  return {
    labels: normalized.metadata.labels ?? {},
    selector: normalized.spec.selector ?? {},
    instance: normalized.spec.instance,
    strategy: normalized.spec.strategy.rollingupdate,
  };
}

function recordOf(
  definition: DeploymentDefinition,
  stored: DefinitionRecord,
  namespace: string,
  appName: string,
  now: number,
): Deployment {
  return {
    namespace,
    name: definition.metadata.name,
    ...specFields(normalizeDeployment(definition)),
    status: 'Deploying',
    appName,
    definition: stored,
    message: `deployment created; application ${appName} deploying`,
    createdAt: now,
    updatedAt: now,
  };
}

function tooManyMatches(matches: readonly AppState[]): ValidationError {
  const names = matches.map((m) => m.app.id).join(', ');
  return new ValidationError('deployment', [
    {
      path: 'spec.selector',
      rule: `must match at most one application; it matches ${matches.length}: ${names}`,
    },
  ]);
}

function sameSelector(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The same rolling update settings, field by field. */
function sameSettings(a: RollingUpdateSettings, b: RollingUpdateSettings): boolean {
  return (
    a.maxUnavailable === b.maxUnavailable &&
    a.maxSurge === b.maxSurge &&
    a.upgradeDuration === b.upgradeDuration &&
    a.rollingManually === b.rollingManually &&
    a.rollingOrder === b.rollingOrder
  );
}

/** `state` owned by deployment `record`; 409 if it already belongs to a deployment. */
function ownedBy(record: Deployment, state: AppState): AppState {
  if (state.app.owner !== undefined) {
    throw new ConflictError(
      `application ${state.app.namespace}/${state.app.id} already belongs to deployment ${state.app.owner.name}`,
    );
  }
  return { ...state, app: { ...state.app, owner: { kind: 'deployment', name: record.name } } };
}
