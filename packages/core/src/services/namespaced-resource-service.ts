import { AlreadyExistsError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { Store, UnreadableRow } from '../ports/store.js';
import type { NamespacedKind } from '../resources/kind.js';
import {
  namespacedKey,
  namespacePrefix,
  type ObjectMeta,
  type ObjectMetaInput,
  rfc3339,
  stampMeta,
} from '../resources/meta.js';
import { unreadableReporter } from '../store/unreadable.js';
import { nameIssues, namespaceIssues } from '../validation/rules.js';

/** Options of a delete. */
export interface DeleteOptions {
  /** Delete even what is in use (configmaps and secrets that applications reference). */
  readonly force?: boolean;
}

/** A stored namespaced object: its definition with stamped metadata. */
export type Stored<D extends { metadata: ObjectMetaInput }> = Omit<D, 'metadata'> & { metadata: ObjectMeta };

/**
 * Create, update, delete, get and list for one declarative namespaced kind. Validation happens here, at the
 * public entry, so every transport gets the same rules; nothing is written unless all of them pass.
 *
 * - create: 409 `AlreadyExists` if `<ns>/<name>` exists (checked atomically by the store);
 * - update: full replace, keeps `creationTimestamp`; 404 `NotFound` if absent;
 * - delete: 404 `NotFound` if absent (the original succeeded silently, spec/bcs-behaviour.md §1.6).
 * - a stored record that cannot be read back (store code `Unreadable`): left out of lists with an error log
 *   line (once per record), 500 `Unreadable` on get and update; a delete removes it.
 */
export class NamespacedResourceService<D extends { metadata: ObjectMetaInput }> {
  /** Logs each unreadable record once, as lists skip it. */
  private readonly onUnreadable: (row: UnreadableRow) => void;

  constructor(
    protected readonly kind: NamespacedKind<D>,
    protected readonly store: Store,
    protected readonly clock: Clock,
    logger: Logger = silentLogger,
  ) {
    this.onUnreadable = unreadableReporter(logger, 'left out of the list');
  }

  /** Validates `body` for the URL's namespace (and name, when the route has one). Throws `ValidationError`. */
  validate(namespace: string, body: unknown, urlName?: string): D {
    const definition = this.kind.validator.parse(body) as D;
    const issues = [
      ...namespaceIssues(definition.metadata, namespace),
      ...(urlName === undefined ? [] : nameIssues(definition.metadata, urlName)),
      ...(this.kind.rules?.(definition) ?? []),
    ];
    if (issues.length > 0) throw new ValidationError(this.kind.kind, issues);
    return definition;
  }

  async create(namespace: string, body: unknown): Promise<Stored<D>> {
    const definition = this.validate(namespace, body);
    const stored = this.stamp(definition, namespace, rfc3339(this.clock.now()));
    const key = namespacedKey(namespace, definition.metadata.name);
    try {
      await this.store.put(this.kind.collection, key, stored, { expect: { absent: true } });
    } catch (error) {
      if (error instanceof ConflictError)
        throw new AlreadyExistsError(this.describe(namespace, definition.metadata.name));
      throw error;
    }
    return stored;
  }

  async update(namespace: string, body: unknown, urlName?: string): Promise<Stored<D>> {
    const definition = this.validate(namespace, body, urlName);
    const key = namespacedKey(namespace, definition.metadata.name);
    const current = await this.store.get<Stored<D>>(this.kind.collection, key);
    if (current === undefined) throw new NotFoundError(this.describe(namespace, definition.metadata.name));
    const stored = this.stamp(definition, namespace, current.value.metadata.creationTimestamp);
    try {
      await this.store.put(this.kind.collection, key, stored, { expect: { revision: current.revision } });
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new ConflictError(
          `${this.describe(namespace, definition.metadata.name)} changed concurrently; retry`,
        );
      }
      throw error;
    }
    return stored;
  }

  async delete(namespace: string, name: string, _options: DeleteOptions = {}): Promise<void> {
    const existed = await this.store.delete(this.kind.collection, namespacedKey(namespace, name));
    if (!existed) throw new NotFoundError(this.describe(namespace, name));
  }

  async get(namespace: string, name: string): Promise<Stored<D>> {
    const entry = await this.store.get<Stored<D>>(this.kind.collection, namespacedKey(namespace, name));
    if (entry === undefined) throw new NotFoundError(this.describe(namespace, name));
    return entry.value;
  }

  /** Every object of the namespace, ordered by name. */
  async list(namespace: string): Promise<Stored<D>[]> {
    const entries = await this.store.list<Stored<D>>(this.kind.collection, {
      prefix: namespacePrefix(namespace),
      onUnreadable: this.onUnreadable,
    });
    return entries.map((entry) => entry.value);
  }

  /** Every object of every namespace, ordered by namespace then name. */
  async listAll(): Promise<Stored<D>[]> {
    const entries = await this.store.list<Stored<D>>(this.kind.collection, {
      onUnreadable: this.onUnreadable,
    });
    return entries.map((entry) => entry.value);
  }

  protected stamp(definition: D, namespace: string, createdAt: string): Stored<D> {
    return { ...definition, metadata: stampMeta(definition.metadata, namespace, createdAt) } as Stored<D>;
  }

  protected describe(namespace: string, name: string): string {
    return `${this.kind.kind} ${namespace}/${name}`;
  }
}
