import {
  type BatchOp,
  BcsError,
  type Change,
  type ChangePage,
  type ChangesOptions,
  type Entry,
  ErrorCode,
  type ListOptions,
  planBatch,
  type Store,
  type StoreCapabilities,
  StoreLifecycle,
  type StoreStatus,
  storeArgs,
  UNREADABLE_REVISION,
  type WriteOptions,
} from '@bcs/core';

interface Row {
  readonly value: unknown;
  readonly revision: number;
  /** Set on a row planted by `plantUnreadable`: why it cannot be read. */
  readonly unreadable?: Error;
}

/** The memory fake: a {@link Store}, plus a way to plant what a real store can hold but never writes itself. */
export interface MemoryStore extends Store {
  /**
   * Plants an unreadable row under `collection`/`key` (replacing what is there), as a torn or foreign write
   * leaves one on disk: `get` of it rejects with `Unreadable`, `list` skips and reports it, a put or delete
   * replaces or removes it (ports/store.ts). The store revision and change feed are untouched, as a foreign
   * write would leave them.
   */
  plantUnreadable(collection: string, key: string): void;
}

const CAPABILITIES: StoreCapabilities = Object.freeze({
  persistent: false,
  atomicBatch: true,
  changeFeed: true,
});

/**
 * Creates the in-memory {@link Store} fake: the reference implementation of the Store port, used by core's
 * tests and by `storeConformance`'s self-test.
 *
 * - Capabilities: `{ persistent: false, atomicBatch: true, changeFeed: true }`.
 * - A new store starts `open`; no `open()` call is needed.
 * - `close()` makes every operation reject with `BcsError` code `StoreNotOpen`; `open()` reopens it with its
 *   data, revision counter and change feed kept (they live as long as the object does).
 * - Arguments are checked by core's `storeArgs`, as in every adapter. Values are deep-copied with
 *   `structuredClone` on write and on read; a value with no JSON form, or one `structuredClone` refuses (a
 *   function-valued field, say), rejects with `ParameterError`.
 * - Operations issued while the store is open run synchronously up to their first `await`, so a write
 *   issued before `close()` always completes.
 */
export function createMemoryStore(): MemoryStore {
  return new MemoryStoreImpl();
}

class MemoryStoreImpl implements MemoryStore {
  readonly capabilities = CAPABILITIES;
  /** Opening and closing hold no resource: the data lives as long as the object does. */
  readonly #lifecycle = new StoreLifecycle(
    {
      // Opening completes on a later microtask, so callers can observe (and test) the `opening` state.
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
      notOpen: (status) => new BcsError(ErrorCode.StoreNotOpen, `memory-store: store is ${status}`),
    },
    'open',
  );
  readonly #collections = new Map<string, Map<string, Row>>();
  /** Every retained change, oldest first; values are private copies. */
  #log: Change[] = [];
  #revision = 0;
  /** History at or below this revision has been compacted away. */
  #compacted = 0;

  get status(): StoreStatus {
    return this.#lifecycle.status;
  }

  open(): Promise<void> {
    return this.#lifecycle.open();
  }

  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  dispose(): Promise<void> {
    return this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get<T>(collection: string, key: string): Promise<Entry<T> | undefined> {
    return this.#run(() => {
      storeArgs.checkTarget(collection, key);
      const row = this.#collections.get(collection)?.get(key);
      if (row?.unreadable !== undefined)
        throw storeArgs.unreadableError('memory-store', collection, key, row.unreadable);
      return row === undefined
        ? undefined
        : { key, value: structuredClone(row.value) as T, revision: row.revision };
    });
  }

  list<T>(collection: string, options: ListOptions = {}): Promise<Entry<T>[]> {
    return this.#run(() => {
      storeArgs.checkTarget(collection, 'list');
      storeArgs.checkListOptions(options);
      const { prefix = '', after, limit, onUnreadable } = options;
      const rows = this.#collections.get(collection) ?? new Map<string, Row>();
      // Default string comparison (`<`) orders by UTF-16 code units, as the port requires.
      const keys = [...rows.keys()]
        .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const entries: Entry<T>[] = [];
      for (const key of keys) {
        if (limit !== undefined && entries.length >= limit) break;
        const row = rows.get(key) as Row;
        if (row.unreadable === undefined) {
          entries.push({ key, value: structuredClone(row.value) as T, revision: row.revision });
        } else if (onUnreadable === undefined) {
          throw storeArgs.unreadableError('memory-store', collection, key, row.unreadable);
        } else {
          onUnreadable({ collection, key, error: row.unreadable });
        }
      }
      return entries;
    });
  }

  put<T>(collection: string, key: string, value: T, options: WriteOptions = {}): Promise<number> {
    return this.#run(() => this.#apply([{ type: 'put', collection, key, value, ...options }]));
  }

  delete(collection: string, key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.#run(() => {
      const before = this.#revision;
      return this.#apply([{ type: 'delete', collection, key, ...options }]) !== before;
    });
  }

  batch(ops: readonly BatchOp[]): Promise<number> {
    return this.#run(() => this.#apply(ops));
  }

  revision(): Promise<number> {
    return this.#run(() => this.#revision);
  }

  changes(options: ChangesOptions): Promise<ChangePage> {
    return this.#run(() => {
      storeArgs.checkChangesOptions(options);
      if (options.after < this.#compacted) {
        throw new BcsError(
          ErrorCode.Compacted,
          `memory-store: changes after ${options.after} are compacted (through ${this.#compacted})`,
        );
      }
      const first = this.#log.findIndex((change) => change.revision > options.after);
      const tail = first === -1 ? [] : this.#log.slice(first);
      return { changes: pageOfChanges(tail, options.limit).map(copyChange), revision: this.#revision };
    });
  }

  compact(throughRevision: number): Promise<void> {
    return this.#run(() => {
      storeArgs.checkRevision('throughRevision', throughRevision);
      // Compacting past the current revision would hide changes not yet written; clamp instead.
      const through = Math.min(throughRevision, this.#revision);
      if (through <= this.#compacted) return;
      this.#compacted = through;
      this.#log = this.#log.filter((change) => change.revision > through);
    });
  }

  /**
   * Applies operations as `planBatch` decides, all or nothing: in order, each (and its precondition) seeing the
   * earlier ones, and nothing written when a check or a precondition fails. Returns the new revision
   * (unchanged when nothing changed).
   */
  #apply(ops: readonly BatchOp[]): number {
    storeArgs.checkBatch(ops);
    const revision = this.#revision + 1;
    const planned = planBatch(ops, revision, (collection, key) => {
      const row = this.#collections.get(collection)?.get(key);
      return row?.unreadable === undefined ? row?.revision : UNREADABLE_REVISION;
    });
    // Copy every value before changing anything: a value `structuredClone` refuses fails the whole batch.
    const changes = planned.map(
      ({ op }): Change =>
        op.type === 'put'
          ? { revision, type: 'put', collection: op.collection, key: op.key, value: cloneValue(op.value) }
          : { revision, type: 'delete', collection: op.collection, key: op.key },
    );
    if (changes.length === 0) return this.#revision;
    for (const change of changes) {
      const rows = this.#rows(change.collection);
      if (change.type === 'put') rows.set(change.key, { value: change.value, revision });
      else rows.delete(change.key);
    }
    this.#log.push(...changes);
    this.#revision = revision;
    return revision;
  }

  plantUnreadable(collection: string, key: string): void {
    storeArgs.checkTarget(collection, key);
    const error = new SyntaxError('memory-store: planted unreadable row');
    this.#rows(collection).set(key, { value: undefined, revision: 0, unreadable: error });
  }

  #rows(collection: string): Map<string, Row> {
    let rows = this.#collections.get(collection);
    if (rows === undefined) {
      rows = new Map();
      this.#collections.set(collection, rows);
    }
    return rows;
  }

  /**
   * Runs `operation` as the lifecycle allows: now when open (synchronously, so it cannot be overtaken by a later
   * `close()`), after the open completes when opening, and with `StoreNotOpen` otherwise.
   */
  #run<R>(operation: () => R): Promise<R> {
    return this.#lifecycle.run(operation);
  }
}

function copyChange(change: Change): Change {
  return change.value === undefined ? { ...change } : { ...change, value: structuredClone(change.value) };
}

/**
 * A private copy of a value the store-args checks accepted. `structuredClone` also refuses what JSON would
 * silently drop deep inside (a function-valued field, say): `ParameterError`, as for the checks.
 */
function cloneValue<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch (error) {
    throw new BcsError(ErrorCode.ParameterError, 'memory-store: value is not JSON-compatible', {
      cause: error,
    });
  }
}

/**
 * Cuts a page of the change feed without splitting a batch: whole revisions are taken while they fit in
 * `limit`; a single batch larger than `limit` is returned whole so that paging always progresses.
 * Example: revisions [1, 2, 2, 2, 3] with limit 2 → [1]; then after 1 → [2, 2, 2]; then after 2 → [3].
 */
function pageOfChanges(changes: readonly Change[], limit: number | undefined): Change[] {
  if (limit === undefined || changes.length <= limit) return [...changes];
  let end = 0;
  while (end < changes.length) {
    let next = end + 1;
    while (next < changes.length && changes[next]?.revision === changes[end]?.revision) next++;
    if (next > limit && end > 0) break;
    end = next;
    if (end >= limit) break;
  }
  return changes.slice(0, end);
}
