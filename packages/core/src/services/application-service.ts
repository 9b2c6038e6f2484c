import { inject, injectable } from 'tsyringe';
import { toVersion } from '../convert/definition-to-version.js';
import type { DataRefs } from '../engine/data-objects.js';
import { SchedulerEngine } from '../engine/engine.js';
import {
  createApplication,
  deleteApplication,
  requireApp,
  rescheduleTaskGroup,
  scaleApplication,
  updateApplication,
} from '../engine/operations.js';
import type { EngineQueue, OperationPorts, StoreSource } from '../engine/ports.js';
import { ErrorCode, NotFoundError, ValidationError } from '../errors.js';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type IdGenerator, IdGeneratorToken } from '../ports/id-generator.js';
import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { parseApplication, parseProcessApplication } from '../validation/application.js';
import { isPlainObject } from '../validation/canonical-keys.js';
import { assertInstances, type SchedulerLimits, SchedulerLimitsToken } from '../validation/limits.js';
import { isValidName } from '../validation/rules.js';
import { AdmissionService } from './admission-service.js';
import { checkDataRefs, templateDataRefs } from './data-references.js';

/** An application with its taskgroups (ordered by index) and current version: what fetch returns. */
export interface ApplicationView {
  readonly app: Application;
  readonly taskGroups: readonly TaskGroup[];
  readonly version: Version | undefined;
}

/**
 * Applications (spec/api-v4.md Application): validation at the entry, then the engine's operations, which run
 * one at a time. Reads come from the engine's in-memory state, which always equals the store.
 */
@injectable()
export class ApplicationService {
  constructor(
    @inject(SchedulerEngine) private readonly engine: OperationPorts & EngineQueue & StoreSource,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(IdGeneratorToken) private readonly ids: IdGenerator,
    @inject(SchedulerLimitsToken) private readonly limits: SchedulerLimits,
    @inject(AdmissionService) private readonly admission: AdmissionService,
  ) {}

  /** Creates an application; `AlreadyExists` if it exists. Admission webhooks run first ({@link admitted}). */
  async create(namespace: string, body: unknown): Promise<ApplicationView> {
    const { version, refs } = await this.admitted('Create', namespace, body);
    await this.engine.run(async () => {
      await this.checkDataRefs(version, refs);
      await createApplication(this.engine, version);
    });
    return this.get(namespace, version.appId);
  }

  /** `PUT /applications?instances=&args=resource`: a new version, replaced one instance at a time. */
  async update(
    namespace: string,
    body: unknown,
    options: { instances?: number; resourceOnly?: boolean } = {},
  ): Promise<ApplicationView> {
    if (options.instances !== undefined) {
      assertInstances('update', 'instances', options.instances, this.limits, ErrorCode.BadParams);
    }
    const { version, refs } = await this.admitted('Update', namespace, body);
    await this.engine.run(async () => {
      await this.checkDataRefs(version, refs);
      await updateApplication(this.engine, version, options);
    });
    return this.get(namespace, version.appId);
  }

  /** `PUT /applications/rollback`: the body is the full definition to return to; every instance is replaced. */
  async rollback(namespace: string, body: unknown): Promise<ApplicationView> {
    return this.update(namespace, body, {});
  }

  async scale(namespace: string, appId: string, instances: number): Promise<ApplicationView> {
    if (!Number.isInteger(instances) || instances < 0) {
      throw new ValidationError(
        'scale',
        [{ path: 'instances', rule: 'must be a whole number ≥ 0' }],
        ErrorCode.BadParams,
      );
    }
    assertInstances('scale', 'instances', instances, this.limits, ErrorCode.BadParams);
    await this.engine.run(() => scaleApplication(this.engine, namespace, appId, instances));
    return this.get(namespace, appId);
  }

  async delete(namespace: string, appId: string, enforce: boolean): Promise<void> {
    await this.engine.run(() => deleteApplication(this.engine, namespace, appId, enforce));
  }

  async reschedule(
    namespace: string,
    appId: string,
    taskGroup: string,
    hostRetainTime = 0,
  ): Promise<TaskGroup> {
    return this.engine.run(() =>
      rescheduleTaskGroup(this.engine, namespace, appId, taskGroup, hostRetainTime),
    );
  }

  get(namespace: string, appId: string): ApplicationView {
    const state = requireApp(this.engine, namespace, appId);
    return {
      app: state.app,
      taskGroups: [...state.taskGroups.values()].sort((a, b) => a.index - b.index),
      version: state.versions.get(state.app.versionId),
    };
  }

  /** Every application of the namespace, ordered by name. */
  list(namespace: string): ApplicationView[] {
    return [...this.engine.state.apps.values()]
      .filter((s) => s.app.namespace === namespace)
      .sort((a, b) => a.app.id.localeCompare(b.app.id))
      .map((s) => this.get(namespace, s.app.id));
  }

  /** Version ids, oldest first. */
  versions(namespace: string, appId: string): string[] {
    return [...requireApp(this.engine, namespace, appId).versions.keys()].sort(compareNanos);
  }

  version(namespace: string, appId: string, versionId: string): Version {
    const version = requireApp(this.engine, namespace, appId).versions.get(versionId);
    if (version === undefined)
      throw new NotFoundError(`version ${versionId} of application ${namespace}/${appId}`);
    return version;
  }

  /** The definition the current version was made from (`getApplicationDef`). */
  definition(namespace: string, appId: string): unknown {
    const state = requireApp(this.engine, namespace, appId);
    if (state.app.owner !== undefined) {
      throw new NotFoundError(
        `definition of application ${namespace}/${appId}: it was created by deployment ${state.app.owner.name}`,
      );
    }
    return state.versions.get(state.app.versionId)?.raw ?? null;
  }

  /**
   * Refuses (1405008) a version whose containers reference a missing configmap, secret or data key (or image
   * credentials naming one), as the original's `CheckVersion` did. Inside the queue, so a configmap delete
   * cannot slip in before the write.
   */
  private checkDataRefs(version: Version, refs: readonly DataRefs[]): Promise<void> {
    const section = `spec.template.spec.${version.kind === 'process' ? 'processes' : 'containers'}`;
    return checkDataRefs(this.engine.store, version.namespace, refs, section, 'application');
  }

  /**
   * Validates `body`, then runs the admission webhooks on it (applications only: processes are never hooked,
   * spec/bcs-behaviour.md §11) before the engine's queue is entered, and validates what they return again.
   */
  private async admitted(
    operation: 'Create' | 'Update',
    namespace: string,
    body: unknown,
  ): Promise<{ version: Version; refs: DataRefs[] }> {
    const sent = this.versionOf(namespace, body);
    if (sent.version.kind === 'process') return sent;
    const check = (changed: unknown) => {
      if (isPlainObject(changed) && changed.kind === 'process') {
        throw new ValidationError('application', [{ path: 'kind', rule: 'must stay "application"' }]);
      }
      this.versionOf(namespace, changed);
    };
    const admitted = await this.admission.admit({ operation, kind: 'application', namespace, body }, check);
    return admitted === body ? sent : this.versionOf(namespace, admitted);
  }

  private versionOf(namespace: string, body: unknown): { version: Version; refs: DataRefs[] } {
    const kind = isPlainObject(body) && typeof body.kind === 'string' ? body.kind : undefined;
    const definition =
      kind === 'process' ? parseProcessApplication(body, namespace) : parseApplication(body, namespace);
    if (!isValidName(definition.metadata.name)) {
      throw new ValidationError('application', [{ path: 'metadata.name', rule: 'must be a valid name' }]);
    }
    const version = toVersion(definition, {
      id: this.ids.uniqueNanos(),
      now: this.clock.now(),
      raw: body,
      namespace,
    });
    assertInstances(definition.kind, 'spec.instance', definition.spec.instance, this.limits);
    const podSpec = definition.spec.template.spec;
    const refs = templateDataRefs(podSpec, version.kind === 'process' ? 'processes' : 'containers');
    return { version, refs };
  }
}

function compareNanos(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
