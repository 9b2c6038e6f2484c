import { createToken } from '../tokens.js';

/**
 * What a store can do. Core and the conformance suites branch on this manifest, never on `instanceof`.
 */
export interface StoreCapabilities {
  /** Data survives `close()` and reopening (and a SIGKILL once a write has been answered). */
  readonly persistent: boolean;
  /** `batch()` applies all of its operations or none of them. */
  readonly atomicBatch: boolean;
  /** `changes()` returns every change after a revision, until `compact()` drops it. */
  readonly changeFeed: boolean;
}

/** One stored object with the store revision that last wrote it. */
export interface Entry<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** The store revision of the write that last changed this key (its "mod revision"). Always ≥ 1. */
  readonly revision: number;
}

/**
 * A condition a write needs to hold, checked atomically with it. A failed condition rejects with
 * `BcsError` code `Conflict` and writes nothing.
 *  - `{ revision: n }`: the key exists and was last written at revision `n`;
 *  - `{ absent: true }`: the key does not exist.
 */
export type Precondition = { readonly revision: number } | { readonly absent: true };

/** One operation of a {@link Store.batch}. */
export type BatchOp =
  | {
      readonly type: 'put';
      readonly collection: string;
      readonly key: string;
      readonly value: unknown;
      readonly expect?: Precondition;
    }
  | {
      readonly type: 'delete';
      readonly collection: string;
      readonly key: string;
      readonly expect?: Precondition;
    };

/** One entry of the change feed. Operations of one batch share a revision and keep their batch order. */
export interface Change {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly collection: string;
  readonly key: string;
  /** The value written (puts only). */
  readonly value?: unknown;
}

/**
 * A stored row whose value cannot be read back: its stored form is not valid JSON (a torn or foreign write, a
 * disk fault). The store keeps it as it is; see {@link ListOptions.onUnreadable} and {@link Store.get}.
 */
export interface UnreadableRow {
  readonly collection: string;
  readonly key: string;
  /** Why it cannot be read (the decoding error). */
  readonly error: unknown;
}

/** Options of {@link Store.list}. Keys are compared as UTF-16 code units, ascending. */
export interface ListOptions {
  /** Only keys that start with this string. Namespaced collections use `<namespace>/` as the prefix. */
  readonly prefix?: string;
  /** Only keys strictly greater than this one: the last key of the previous page. */
  readonly after?: string;
  /** At most this many entries (a positive integer). Default: all. */
  readonly limit?: number;
  /**
   * Called once for each unreadable row in range ({@link UnreadableRow}), in key order, before `list`
   * resolves. Such a row is left out of the result and does not count toward `limit` (the page still holds up
   * to `limit` readable entries, and paging with `after` goes on past it). Without this option, `list` rejects
   * with `BcsError` code `Unreadable` at the first unreadable row, so no caller loses a row without knowing.
   */
  readonly onUnreadable?: (row: UnreadableRow) => void;
}

/** Options of {@link Store.changes}. */
export interface ChangesOptions {
  /** Only changes with a revision strictly greater than this (0 for all retained history). */
  readonly after: number;
  /**
   * At most this many changes. Default: all. A batch is never split across pages: a single batch larger than
   * `limit` comes back whole, so paging always progresses.
   */
  readonly limit?: number;
}

/** A page of the change feed. */
export interface ChangePage {
  readonly changes: readonly Change[];
  /** The store's revision when the page was read. */
  readonly revision: number;
}

/** Options of {@link Store.put} and {@link Store.delete}. */
export interface WriteOptions {
  readonly expect?: Precondition;
}

/**
 * Persistent, namespaced key-value storage with optimistic concurrency and a change feed.
 *
 * - A *collection* is a kind of object (`configmap`, `agentsetting`, …); its name is `[a-z0-9-]+`.
 * - Keys are non-empty strings; namespaced kinds use `<namespace>/<name>`.
 * - Values are JSON-compatible. A value read back equals the value written; it is never the same object.
 * - The store has one revision counter. Every write that changes something increments it by one, and all
 *   operations of one batch share the new revision. A write that changes nothing (deleting a missing key)
 *   does not increment it.
 * - Writes (`put`, `delete`, `batch`) apply in the order they are issued, also when issued concurrently without
 *   waiting: each one, its precondition included, sees the writes issued before it. An adapter may write many
 *   at once (LevelStore groups them into one batch) but keeps that order, one revision and its own change-feed
 *   entries per write, and answers each only once it is written.
 * - Absence is `undefined` (get) or `false` (delete); the caller decides whether that is an error.
 * - A row that cannot be read back ({@link UnreadableRow}) is never dropped or rewritten by the store. `get` of
 *   it rejects with `BcsError` code `Unreadable` (HTTP 500), naming the collection and key, with the decoding
 *   error as `cause`; `list` skips and reports it (see {@link ListOptions.onUnreadable}). It counts as present
 *   for writes: a put replaces it and a delete removes it (resolving `true`), while a precondition on it fails
 *   with `Conflict` (`{ absent: true }` because it exists, `{ revision }` because its revision is unknown).
 * - Operations on a store that is not open reject with `BcsError` code `StoreNotOpen`.
 * - Invalid arguments (a collection name not matching {@link COLLECTION_NAME}, an empty key, an `undefined`
 *   value, a `limit` that is not a positive integer, a negative revision) reject with code `ParameterError`.
 */
export interface Store extends AsyncDisposable {
  readonly capabilities: StoreCapabilities;
  /** `opening`, `open`, `closing` or `closed`. Operations issued while opening wait for the open. */
  readonly status: StoreStatus;

  /** Opens the store. Idempotent; resolves once it is usable. */
  open(): Promise<void>;
  /** Closes the store; pending writes finish first. Idempotent. */
  close(): Promise<void>;
  /** Same as `close()`: long-lived parts are disposable. */
  dispose(): Promise<void>;

  get<T>(collection: string, key: string): Promise<Entry<T> | undefined>;
  list<T>(collection: string, options?: ListOptions): Promise<Entry<T>[]>;
  /** Writes one value and resolves to the new store revision. */
  put<T>(collection: string, key: string, value: T, options?: WriteOptions): Promise<number>;
  /** Deletes one key; resolves `true` when it existed. */
  delete(collection: string, key: string, options?: WriteOptions): Promise<boolean>;
  /**
   * Applies all operations atomically and resolves to the new store revision (unchanged if nothing changed).
   * Operations apply in order, and each one (its precondition included) sees the effects of the earlier ones.
   */
  batch(ops: readonly BatchOp[]): Promise<number>;
  /** The current store revision (0 for a new store). */
  revision(): Promise<number>;
  /**
   * Every change after `options.after`, oldest first. If `after` is older than the retained history (see
   * `compact`), rejects with `BcsError` code `Compacted`, so a reader never silently misses changes.
   */
  changes(options: ChangesOptions): Promise<ChangePage>;
  /**
   * Drops change-feed history at or below `throughRevision` (clamped to the current revision). Objects are not
   * affected.
   */
  compact(throughRevision: number): Promise<void>;
}

export type StoreStatus = 'opening' | 'open' | 'closing' | 'closed';

export const StoreToken = createToken<Store>('Store');

/** Collection names are lowercase letters, digits and `-`. */
export const COLLECTION_NAME = /^[a-z0-9][a-z0-9-]*$/;
