import {
  type BatchOp,
  BcsError,
  type Change,
  type ChangePage,
  type ChangesOptions,
  type Entry,
  ErrorCode,
  type ListOptions,
  type Store,
  type StoreCapabilities,
  type StoreStatus,
  type WriteOptions,
} from '@bcs/core';
import {
  assertPrecondition,
  checkBatch,
  checkChangesOptions,
  checkListOptions,
  checkRevision,
  checkTarget,
  cloneValue,
  pageOfChanges,
} from './store-args.js';

interface Row {
  readonly value: unknown;
  readonly revision: number;
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
 * - Values are deep-copied with `structuredClone` on write and on read; a value `structuredClone` refuses
 *   (a function, say) rejects with `ParameterError`.
 * - Operations issued while the store is open run synchronously up to their first `await`, so a write
 *   issued before `close()` always completes.
 */
export function createMemoryStore(): Store {
  return new MemoryStore();
}

class MemoryStore implements Store {
  readonly capabilities = CAPABILITIES;
  #status: StoreStatus = 'open';
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #collections = new Map<string, Map<string, Row>>();
  /** Every retained change, oldest first; values are private copies. */
  #log: Change[] = [];
  #revision = 0;
  /** History at or below this revision has been compacted away. */
  #compacted = 0;

  get status(): StoreStatus {
    return this.#status;
  }

  open(): Promise<void> {
    switch (this.#status) {
      case 'open':
        return Promise.resolve();
      case 'opening':
        return this.#opening as Promise<void>;
      case 'closing':
        return (this.#closing as Promise<void>).then(() => this.open());
      case 'closed':
        this.#status = 'opening';
        // Opening completes on a later microtask so that callers can observe (and test) the `opening` state.
        this.#opening = Promise.resolve().then(() => {
          // A `close()` issued while opening wins: it has already moved the status on.
          if (this.#status === 'opening') this.#status = 'open';
          this.#opening = undefined;
        });
        return this.#opening;
    }
  }

  close(): Promise<void> {
    if (this.#status === 'closed') return Promise.resolve();
    if (this.#status === 'closing' && this.#closing) return this.#closing;
    const opening = this.#opening ?? Promise.resolve();
    this.#status = 'closing';
    this.#closing = (async () => {
      await opening;
      await Promise.allSettled([...this.#pending]);
      this.#status = 'closed';
      this.#closing = undefined;
    })();
    return this.#closing;
  }

  dispose(): Promise<void> {
    return this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get<T>(collection: string, key: string): Promise<Entry<T> | undefined> {
    return this.#run(() => {
      checkTarget(collection, key);
      const row = this.#collections.get(collection)?.get(key);
      return row === undefined
        ? undefined
        : { key, value: structuredClone(row.value) as T, revision: row.revision };
    });
  }

  list<T>(collection: string, options: ListOptions = {}): Promise<Entry<T>[]> {
    return this.#run(() => {
      checkTarget(collection, 'list');
      checkListOptions(options);
      const { prefix = '', after, limit } = options;
      const rows = this.#collections.get(collection) ?? new Map<string, Row>();
      // Default string comparison (`<`) orders by UTF-16 code units, as the port requires.
      const keys = [...rows.keys()]
        .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, limit);
      return keys.map((key) => {
        const row = rows.get(key) as Row;
        return { key, value: structuredClone(row.value) as T, revision: row.revision };
      });
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
      checkChangesOptions(options);
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
      checkRevision('throughRevision', throughRevision);
      // Compacting past the current revision would hide changes not yet written; clamp instead.
      const through = Math.min(throughRevision, this.#revision);
      if (through <= this.#compacted) return;
      this.#compacted = through;
      this.#log = this.#log.filter((change) => change.revision > through);
    });
  }

  /**
   * Applies operations in order, all or nothing: each operation sees the effects of the earlier ones, and a
   * failed precondition throws before anything is written. Returns the new revision (unchanged when nothing
   * changed).
   */
  #apply(ops: readonly BatchOp[]): number {
    checkBatch(ops);
    const staged = new Map<string, Row | undefined>();
    const changes: Change[] = [];
    const revision = this.#revision + 1;
    for (const op of ops) {
      const id = `${op.collection}\u0000${op.key}`;
      const current = staged.has(id) ? staged.get(id) : this.#collections.get(op.collection)?.get(op.key);
      assertPrecondition(op.expect, current?.revision, `${op.collection}/${op.key}`);
      if (op.type === 'put') {
        const value = cloneValue(op.value);
        staged.set(id, { value, revision });
        changes.push({ revision, type: 'put', collection: op.collection, key: op.key, value });
      } else if (current !== undefined) {
        staged.set(id, undefined);
        changes.push({ revision, type: 'delete', collection: op.collection, key: op.key });
      }
    }
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

  #rows(collection: string): Map<string, Row> {
    let rows = this.#collections.get(collection);
    if (rows === undefined) {
      rows = new Map();
      this.#collections.set(collection, rows);
    }
    return rows;
  }

  /**
   * Runs `operation` now when open (synchronously, so it cannot be overtaken by a later `close()`), after the
   * open completes when opening, and rejects with `StoreNotOpen` otherwise.
   */
  #run<R>(operation: () => R): Promise<R> {
    if (this.#status === 'open') {
      try {
        return Promise.resolve(operation());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#status === 'opening' && this.#opening) {
      // Issued while opening: runs once the open completes, even if a `close()` came in meanwhile.
      const pending = this.#opening.then(operation);
      this.#pending.add(pending);
      const forget = () => this.#pending.delete(pending);
      pending.then(forget, forget);
      return pending;
    }
    return Promise.reject(new BcsError(ErrorCode.StoreNotOpen, `memory-store: store is ${this.#status}`));
  }
}

function copyChange(change: Change): Change {
  return change.value === undefined ? { ...change } : { ...change, value: structuredClone(change.value) };
}
