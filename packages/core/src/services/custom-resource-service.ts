import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Store, StoreToken } from '../ports/store.js';
import type { CustomResource, CustomResourceDefinition, CustomResourceRef } from '../resources/custom-resource.js';

/**
 * CustomResourceDefinitions and the custom resources under them (spec/api-v4.md customresourcedefinition,
 * customresource). A custom resource is accepted only under a registered CRD, at a served version, with the
 * CRD's `kind`; Namespaced CRDs need a namespace in the URL and Cluster ones refuse one.
 */
@injectable()
export class CustomResourceService {
  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(ClockToken) private readonly clock: Clock,
  ) {}

  async createDefinition(body: unknown): Promise<CustomResourceDefinition> {
    void this.store;
    void this.clock;
    void body;
    throw new Error('TODO');
  }
  async updateDefinition(name: string, body: unknown): Promise<CustomResourceDefinition> {
    void name;
    void body;
    throw new Error('TODO');
  }
  async getDefinition(name: string): Promise<CustomResourceDefinition> {
    void name;
    throw new Error('TODO');
  }
  async listDefinitions(): Promise<CustomResourceDefinition[]> {
    throw new Error('TODO');
  }
  /** Deletes the CRD and every custom resource under it, in one atomic batch. */
  async deleteDefinition(name: string): Promise<void> {
    void name;
    throw new Error('TODO');
  }

  /**
   * Resolves URL segments after `/customresources/{group}/{version}/` to a reference, using the registered
   * CRDs to tell `{ns}/{plural}[/{name}]`, `namespaces/{ns}/{plural}[/{name}]` and `{plural}[/{name}]` apart.
   * `NotFound` when no CRD of that group serves the plural at that version.
   */
  async resolve(group: string, version: string, segments: readonly string[]): Promise<CustomResourceRef> {
    void group;
    void version;
    void segments;
    throw new Error('TODO');
  }
  async create(ref: CustomResourceRef, body: unknown): Promise<CustomResource> {
    void ref;
    void body;
    throw new Error('TODO');
  }
  async update(ref: CustomResourceRef, body: unknown): Promise<CustomResource> {
    void ref;
    void body;
    throw new Error('TODO');
  }
  async get(ref: CustomResourceRef): Promise<CustomResource> {
    void ref;
    throw new Error('TODO');
  }
  /** The resources of `ref.namespace`, or of every namespace when it is undefined. */
  async list(ref: CustomResourceRef): Promise<CustomResource[]> {
    void ref;
    throw new Error('TODO');
  }
  async delete(ref: CustomResourceRef): Promise<void> {
    void ref;
    throw new Error('TODO');
  }
}
