import {
  type BatchOp,
  type ChangePage,
  type ChangesOptions,
  type Entry,
  type ListOptions,
  type Store,
  type StoreCapabilities,
  StoreLifecycle,
  type StoreStatus,
  storeArgs,
  type WriteOptions,
} from '@bcs/core';
import type { AbstractBatchOptions } from 'abstract-level';
import { Level } from 'level';
import { compactedError, invalidArgument, notOpenError, wrapLevelError } from './errors.js';
import { changeKey, MAX_OP_INDEX, META_KEYS } from './keys.js';
import { createPrivateDirectory, restrictPermissions } from './permissions.js';
import { type LevelDatabase, Session } from './session.js';
import {
  type GroupPlan,
  planGroup,
  type QueuedWrite,
  readRevisions,
  takeGroup,
  type WriteResult,
  writeBatch,
} from './write-group.js';

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
 * - Every write (put, delete, batch) is part of one atomic Level `batch()` holding the objects, the change-feed
 *   entries and the new revision counter (layout in `keys.ts`). Writes issued while another is being written
 *   are grouped into the next such batch (group commit: one LevelDB round trip for many writers), each with
 *   its own revision and change-feed entries, in issue order, each seeing the ones before it; each writer is
 *   answered once the batch is written. Groups are serialized in-process, so precondition checks and revision
 *   assignment are atomic; reads go straight to Level and never wait for writes.
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
  /** The tail of the write mutex (groups and compactions, one at a time): a promise chain that never rejects. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Writes waiting for their group, in arrival order. */
  readonly #queued: QueuedWrite[] = [];
  /** Whether the writing of the next group is queued on the mutex (see `#scheduleGroup`). */
  #groupScheduled = false;

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
    return this.#run('delete', async (session) => (await this.#write(session, ops, values)).changed);
  }

  async batch(ops: readonly BatchOp[]): Promise<number> {
    const values = storeArgs.checkBatch(ops);
    if (ops.length > MAX_OP_INDEX + 1)
      throw invalidArgument(`a batch holds at most ${MAX_OP_INDEX + 1} operations`);
    return this.#run('batch', async (session) => (await this.#write(session, ops, values)).revision);
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
    return this.#run('compact', async (session) => {
      const range = await this.#exclusive(async () => {
        // Compacting past the current revision would hide changes not yet written; clamp instead.
        const through = Math.min(throughRevision, session.revision);
        if (through <= session.compacted) return undefined;
        // The marker first: entries at or below it are never read again, even if the clear below is cut short.
        const marker = {
          type: 'put',
          sublevel: session.meta,
          key: META_KEYS.compacted,
          value: String(through),
        } as const;
        await this.#db.batch([marker], this.#batchOptions);
        session.compacted = through;
        return { from: session.clearedBelow, through };
      });
      if (range === undefined) return;
      // Outside the write queue: writes only add entries above the marker, readers never look at or below it.
      // From where the last clear of this session ended, so a compact every second costs what was written
      // since the last one, not a walk over the tombstones of every entry ever cleared.
      await session.changes.clear({ gte: changeKey(range.from, 0), lt: changeKey(range.through + 1, 0) });
      session.clearedBelow = Math.max(session.clearedBelow, range.through + 1);
    });
  }

  /**
   * Queues a checked write and resolves once it is written (group commit). Writes queued while a group is being
   * written form the next group: ONE Level batch, planned in queue order by `planGroup` so each write sees the
   * ones before it, with the same `sync` option. Every writer of a group is answered only after that batch is
   * written, so an answered write survives a SIGKILL exactly as a write on its own did.
   */
  #write(
    session: Session,
    ops: readonly BatchOp[],
    values: readonly (string | undefined)[],
  ): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ ops, values, resolve, reject });
      this.#scheduleGroup(session);
    });
  }

  /** Queues the writing of the next group behind the write mutex, unless one is queued already. */
  #scheduleGroup(session: Session): void {
    if (this.#groupScheduled || this.#queued.length === 0) return;
    this.#groupScheduled = true;
    void this.#exclusive(() => this.#commitGroup(session));
  }

  /** Writes the queued writes (up to `MAX_GROUP_OPS` operations) as one Level batch and answers each. */
  async #commitGroup(session: Session): Promise<void> {
    this.#groupScheduled = false;
    const group = takeGroup(this.#queued);
    // What is left over (a group is capped) goes next; writes queued meanwhile join it.
    this.#scheduleGroup(session);
    let plan: GroupPlan;
    try {
      plan = planGroup(session, group, await readRevisions(session, group));
      if (plan.operations.length > 0) {
        await writeBatch(this.#db, plan.operations, this.#batchOptions);
        session.revision = plan.revision;
      }
    } catch (error) {
      // Nothing of the group was written (a Level batch is atomic): every write of it fails.
      for (const write of group) write.reject(error);
      return;
    }
    for (const [index, write] of group.entries()) {
      const outcome = plan.outcomes[index] as GroupPlan['outcomes'][number];
      if ('error' in outcome) write.reject(outcome.error);
      else write.resolve(outcome);
    }
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
