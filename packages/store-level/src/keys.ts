import { decodeStoreKey, encodeStoreKey } from '@bcs/core';
/**
 * The LevelDB key layout of a LevelStore. One database holds one store; `!` is abstract-level's sublevel
 * separator, so the fully qualified keys are:
 *
 * ```text
 * !objects!!<collection>!<encodeKey(key)>   → {"revision":7,"value":…}        one sublevel per collection
 * !meta!revision                            → "7"                             the store revision counter
 * !meta!compacted                           → "3"                             change feed compacted through 3
 * !changes!0000000000000007.00000000        → {"type":"put","collection":…,"key":…,"value":…}
 * !changes!0000000000000007.00000001        → {"type":"delete","collection":…,"key":…}
 * ```
 *
 * - Collections live one level down, under `objects`, so a collection named `meta` or `changes` cannot collide
 *   with the bookkeeping sublevels. Collection names (`[a-z0-9-]+`) are valid sublevel names: ASCII, and all
 *   after the `!` separator.
 * - Change keys are the zero-padded revision (16 digits: `Number.MAX_SAFE_INTEGER` has 16) and the index of
 *   the operation within its batch (8 digits), so lexicographic key order is revision order, then batch order.
 * - Values are JSON text. An object value that is not `{"revision":n,"value":…}` JSON (a foreign or torn write)
 *   is an unreadable row (ports/store.ts): `get` rejects with `Unreadable`, `list` skips and reports it, and it is
 *   never rewritten except by a put or delete of its key.
 * - Every write (put, delete or batch) is part of one atomic `batch()` holding the object operations, the change
 *   entries and the new `!meta!revision`; writes issued together share one (group commit, `write-group.ts`),
 *   each with its own revision.
 * - Entries at or below `!meta!compacted` may linger briefly after `compact()` (the marker is written first,
 *   then the range is cleared); readers never look below the marker.
 */

/** The names of the three top-level sublevels. */
export const SUBLEVELS = { objects: 'objects', meta: 'meta', changes: 'changes' } as const;

/** The keys inside the `meta` sublevel. */
export const META_KEYS = { revision: 'revision', compacted: 'compacted' } as const;

/** Digits of the zero-padded revision in a change key. */
export const REVISION_DIGITS = 16;
/** Digits of the zero-padded operation index in a change key; a batch holds at most 10^8 operations. */
export const INDEX_DIGITS = 8;
/** The largest operation index a change key can hold. */
export const MAX_OP_INDEX = 10 ** INDEX_DIGITS - 1;

/**
 * Keys are stored so that the backend's UTF-8 byte order equals the port's UTF-16 order: core's
 * `encodeStoreKey` / `decodeStoreKey` (shared with the other store adapter).
 */
export const encodeKey = encodeStoreKey;
export const decodeKey = decodeStoreKey;

/**
 * An exclusive upper bound for encoded keys that start with `encodedPrefix`: the prefix followed by U+10FFFF,
 * which sorts above every character `encodeKey` produces (at most U+127FF). `''` has no bound (`undefined`).
 */
export function prefixUpperBound(encodedPrefix: string): string | undefined {
  return encodedPrefix === '' ? undefined : `${encodedPrefix}\u{10FFFF}`;
}

/**
 * The key of operation `index` of the write at `revision`: `changeKey(7, 1)` → `'0000000000000007.00000001'`.
 * Throws `RangeError` outside 0 ≤ revision ≤ `Number.MAX_SAFE_INTEGER` or 0 ≤ index ≤ {@link MAX_OP_INDEX}.
 */
export function changeKey(revision: number, index: number): string {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`invalid revision ${revision}`);
  if (!Number.isInteger(index) || index < 0 || index > MAX_OP_INDEX)
    throw new RangeError(`invalid index ${index}`);
  return `${String(revision).padStart(REVISION_DIGITS, '0')}.${String(index).padStart(INDEX_DIGITS, '0')}`;
}

/** Reverses {@link changeKey}: `'0000000000000007.00000001'` → `{ revision: 7, index: 1 }`. */
export function parseChangeKey(key: string): { revision: number; index: number } {
  const match = /^(\d{16})\.(\d{8})$/.exec(key);
  if (match === null) throw new RangeError(`not a change key: ${JSON.stringify(key)}`);
  return { revision: Number(match[1]), index: Number(match[2]) };
}

/** The stored form of an object: the revision that last wrote it and its value. */
export interface StoredObject {
  readonly revision: number;
  readonly value: unknown;
}

/** The stored form of a change; its revision and batch position are in the key. */
export interface StoredChange {
  readonly type: 'put' | 'delete';
  readonly collection: string;
  readonly key: string;
  readonly value?: unknown;
}

/** JSON text of an object record: `encodeObject(7, '{"a":1}')` → `'{"revision":7,"value":{"a":1}}'`. */
export function encodeObject(revision: number, valueJson: string): string {
  return `{"revision":${revision},"value":${valueJson}}`;
}

/**
 * Parses an object record written by {@link encodeObject}. Throws (`SyntaxError` or `TypeError`) for text that
 * is not one: not JSON, or JSON without a revision ≥ 1 and a value. The store reports such a row as unreadable.
 */
export function decodeObject(text: string): StoredObject {
  const record = JSON.parse(text) as Partial<StoredObject> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    !Number.isSafeInteger(record.revision) ||
    (record.revision as number) < 1 ||
    !('value' in record)
  ) {
    throw new TypeError('not an object record: {"revision":…,"value":…} expected');
  }
  return record as StoredObject;
}

/** JSON text of a change record; `valueJson` is omitted for deletes. */
export function encodeChange(change: Omit<StoredChange, 'value'>, valueJson?: string): string {
  const head = `{"type":${JSON.stringify(change.type)},"collection":${JSON.stringify(change.collection)},"key":${JSON.stringify(change.key)}`;
  return valueJson === undefined ? `${head}}` : `${head},"value":${valueJson}}`;
}

/** Parses a change record written by {@link encodeChange}. */
export function decodeChange(text: string): StoredChange {
  return JSON.parse(text) as StoredChange;
}
