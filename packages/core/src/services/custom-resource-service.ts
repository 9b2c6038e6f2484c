import { inject, injectable } from 'tsyringe';
import {
  AlreadyExistsError,
  ConflictError,
  ErrorCode,
  type Issue,
  isBcsError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken, silentLogger } from '../ports/logger.js';
import { type BatchOp, type Store, StoreToken, type UnreadableRow } from '../ports/store.js';
import {
  CRD_COLLECTION,
  CRD_PLURAL_COLLECTION,
  CUSTOM_RESOURCE_COLLECTION,
  type CustomResource,
  type CustomResourceDefinition,
  type CustomResourceRef,
  customResourceKey,
  customResourcePrefix,
  pluralClaimKey,
  resolveCustomResourcePath,
  toStoredDefinition,
} from '../resources/custom-resource.js';
import { rfc3339 } from '../resources/meta.js';
import { unreadableReporter } from '../store/unreadable.js';
import {
  type CustomResourceInput,
  crdImmutableIssues,
  parseCustomResource,
  parseCustomResourceDefinition,
} from '../validation/custom-resource.js';

/** How often a multi-record write is retried after a `Conflict` before the conflict is reported. */
export const CUSTOM_RESOURCE_RETRIES = 3;

/**
 * CustomResourceDefinitions and the custom resources under them (spec/api-v4.md customresourcedefinition,
 * customresource). A custom resource is accepted only under a registered CRD, at a served version, with the
 * CRD's `kind`; Namespaced CRDs need a namespace and Cluster ones refuse one. Store layout: see
 * `CRD_COLLECTION` in `resources/custom-resource.ts`.
 *
 * The original proxied these routes to Kubernetes (spec/bcs-behaviour.md §10); here they are stored like any
 * other object, with Kubernetes-like rules: unique names, plurals unique per group, group/plural/scope fixed
 * after create, and deleting a CRD deletes its resources in the same atomic batch.
 */
@injectable()
export class CustomResourceService {
  /** Logs each unreadable record once, as lists skip it. */
  private readonly onUnreadable: (row: UnreadableRow) => void;

  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(LoggerToken) logger: Logger = silentLogger,
  ) {
    this.onUnreadable = unreadableReporter(logger, 'left out of the list');
  }

  /**
   * Registers a CRD. `AlreadyExists` when the name is taken, or when another CRD of the group has the same
   * plural. Leftover resources stored under the name (see `deleteDefinition`) are removed in the same batch.
   */
  async createDefinition(body: unknown): Promise<CustomResourceDefinition> {
    const stored = toStoredDefinition(parseCustomResourceDefinition(body), rfc3339(this.clock.now()));
    const { name } = stored.metadata;
    await this.retrying(async () => {
      if ((await this.store.get(CRD_COLLECTION, name)) !== undefined) {
        throw new AlreadyExistsError(`customresourcedefinition ${name}`);
      }
      if ((await this.store.get(CRD_PLURAL_COLLECTION, pluralClaimKey(stored))) !== undefined) {
        const { group, names } = stored.spec;
        throw new AlreadyExistsError(
          `customresourcedefinition with spec.names.plural "${names.plural}" in group ${group}`,
        );
      }
      const leftovers = await this.resourcesOf(name);
      await this.store.batch([
        { type: 'put', collection: CRD_COLLECTION, key: name, value: stored, expect: { absent: true } },
        {
          type: 'put',
          collection: CRD_PLURAL_COLLECTION,
          key: pluralClaimKey(stored),
          value: { crd: name },
          expect: { absent: true },
        },
        ...leftovers.map(deleteResourceOp),
      ]);
    });
    return stored;
  }

  /**
   * Replaces a CRD. `name` (from the URL) must equal `metadata.name`; `spec.group`, `spec.names.plural` and
   * `spec.scope` cannot change; `creationTimestamp` is kept. `NotFound` when absent.
   */
  async updateDefinition(name: string, body: unknown): Promise<CustomResourceDefinition> {
    const definition = parseCustomResourceDefinition(body, name);
    let stored: CustomResourceDefinition | undefined;
    await this.retrying(async () => {
      const current = await this.store.get<CustomResourceDefinition>(CRD_COLLECTION, name);
      if (current === undefined) throw new NotFoundError(`customresourcedefinition ${name}`);
      const issues = crdImmutableIssues(current.value, definition);
      if (issues.length > 0) throw new ValidationError('customresourcedefinition', issues);
      stored = toStoredDefinition(definition, current.value.metadata.creationTimestamp);
      await this.store.put(CRD_COLLECTION, name, stored, { expect: { revision: current.revision } });
    });
    return stored!;
  }

  /** One CRD; `NotFound` when absent. */
  async getDefinition(name: string): Promise<CustomResourceDefinition> {
    const entry = await this.store.get<CustomResourceDefinition>(CRD_COLLECTION, name);
    if (entry === undefined) throw new NotFoundError(`customresourcedefinition ${name}`);
    return entry.value;
  }

  /**
   * The stored resources of CRD `name`, to delete with it: unreadable ones too (`revision` undefined, deleted
   * without a precondition), so that none is left behind.
   */
  private async resourcesOf(name: string): Promise<{ key: string; revision?: number }[]> {
    const unreadable: { key: string }[] = [];
    const entries = await this.store.list(CUSTOM_RESOURCE_COLLECTION, {
      prefix: `${name}/`,
      onUnreadable: ({ key }) => unreadable.push({ key }),
    });
    return [...entries, ...unreadable];
  }

  /** Every CRD, ordered by name. */
  async listDefinitions(): Promise<CustomResourceDefinition[]> {
    const entries = await this.store.list<CustomResourceDefinition>(CRD_COLLECTION, {
      onUnreadable: this.onUnreadable,
    });
    return entries.map((entry) => entry.value);
  }

  /**
   * Deletes the CRD, its plural claim and every custom resource under it, in one atomic batch guarded by the
   * revisions read (a resource changed meanwhile makes it conflict, and the delete is redone); `NotFound`
   * when absent. A resource whose create raced with the delete is removed again by that create (see
   * `create`).
   */
  async deleteDefinition(name: string): Promise<void> {
    await this.retrying(async () => {
      const current = await this.store.get<CustomResourceDefinition>(CRD_COLLECTION, name);
      if (current === undefined) throw new NotFoundError(`customresourcedefinition ${name}`);
      const claim = await this.store.get(CRD_PLURAL_COLLECTION, pluralClaimKey(current.value));
      const resources = await this.resourcesOf(name);
      const ops: BatchOp[] = [
        { type: 'delete', collection: CRD_COLLECTION, key: name, expect: { revision: current.revision } },
        ...(claim === undefined
          ? []
          : [
              {
                type: 'delete',
                collection: CRD_PLURAL_COLLECTION,
                key: claim.key,
                expect: { revision: claim.revision },
              } as const,
            ]),
        ...resources.map(deleteResourceOp),
      ];
      await this.store.batch(ops);
    });
  }

  /**
   * Resolves URL segments after `/customresources/{group}/{version}/` to a reference, using the registered
   * CRDs to tell `{ns}/{plural}[/{name}]`, `namespaces/{ns}/{plural}[/{name}]` and `{plural}[/{name}]` apart
   * (rules and examples: `resolveCustomResourcePath`). `NotFound` when no CRD of that group has the plural;
   * `BadParams` when the version is not served, the form does not fit the CRD's scope, or is malformed.
   */
  async resolve(group: string, version: string, segments: readonly string[]): Promise<CustomResourceRef> {
    const entries = await this.store.list<CustomResourceDefinition>(CRD_COLLECTION, {
      onUnreadable: this.onUnreadable,
    });
    const crds = entries.map((entry) => entry.value).filter((crd) => crd.spec.group === group);
    return resolveCustomResourcePath(group, version, segments, crds);
  }

  /**
   * Creates a custom resource; the namespace is the URL's (or, for a Namespaced list URL without one, the
   * body's). `AlreadyExists` when the object exists, `NotFound` when the CRD was deleted meanwhile.
   *
   * The store has no cross-key condition, so a create can land just after `deleteDefinition`'s batch. The CRD
   * is therefore read again after the write; if it is gone, the new resource is deleted and `NotFound`
   * reported. (Should the process die in between, `createDefinition` purges such leftovers.)
   */
  async create(ref: CustomResourceRef, body: unknown): Promise<CustomResource> {
    await this.definitionOf(ref);
    const definition = parseCustomResource(body, ref);
    const namespace = ref.scope === 'Cluster' ? undefined : (ref.namespace ?? definition.metadata.namespace);
    const stored = toStoredResource(definition, namespace, rfc3339(this.clock.now()));
    const key = customResourceKey(ref.crd, namespace, definition.metadata.name);
    let revision: number;
    try {
      revision = await this.store.put(CUSTOM_RESOURCE_COLLECTION, key, stored, { expect: { absent: true } });
    } catch (error) {
      if (isConflict(error)) throw new AlreadyExistsError(describe(ref, namespace, definition.metadata.name));
      throw error;
    }
    if ((await this.store.get(CRD_COLLECTION, ref.crd)) === undefined) {
      await this.store.delete(CUSTOM_RESOURCE_COLLECTION, key, { expect: { revision } }).catch(() => false);
      throw new NotFoundError(`customresourcedefinition ${ref.crd}`);
    }
    return stored;
  }

  /**
   * Replaces a custom resource, keeping its `creationTimestamp`. The URL's name, when given, must equal
   * `metadata.name`. `NotFound` when absent; `Conflict` when it changed between read and write.
   */
  async update(ref: CustomResourceRef, body: unknown): Promise<CustomResource> {
    await this.definitionOf(ref);
    const definition = parseCustomResource(body, ref);
    const namespace = ref.scope === 'Cluster' ? undefined : (ref.namespace ?? definition.metadata.namespace);
    const key = customResourceKey(ref.crd, namespace, definition.metadata.name);
    const current = await this.store.get<CustomResource>(CUSTOM_RESOURCE_COLLECTION, key);
    if (current === undefined) throw new NotFoundError(describe(ref, namespace, definition.metadata.name));
    const stored = toStoredResource(definition, namespace, current.value.metadata.creationTimestamp);
    try {
      await this.store.put(CUSTOM_RESOURCE_COLLECTION, key, stored, {
        expect: { revision: current.revision },
      });
    } catch (error) {
      if (isConflict(error)) {
        throw new ConflictError(
          `${describe(ref, namespace, definition.metadata.name)} changed concurrently; retry`,
        );
      }
      throw error;
    }
    return stored;
  }

  /** One custom resource; the reference must name it. `NotFound` when absent. */
  async get(ref: CustomResourceRef): Promise<CustomResource> {
    const key = objectKey(ref);
    const entry = await this.store.get<CustomResource>(CUSTOM_RESOURCE_COLLECTION, key);
    if (entry === undefined) throw new NotFoundError(describe(ref, ref.namespace, ref.name!));
    return entry.value;
  }

  /**
   * The resources of `ref.namespace`, or of every namespace when it is undefined (Cluster CRDs: all of them);
   * ordered by namespace, then name. `ref.name` is ignored.
   */
  async list(ref: CustomResourceRef): Promise<CustomResource[]> {
    const prefix = customResourcePrefix(ref.crd, ref.scope, ref.namespace);
    const entries = await this.store.list<CustomResource>(CUSTOM_RESOURCE_COLLECTION, {
      prefix,
      onUnreadable: this.onUnreadable,
    });
    return entries.map((entry) => entry.value);
  }

  /** Deletes one custom resource; the reference must name it. `NotFound` when absent. */
  async delete(ref: CustomResourceRef): Promise<void> {
    const existed = await this.store.delete(CUSTOM_RESOURCE_COLLECTION, objectKey(ref));
    if (!existed) throw new NotFoundError(describe(ref, ref.namespace, ref.name!));
  }

  /** The CRD a reference was resolved against; `NotFound` if it has been deleted since. */
  private async definitionOf(ref: CustomResourceRef): Promise<CustomResourceDefinition> {
    const entry = await this.store.get<CustomResourceDefinition>(CRD_COLLECTION, ref.crd);
    if (entry === undefined) throw new NotFoundError(`customresourcedefinition ${ref.crd}`);
    return entry.value;
  }

  /** Runs `attempt`, redoing it after a `Conflict` up to {@link CUSTOM_RESOURCE_RETRIES} times. */
  private async retrying(attempt: () => Promise<void>): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isConflict(error)) throw error;
        if (retry >= CUSTOM_RESOURCE_RETRIES) {
          throw new ConflictError('customresourcedefinitions changed concurrently; retry the request', {
            cause: error,
          });
        }
      }
    }
  }
}

/** The stored form of a resource: metadata stamped, namespace set (Namespaced) or removed (Cluster). */
function toStoredResource(
  definition: CustomResourceInput,
  namespace: string | undefined,
  createdAt: string,
): CustomResource {
  const { namespace: _ignored, ...metadata } = definition.metadata;
  return {
    ...definition,
    metadata: {
      ...metadata,
      ...(namespace === undefined ? {} : { namespace }),
      creationTimestamp: createdAt,
    },
  };
}

/** The key of the object a reference names. `BadParams` without a name, or Namespaced without namespace. */
function objectKey(ref: CustomResourceRef): string {
  const issues: Issue[] = [];
  if (ref.name === undefined) issues.push({ path: 'name', rule: 'is required' });
  if (ref.scope === 'Namespaced' && ref.namespace === undefined)
    issues.push({ path: 'namespace', rule: 'is required' });
  if (issues.length > 0) throw new ValidationError('customresource URL', issues, ErrorCode.BadParams);
  return customResourceKey(ref.crd, ref.scope === 'Cluster' ? undefined : ref.namespace, ref.name!);
}

function describe(ref: CustomResourceRef, namespace: string | undefined, name: string): string {
  return `${ref.plural} ${namespace === undefined ? name : `${namespace}/${name}`}`;
}

function isConflict(error: unknown): boolean {
  return isBcsError(error) && error.code === ErrorCode.Conflict;
}

/** The delete of one custom resource in a CRD's delete: guarded by its revision when it could be read. */
function deleteResourceOp(entry: { key: string; revision?: number }): BatchOp {
  const { key, revision } = entry;
  return {
    type: 'delete',
    collection: CUSTOM_RESOURCE_COLLECTION,
    key,
    ...(revision === undefined ? {} : { expect: { revision } }),
  };
}
