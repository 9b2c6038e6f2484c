import type {
  BatchOp,
  ChangePage,
  ChangesOptions,
  Entry,
  ListOptions,
  Store,
  StoreCapabilities,
  StoreStatus,
  WriteOptions,
} from '@bcs/core';
import type { AbstractBatchOperation, AbstractBatchOptions } from 'abstract-level';
import { Level } from 'level';
import {
  assertPrecondition,
  checkBatch,
  checkChangesOptions,
  checkListOptions,
  checkRevision,
  checkTarget,
  valueJson,
} from './args.js';
import { compactedError, invalidArgument, notOpenError, wrapLevelError } from './errors.js';
import { changeKey, encodeChange, encodeKey, encodeObject, MAX_OP_INDEX, META_KEYS } from './keys.js';
import { type LevelDatabase, Session } from './session.js';

/** Where the data lives: a LevelDB directory, or an abstract-level database you bring. */
export type LevelStoreOptions =
  /** A directory for LevelDB (via `level`, which is `classic-level` on Node); created if missing. */
  | { readonly location: string }
  /** Any abstract-level database, e.g. `new MemoryLevel()`; the store opens and closes it. */
  | { readonly db: LevelDatabase };

/** Tuning of {@link createLevelStore}. */
export interface LevelStoreExtraOptions {
  /**
   * `true`: every write is fsync'ed before it is answered, so it survives power loss, at a large cost in
   * throughput. Default `false`: a write is answered once LevelDB has appended it to its log with `write(2)`,
   * which survives a crash or SIGKILL of the process (the OS holds the data) but not a crash of the machine.
   */
  readonly sync?: boolean;
}

/**
 * Creates a {@link Store} on LevelDB (any abstract-level database).
 *
 * - `{ location }` opens `new Level(location)` (classic-level on Node); `{ db }` uses the database you bring.
 *   Either way the store opens the database and closes it on `close()`.
 * - The store starts opening at once (`status` is `opening`); operations issued meanwhile wait for it. Await
 *   `open()` to learn whether opening worked: it rejects with `StoreNotOpen` (cause: Level's error, for
 *   example `LEVEL_LOCKED` when another process holds the directory).
 * - Capabilities: `persistent` is the database's `supports.permanence` (true for classic-level, false for
 *   memory-level), `atomicBatch` and `changeFeed` are true.
 * - Every write (put, delete, batch) is one atomic Level `batch()` holding the objects, the change-feed
 *   entries and the new revision counter (layout in `keys.ts`). Writes are serialized in-process, so
 *   precondition checks and revision assignment are atomic; reads go straight to Level.
 * - Missing or invalid options throw `BcsError` code `ParameterError` here, not later.
 */
export function createLevelStore(options: LevelStoreOptions, extra: LevelStoreExtraOptions = {}): Store {
  const db = databaseFrom(options);
  if (extra?.sync !== undefined && typeof extra.sync !== 'boolean')
    throw invalidArgument('sync must be a boolean');
  const store = new LevelStore(db, extra.sync === true);
  // Open eagerly, as abstract-level does; a failure is reported by open() and by every operation.
  store.open().catch(() => undefined);
  return store;
}

function databaseFrom(options: LevelStoreOptions): LevelDatabase {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('options { location } or { db } required');
  const hasLocation = 'location' in options;
  const hasDb = 'db' in options;
  if (hasLocation === hasDb) throw invalidArgument('pass exactly one of options.location and options.db');
  if (hasLocation) {
    if (typeof options.location !== 'string' || options.location === '') {
      throw invalidArgument('options.location must be a non-empty directory path');
    }
    return new Level<string, string>(options.location);
  }
  const db = options.db as Partial<LevelDatabase> | null;
  if (typeof db?.open !== 'function' || typeof db.batch !== 'function' || typeof db.sublevel !== 'function') {
    throw invalidArgument('options.db must be an abstract-level database');
  }
  return options.db;
}

class LevelStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly #db: LevelDatabase;
  /** classic-level's `sync` option; abstract-level's types do not list implementation options. */
  readonly #batchOptions: AbstractBatchOptions<string, string>;
  #status: StoreStatus = 'closed';
  #session: Session | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Operations accepted but not finished; `close()` waits for them. */
  readonly #pending = new Set<Promise<unknown>>();
  /** The tail of the write queue: a promise-chain mutex that never rejects. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(db: LevelDatabase, sync: boolean) {
    this.#db = db;
    this.#batchOptions = { sync } as AbstractBatchOptions<string, string>;
    this.capabilities = Object.freeze({
      persistent: db.supports?.permanence === true,
      atomicBatch: true,
      changeFeed: true,
    });
  }

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
        this.#opening = this.#doOpen();
        return this.#opening;
    }
  }

  async #doOpen(): Promise<void> {
    try {
      await this.#db.open();
      this.#session = await Session.load(this.#db);
      // A close() issued while opening has already moved the status on.
      if (this.#status === 'opening') this.#status = 'open';
    } catch (error) {
      this.#status = 'closed';
      throw wrapLevelError('open', error);
    } finally {
      this.#opening = undefined;
    }
  }

  close(): Promise<void> {
    if (this.#status === 'closed') return Promise.resolve();
    if (this.#status === 'closing') return this.#closing as Promise<void>;
    const opening = this.#opening;
    this.#status = 'closing';
    this.#closing = (async () => {
      try {
        await opening?.catch(() => undefined);
        while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
        await this.#db.close();
      } catch (error) {
        throw wrapLevelError('close', error);
      } finally {
        this.#status = 'closed';
        this.#session = undefined;
        this.#closing = undefined;
      }
    })();
    return this.#closing;
  }

  dispose(): Promise<void> {
    return this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async get<T>(collection: string, key: string): Promise<Entry<T> | undefined> {
    checkTarget(collection, key);
    return this.#run('get', async (session) => {
      const stored = await session.read(collection, key);
      return stored === undefined ? undefined : { key, value: stored.value as T, revision: stored.revision };
    });
  }

  async list<T>(collection: string, options: ListOptions = {}): Promise<Entry<T>[]> {
    checkTarget(collection, 'list');
    checkListOptions(options);
    return this.#run('list', async (session) => {
      const rows = await session.scan(collection, options.prefix ?? '', options.after, options.limit);
      return rows.map(([key, stored]) => ({ key, value: stored.value as T, revision: stored.revision }));
    });
  }

  async put<T>(collection: string, key: string, value: T, options: WriteOptions = {}): Promise<number> {
    return this.batch([{ type: 'put', collection, key, value, ...options }]);
  }

  async delete(collection: string, key: string, options: WriteOptions = {}): Promise<boolean> {
    const ops: BatchOp[] = [{ type: 'delete', collection, key, ...options }];
    checkBatch(ops);
    return this.#run('delete', (session) =>
      this.#exclusive(async () => (await this.#apply(session, ops)).changed),
    );
  }

  async batch(ops: readonly BatchOp[]): Promise<number> {
    checkBatch(ops);
    if (ops.length > MAX_OP_INDEX + 1)
      throw invalidArgument(`a batch holds at most ${MAX_OP_INDEX + 1} operations`);
    const values = ops.map((op) => (op.type === 'put' ? valueJson(op.value) : undefined));
    return this.#run('batch', (session) =>
      this.#exclusive(async () => (await this.#apply(session, ops, values)).revision),
    );
  }

  async revision(): Promise<number> {
    return this.#run('revision', async (session) => session.revision);
  }

  async changes(options: ChangesOptions): Promise<ChangePage> {
    checkChangesOptions(options);
    return this.#run('changes', async (session) => {
      const { after, limit } = options;
      if (after < session.compacted) throw compactedError(after, session.compacted);
      // Read up to the revision known now; a write in flight is not yet counted and not yet listed.
      const revision = session.revision;
      const changes = await session.readChanges(after, revision, limit);
      // A compact() that ran meanwhile may have removed part of the range: report it rather than a gap.
      if (after < session.compacted) throw compactedError(after, session.compacted);
      return { changes, revision };
    });
  }

  async compact(throughRevision: number): Promise<void> {
    checkRevision('throughRevision', throughRevision);
    return this.#run('compact', (session) =>
      this.#exclusive(async () => {
        // Compacting past the current revision would hide changes not yet written; clamp instead.
        const through = Math.min(throughRevision, session.revision);
        if (through <= session.compacted) return;
        // The marker first: entries at or below it are never read again, even if the clear below is cut short.
        const marker = {
          type: 'put',
          sublevel: session.meta,
          key: META_KEYS.compacted,
          value: String(through),
        } as const;
        await this.#db.batch([marker], this.#batchOptions);
        session.compacted = through;
        await session.changes.clear({ lt: changeKey(through + 1, 0) });
      }),
    );
  }

  /**
   * Applies checked operations in order as one Level batch: each operation (and its precondition) sees the
   * earlier ones; a failed precondition throws before anything is written. `values` holds the JSON text of
   * each put (computed once; `delete()` passes none).
   */
  async #apply(
    session: Session,
    ops: readonly BatchOp[],
    values: readonly (string | undefined)[] = [],
  ): Promise<{ revision: number; changed: boolean }> {
    const revision = session.revision + 1;
    const staged = new Map<string, number | undefined>();
    const writes: AbstractBatchOperation<LevelDatabase, string, string>[] = [];
    let index = 0;
    for (const [i, op] of ops.entries()) {
      const id = `${op.collection}\u0000${op.key}`;
      const sublevel = session.collection(op.collection);
      const key = encodeKey(op.key);
      // A put without a precondition does not need the current record.
      const needsCurrent = op.expect !== undefined || op.type === 'delete';
      const current = !needsCurrent
        ? undefined
        : staged.has(id)
          ? staged.get(id)
          : (await session.read(op.collection, op.key))?.revision;
      assertPrecondition(op.expect, current, `${op.collection}/${op.key}`);
      if (op.type === 'put') {
        const json = values[i] as string;
        staged.set(id, revision);
        writes.push({ type: 'put', sublevel, key, value: encodeObject(revision, json) });
        writes.push({
          type: 'put',
          sublevel: session.changes,
          key: changeKey(revision, index++),
          value: encodeChange(op, json),
        });
      } else if (current !== undefined) {
        staged.set(id, undefined);
        writes.push({ type: 'del', sublevel, key });
        writes.push({
          type: 'put',
          sublevel: session.changes,
          key: changeKey(revision, index++),
          value: encodeChange(op),
        });
      }
    }
    if (index === 0) return { revision: session.revision, changed: false };
    writes.push({ type: 'put', sublevel: session.meta, key: META_KEYS.revision, value: String(revision) });
    await this.#db.batch(writes, this.#batchOptions);
    session.revision = revision;
    return { revision, changed: true };
  }

  /** Runs `task` after every write queued before it (the in-process write mutex). */
  #exclusive<R>(task: () => Promise<R>): Promise<R> {
    const result = this.#writes.then(task);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `operation` now when open, after the open when opening (even if `close()` follows), and rejects
   * with `StoreNotOpen` otherwise. Tracks it so that `close()` waits; wraps Level errors as `action failed`.
   */
  #run<R>(action: string, operation: (session: Session) => Promise<R>): Promise<R> {
    let started: Promise<R>;
    if (this.#status === 'open') started = operation(this.#session as Session);
    else if (this.#status === 'opening' && this.#opening) {
      started = this.#opening.then(() => operation(this.#session as Session));
    } else return Promise.reject(notOpenError(this.#status));
    const result = started.catch((error: unknown) => {
      throw wrapLevelError(action, error);
    });
    this.#pending.add(result);
    const forget = () => this.#pending.delete(result);
    result.then(forget, forget);
    return result;
  }
}
