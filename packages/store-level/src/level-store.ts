import {
  type BatchOp,
  type ChangePage,
  type ChangesOptions,
  type Entry,
  type ListOptions,
  needsStoredRevision,
  planBatch,
  type Store,
  type StoreCapabilities,
  StoreLifecycle,
  type StoreStatus,
  storeArgs,
  type WriteOptions,
} from '@bcs/core';
import type { AbstractBatchOperation, AbstractBatchOptions } from 'abstract-level';
import { Level } from 'level';
import { compactedError, invalidArgument, notOpenError, wrapLevelError } from './errors.js';
import { changeKey, encodeChange, encodeKey, encodeObject, MAX_OP_INDEX, META_KEYS } from './keys.js';
import { createPrivateDirectory, restrictPermissions } from './permissions.js';
import { type LevelDatabase, Session } from './session.js';

/** Where the data lives: a LevelDB directory, or an abstract-level database you bring. */
export type LevelStoreOptions =
  /**
   * A directory for LevelDB (via `level`, which is `classic-level` on Node); created if missing. The directory
   * is made 0700 and its files 0600 on open and on close, whatever the umask.
   */
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
  const location = 'location' in options ? options.location : undefined;
  const store = new LevelStore(db, extra.sync === true, location);
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
  /** The open/close state machine; it opens the database and loads a session, and closes the database. */
  readonly #lifecycle: StoreLifecycle;
  #session: Session | undefined;
  /** The tail of the write queue: a promise-chain mutex that never rejects. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(db: LevelDatabase, sync: boolean, location: string | undefined) {
    this.#db = db;
    this.#batchOptions = { sync } as AbstractBatchOptions<string, string>;
    this.capabilities = Object.freeze({
      persistent: db.supports?.permanence === true,
      atomicBatch: true,
      changeFeed: true,
    });
    this.#lifecycle = new StoreLifecycle({
      open: async () => {
        try {
          if (location !== undefined) await createPrivateDirectory(location);
          await this.#db.open();
          if (location !== undefined) {
            // A directory we may not chmod (not ours) is a failure to open: do not leave it open.
            await restrictPermissions(location).catch(async (error: unknown) => {
              await this.#db.close().catch(() => undefined);
              throw error;
            });
          }
          this.#session = await Session.load(this.#db);
        } catch (error) {
          throw wrapLevelError('open', error);
        }
      },
      close: async () => {
        try {
          await this.#db.close();
          if (location !== undefined) await restrictPermissions(location);
        } catch (error) {
          throw wrapLevelError('close', error);
        } finally {
          this.#session = undefined;
        }
      },
      notOpen: notOpenError,
    });
  }

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

  async get<T>(collection: string, key: string): Promise<Entry<T> | undefined> {
    storeArgs.checkTarget(collection, key);
    return this.#run('get', async (session) => {
      const stored = await session.read(collection, key);
      return stored === undefined ? undefined : { key, value: stored.value as T, revision: stored.revision };
    });
  }

  async list<T>(collection: string, options: ListOptions = {}): Promise<Entry<T>[]> {
    storeArgs.checkTarget(collection, 'list');
    storeArgs.checkListOptions(options);
    return this.#run('list', async (session) => {
      const { prefix = '', after, limit, onUnreadable } = options;
      const rows = await session.scan(collection, prefix, after, limit, onUnreadable);
      return rows.map(([key, stored]) => ({ key, value: stored.value as T, revision: stored.revision }));
    });
  }

  async put<T>(collection: string, key: string, value: T, options: WriteOptions = {}): Promise<number> {
    return this.batch([{ type: 'put', collection, key, value, ...options }]);
  }

  async delete(collection: string, key: string, options: WriteOptions = {}): Promise<boolean> {
    const ops: BatchOp[] = [{ type: 'delete', collection, key, ...options }];
    const values = storeArgs.checkBatch(ops);
    return this.#run('delete', (session) =>
      this.#exclusive(async () => (await this.#apply(session, ops, values)).changed),
    );
  }

  async batch(ops: readonly BatchOp[]): Promise<number> {
    const values = storeArgs.checkBatch(ops);
    if (ops.length > MAX_OP_INDEX + 1)
      throw invalidArgument(`a batch holds at most ${MAX_OP_INDEX + 1} operations`);
    return this.#run('batch', (session) =>
      this.#exclusive(async () => (await this.#apply(session, ops, values)).revision),
    );
  }

  async revision(): Promise<number> {
    return this.#run('revision', async (session) => session.revision);
  }

  async changes(options: ChangesOptions): Promise<ChangePage> {
    storeArgs.checkChangesOptions(options);
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
    storeArgs.checkRevision('throughRevision', throughRevision);
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
   * Applies checked operations as one Level batch, as `planBatch` decides: in order, each (and its
   * precondition) seeing the earlier ones, and nothing written when a precondition fails. `values` holds the
   * JSON text of each put, from `checkBatch`.
   */
  async #apply(
    session: Session,
    ops: readonly BatchOp[],
    values: readonly (string | undefined)[],
  ): Promise<{ revision: number; changed: boolean }> {
    const revision = session.revision + 1;
    const stored = await readRevisions(session, ops);
    const planned = planBatch(ops, revision, (collection, key) => stored.get(idOf(collection, key)));
    if (planned.length === 0) return { revision: session.revision, changed: false };
    const writes: AbstractBatchOperation<LevelDatabase, string, string>[] = [];
    for (const [seq, { op, index }] of planned.entries()) {
      const sublevel = session.collection(op.collection);
      const key = encodeKey(op.key);
      const json = values[index];
      writes.push(
        op.type === 'put'
          ? { type: 'put', sublevel, key, value: encodeObject(revision, json as string) }
          : { type: 'del', sublevel, key },
      );
      writes.push({
        type: 'put',
        sublevel: session.changes,
        key: changeKey(revision, seq),
        value: encodeChange(op, json),
      });
    }
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
   * Runs `operation` on the session as the lifecycle allows (now when open, after the open when opening,
   * `StoreNotOpen` otherwise; `close()` waits for it) and wraps Level errors as `store-level: <action> failed`.
   */
  #run<R>(action: string, operation: (session: Session) => Promise<R>): Promise<R> {
    return this.#lifecycle
      .run(() => operation(this.#session as Session))
      .catch((error: unknown) => {
        throw wrapLevelError(action, error);
      });
  }
}

/** The read-ahead map's key for a (collection, key) pair; a collection name never holds NUL. */
function idOf(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

/**
 * The stored revision of every key `planBatch` will ask about (`needsStoredRevision`), read ahead because
 * Level reads are asynchronous and the plan is not. Absent keys map to `undefined`.
 */
async function readRevisions(
  session: Session,
  ops: readonly BatchOp[],
): Promise<Map<string, number | undefined>> {
  const wanted = new Map(ops.filter(needsStoredRevision).map((op) => [idOf(op.collection, op.key), op]));
  const entries = await Promise.all(
    [...wanted].map(async ([id, op]) => [id, await session.revisionOf(op.collection, op.key)] as const),
  );
  return new Map(entries);
}
