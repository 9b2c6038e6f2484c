import { type BatchOp, needsStoredRevision, planBatch } from '@bcs/core';
import type { IRequestOp } from 'etcd3';
import { deleteOp, putOp } from './etcd-io.js';
import { encodeChange, encodeObject, type StoreKeys } from './keys.js';

/** What one write comes to: its revision, and whether it changed anything. */
export interface WriteResult {
  /** The revision the write was stamped with; when it changed nothing, the store's revision at its turn. */
  readonly revision: number;
  readonly changed: boolean;
}

/** One write (a put, delete or batch, checked) waiting for its group. */
export interface QueuedWrite {
  readonly ops: readonly BatchOp[];
  /** The JSON text of each put, from `checkBatch` (`undefined` for deletes). */
  readonly values: readonly (string | undefined)[];
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

/** etcd's limits on one transaction, as the store respects them. */
export interface TxnLimits {
  /** Operations in one transaction's success branch (etcd `--max-txn-ops`, default 128). */
  readonly maxOps: number;
  /** Bytes of keys and values in one transaction (etcd `--max-request-bytes` is 1.5 MiB; keep a margin). */
  readonly maxBytes: number;
}

/** The final state of one object after a group (or a split batch): the last write of it wins. */
export interface NetObject {
  readonly key: Buffer;
  /** The object record's JSON text; `undefined` for a delete. */
  readonly record: string | undefined;
}

/** The etcd operations of a group of writes and each write's outcome, in queue order. */
export interface GroupPlan {
  /** How many writes of the group the plan covers (the rest go back to the queue, in order). */
  readonly taken: number;
  /** The store revision once the plan is written. */
  readonly revision: number;
  /** Per covered write: its result, or the error it fails with (a failed precondition). */
  readonly outcomes: (WriteResult | { readonly error: unknown })[];
  /** The objects the group leaves changed, one per key, in first-write order. */
  readonly objects: Map<string, NetObject>;
  /** The log records: key and JSON text (one per revision of a group that fits one transaction). */
  readonly logs: { key: Buffer; text: string }[];
  /** Bytes of keys and values of objects and logs. */
  readonly bytes: number;
  /**
   * Set when the group is a single write too large for one transaction: its changes in batch order, to be
   * written as a split batch (`split.ts`); `objects` and `logs` are then unused.
   */
  readonly oversize?: {
    readonly changes: readonly string[];
    readonly objects: ReadonlyMap<string, NetObject>;
  };
}

/** The read-ahead map's key for a (collection, key) pair; a collection name never holds NUL. */
export function idOf(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

/** Every (collection, key) some write of `group` needs the stored revision of (`needsStoredRevision`). */
export function keysToRead(group: readonly QueuedWrite[]): { collection: string; key: string }[] {
  const seen = new Map<string, { collection: string; key: string }>();
  for (const { ops } of group) {
    for (const op of ops) {
      if (needsStoredRevision(op))
        seen.set(idOf(op.collection, op.key), { collection: op.collection, key: op.key });
    }
  }
  return [...seen.values()];
}

/** The etcd operations writing `objects`. */
export function objectOps(objects: Iterable<NetObject>): IRequestOp[] {
  const ops: IRequestOp[] = [];
  for (const object of objects)
    ops.push(object.record === undefined ? deleteOp(object.key) : putOp(object.key, object.record));
  return ops;
}

/** Bytes a change or object adds to a transaction: key and value, plus a little for the framing. */
export function costOf(key: Buffer, text: string | undefined): number {
  return key.length + (text === undefined ? 0 : Buffer.byteLength(text)) + 16;
}

/**
 * Plans writes of `group` as ONE etcd transaction, exactly as if each had been written alone in queue order
 * (group commit), the way store-level's `planGroup` does: each write is planned by `planBatch` against the
 * stored revisions (`stored`) overlaid with what earlier writes of the group changed; a write that changes
 * something takes the next revision and one log record; a failed precondition leaves the write out whole.
 *
 * etcd refuses a transaction over its limits, and writes one key at most once per transaction, so:
 * - objects are netted per key (the last write wins; the log keeps every change);
 * - the plan stops before the write that would take the transaction over `limits` (`taken` tells how many
 *   writes it covers; the rest form the next group);
 * - a first write that alone exceeds them comes back as `oversize`, for the split protocol.
 */
export function planGroup(
  keys: StoreKeys,
  baseRevision: number,
  group: readonly QueuedWrite[],
  stored: ReadonlyMap<string, number | undefined>,
  limits: TxnLimits,
): GroupPlan {
  let revision = baseRevision;
  const overlay = new Map<string, number | undefined>();
  const lookup = (collection: string, key: string): number | undefined => {
    const id = idOf(collection, key);
    return overlay.has(id) ? overlay.get(id) : stored.get(id);
  };
  const objects = new Map<string, NetObject>();
  const logs: { key: Buffer; text: string }[] = [];
  const outcomes: GroupPlan['outcomes'] = [];
  // The counter's put is one operation of every transaction.
  let opCount = 1;
  let bytes = 0;
  for (const [position, { ops, values }] of group.entries()) {
    let planned: ReturnType<typeof planBatch>;
    try {
      planned = planBatch(ops, revision + 1, lookup);
    } catch (error) {
      outcomes.push({ error });
      continue;
    }
    if (planned.length === 0) {
      outcomes.push({ revision, changed: false });
      continue;
    }
    const next = revision + 1;
    const changes: string[] = [];
    const mine = new Map<string, NetObject>();
    let myBytes = 0;
    for (const { op, index } of planned) {
      const json = values[index];
      changes.push(encodeChange(op, json));
      const key = keys.object(op.collection, op.key);
      const record = op.type === 'put' ? encodeObject(next, json as string) : undefined;
      mine.set(idOf(op.collection, op.key), { key, record });
      myBytes += costOf(key, record) + Buffer.byteLength(changes.at(-1) as string);
    }
    const logText = `[${changes.join(',')}]`;
    const logKey = keys.log(next, 0);
    myBytes += logKey.length;
    const newObjects = [...mine.keys()].filter((id) => !objects.has(id)).length;
    const fits = opCount + newObjects + 1 <= limits.maxOps && bytes + myBytes <= limits.maxBytes;
    if (!fits) {
      if (position > 0) return { taken: position, revision, outcomes, objects, logs, bytes };
      // The first write alone is over the limits: it is written in parts (split.ts).
      return {
        taken: 1,
        revision: next,
        outcomes: [{ revision: next, changed: true }],
        objects: new Map(),
        logs: [],
        bytes: 0,
        oversize: { changes, objects: mine },
      };
    }
    revision = next;
    for (const [id, object] of mine) objects.set(id, object);
    for (const { op } of planned)
      overlay.set(idOf(op.collection, op.key), op.type === 'put' ? revision : undefined);
    logs.push({ key: logKey, text: logText });
    opCount += newObjects + 1;
    bytes += myBytes;
    outcomes.push({ revision, changed: true });
  }
  return { taken: group.length, revision, outcomes, objects, logs, bytes };
}
