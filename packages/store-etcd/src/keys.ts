import { decodeStoreKey, encodeStoreKey } from '@bcs/core';
/**
 * The etcd key layout of an EtcdStore. Everything of one scheduler cluster lives under `/bcs/<cluster-id>/`
 * (the store under `store/`; the leader election key `/bcs/<cluster-id>/leader` comes with issue 14 §2):
 *
 * ```text
 * /bcs/<cid>/store/data/<collection>/<encodeKey(key)>   → {"revision":7,"value":…}        one object
 * /bcs/<cid>/store/meta/revision                        → {"revision":7,"token":"…"}      the store revision counter
 * /bcs/<cid>/store/meta/compacted                       → "3"                             feed compacted through 3
 * /bcs/<cid>/store/meta/pending                         → {"revision":8,"state":…}        a split batch in progress
 * /bcs/<cid>/store/log/0000000000000007/00000000        → [{"type":"put",…},…]            the changes of revision 7
 * ```
 *
 * - The store revision is the store's own counter, not etcd's (etcd's revision counts every write of the whole
 *   etcd cluster, other scheduler clusters included). Every store write is one etcd transaction that compares
 *   the counter's `mod_revision` with the one it planned against, so writers on several processes serialize.
 *   `token` names the write that set it, so a transaction retried after a lost answer is recognized.
 * - Object keys are the collection and the key, encoded so that etcd's byte order (UTF-8) is the port's UTF-16
 *   code-unit order (see {@link encodeKey}); collection names are `[a-z0-9-]+`, so `/` ends them.
 * - The change feed is the `log/` records: one per store revision (part 00000000), or several parts of one
 *   revision for a batch split over several transactions. Keys are zero-padded, so key order is revision
 *   order, then part order; within a part, changes keep batch order.
 * - `meta/pending` exists only while a batch too large for one etcd transaction is being written in parts; see
 *   `split.ts`. Log records above the counter belong to such a batch and are never listed.
 */

/** Digits of the zero-padded revision in a log key (`Number.MAX_SAFE_INTEGER` has 16). */
export const REVISION_DIGITS = 16;
/** Digits of the zero-padded part number in a log key. */
export const PART_DIGITS = 8;

/** Cluster ids: letters, digits, `.`, `_` and `-` (BCS ids look like `BCS-MESOS-10001`). */
export const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Keys are stored so that the backend's UTF-8 byte order equals the port's UTF-16 order: core's
 * `encodeStoreKey` / `decodeStoreKey` (shared with the other store adapter).
 */
export const encodeKey = encodeStoreKey;
export const decodeKey = decodeStoreKey;

/** The smallest byte string greater than every string starting with `prefix` (etcd's `range_end`). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (never for our UTF-8 keys): "to the end of the keyspace".
  return Buffer.from([0]);
}

/** The keys of one store: `new StoreKeys('prod')` lays everything out under `/bcs/prod/store/`. */
export class StoreKeys {
  readonly root: string;
  readonly revision: Buffer;
  readonly compacted: Buffer;
  readonly pending: Buffer;
  readonly logPrefix: string;
  readonly dataPrefix: string;

  constructor(clusterId: string) {
    this.root = `/bcs/${clusterId}/store/`;
    this.revision = Buffer.from(`${this.root}meta/revision`);
    this.compacted = Buffer.from(`${this.root}meta/compacted`);
    this.pending = Buffer.from(`${this.root}meta/pending`);
    this.logPrefix = `${this.root}log/`;
    this.dataPrefix = `${this.root}data/`;
  }

  /** `/bcs/<cid>/store/data/<collection>/` */
  collection(collection: string): string {
    return `${this.dataPrefix}${collection}/`;
  }

  object(collection: string, key: string): Buffer {
    return Buffer.from(this.collection(collection) + encodeKey(key));
  }

  /** The store key of an object key read back, given its collection prefix's byte length. */
  keyOf(stored: Buffer, prefixBytes: number): string {
    return decodeKey(stored.subarray(prefixBytes).toString('utf8'));
  }

  /** `log/<revision>/` : the prefix of every part of one revision's log. */
  logRevision(revision: number): string {
    return `${this.logPrefix}${String(revision).padStart(REVISION_DIGITS, '0')}/`;
  }

  log(revision: number, part: number): Buffer {
    return Buffer.from(this.logRevision(revision) + String(part).padStart(PART_DIGITS, '0'));
  }

  /** The revision of a log key read back (`…/log/0000000000000007/00000000` → 7). */
  revisionOfLog(stored: Buffer): number {
    const text = stored.toString('utf8').slice(this.logPrefix.length);
    return Number(text.slice(0, REVISION_DIGITS));
  }
}

/** The stored form of an object: the store revision that last wrote it and its value. */
export interface StoredObject {
  readonly revision: number;
  readonly value: unknown;
}

/** JSON text of an object record. */
export function encodeObject(revision: number, valueJson: string): string {
  return `{"revision":${revision},"value":${valueJson}}`;
}

/** Parses an object record; throws for text that is not one (the store reports the row as unreadable). */
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

/** One change of a log record; its revision is in the key. */
export interface StoredChange {
  readonly type: 'put' | 'delete';
  readonly collection: string;
  readonly key: string;
  readonly value?: unknown;
}

/** JSON text of one change; `valueJson` is omitted for deletes. */
export function encodeChange(change: Omit<StoredChange, 'value'>, valueJson?: string): string {
  const head = `{"type":${JSON.stringify(change.type)},"collection":${JSON.stringify(change.collection)},"key":${JSON.stringify(change.key)}`;
  return valueJson === undefined ? `${head}}` : `${head},"value":${valueJson}}`;
}

/** The counter record. */
export interface StoredCounter {
  readonly revision: number;
  readonly token: string;
}

export function encodeCounter(revision: number, token: string): string {
  return JSON.stringify({ revision, token });
}

export function decodeCounter(text: string): StoredCounter {
  const record = JSON.parse(text) as Partial<StoredCounter>;
  if (!Number.isSafeInteger(record.revision) || typeof record.token !== 'string')
    throw new TypeError('not a revision counter');
  return record as StoredCounter;
}
