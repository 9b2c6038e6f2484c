import { BcsError, ErrorCode } from '@bcs/core';
import type { IKeyValue, IRequestOp } from 'etcd3';
import {
  createdAt,
  deleteOp,
  deletePrefixOp,
  type KV,
  modIs,
  putOp,
  rangePage,
  successor,
  txn,
} from './etcd-io.js';
import {
  decodeCounter,
  encodeCounter,
  encodeObject,
  prefixEnd,
  type StoredChange,
  type StoreKeys,
} from './keys.js';
import { costOf, type NetObject, objectOps, type TxnLimits } from './plan.js';

/*
 * A batch too large for one etcd transaction (over `--max-txn-ops` operations or the request size) is written
 * in parts under an intent record, `meta/pending`, so that a crash between parts leaves a state that the next
 * writer, or the next open, completes or rolls back:
 *
 *   1. log      `pending` = {revision N, state "logging"} and the first log part, compared against the counter
 *               the batch was planned on (and no other pending batch); then the other log parts.
 *   2. applying `pending` → state "applying": from here on the batch is decided; the log holds all of it.
 *   3. apply    the objects, in transactions of at most the limits.
 *   4. commit   the counter → N, `pending` deleted.
 *
 * Every part after the first compares `pending`'s create revision with the one the first part made, so a part
 * never lands after someone else finished or rolled back the batch. Recovery (`recoverPending`):
 *   - state "logging": roll back: delete the batch's log parts and `pending`. No object was touched; the
 *     batch was never answered, and the counter never moved.
 *   - state "applying": roll forward: read the log back, write every object's final state (again: puts and
 *     deletes of final values are idempotent), then the commit of step 4.
 * Readers never list log records above the counter, so the feed shows the batch only once it is committed. While
 * the objects are being applied (step 3), a reader that finds `pending` in state "applying" reads at the etcd
 * revision of that mark, before any object of the batch (etcd keeps that history until it is compacted), so
 * every reader sees the state before the batch until it commits, then all of it (an EtcdStore in this process
 * also holds its own reads back until its batch is committed).
 */

/** Where a split batch is: the fault hook receives this before each part after the first. */
export interface SplitPart {
  readonly phase: 'log' | 'decide' | 'apply' | 'commit';
  /** The part's index within its phase. */
  readonly index: number;
}

/** The intent record of a split batch. */
interface PendingRecord {
  readonly revision: number;
  readonly token: string;
  readonly state: 'logging' | 'applying';
}

/** Packs items into chunks of at most `maxOps` items and (unless a single item is larger) `maxBytes` bytes. */
function chunk<T>(items: readonly T[], size: (item: T) => number, maxOps: number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const cost = size(item);
    if (current.length > 0 && (current.length >= maxOps || bytes + cost > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The error of a split batch that someone else rolled back (it was not applied). */
function overtaken(revision: number): BcsError {
  return new BcsError(
    ErrorCode.Conflict,
    `store-etcd: the batch for revision ${revision} was rolled back by another process before it committed`,
  );
}

/** Everything a split batch needs. */
export interface SplitContext {
  readonly kv: KV;
  readonly keys: StoreKeys;
  readonly limits: TxnLimits;
  /** Called before each part after the first; a throw stops the batch there, as a crash would. */
  readonly beforePart: (part: SplitPart) => void | Promise<void>;
}

/**
 * Writes one batch at revision `revision` in parts (see the top of this file). `counterMod` is the counter's
 * mod revision the batch was planned on. Resolves `true` once committed, `false` when the first part's compare
 * failed (the state changed: the caller plans again); rejects when a later part fails, the pending record
 * staying for recovery.
 */
export async function writeSplit(
  context: SplitContext,
  revision: number,
  token: string,
  counterMod: string,
  changes: readonly string[],
  objects: ReadonlyMap<string, NetObject>,
): Promise<boolean> {
  const { kv, keys, limits, beforePart } = context;
  // Log parts: room for `pending` in the first transaction.
  const logChunks = chunk(
    changes,
    (text) => Buffer.byteLength(text) + 1,
    Number.POSITIVE_INFINITY,
    limits.maxBytes,
  );
  const logOps = logChunks.map((part, index) => putOp(keys.log(revision, index), `[${part.join(',')}]`));
  const pending = (state: PendingRecord['state']): string => JSON.stringify({ revision, token, state });
  const first = await txn(
    kv,
    [modIs(keys.revision, counterMod), createdAt(keys.pending, 0)],
    [putOp(keys.pending, pending('logging')), logOps[0] as IRequestOp],
  );
  if (!first.succeeded) return false;
  const created = first.header.revision;
  const guarded = async (part: SplitPart, ops: IRequestOp[]): Promise<void> => {
    await beforePart(part);
    const response = await txn(kv, [createdAt(keys.pending, created)], ops);
    if (!response.succeeded) {
      if (await committedBy(kv, keys, token)) throw new CommittedElsewhere();
      throw overtaken(revision);
    }
  };
  try {
    for (let index = 1; index < logOps.length; index++)
      await guarded({ phase: 'log', index }, [logOps[index] as IRequestOp]);
    await guarded({ phase: 'decide', index: 0 }, [putOp(keys.pending, pending('applying'))]);
    const parts = chunk(
      [...objects.values()],
      (o) => costOf(o.key, o.record),
      limits.maxOps,
      limits.maxBytes,
    );
    for (const [index, part] of parts.entries()) await guarded({ phase: 'apply', index }, objectOps(part));
    await guarded({ phase: 'commit', index: 0 }, [
      putOp(keys.revision, encodeCounter(revision, token)),
      deleteOp(keys.pending),
    ]);
  } catch (error) {
    // Another writer rolled it forward: it is committed all the same.
    if (error instanceof CommittedElsewhere) return true;
    throw error;
  }
  return true;
}

class CommittedElsewhere extends Error {}

/** Whether the counter was last set by the write `token`. */
export async function committedBy(kv: KV, keys: StoreKeys, token: string): Promise<boolean> {
  const response = await kv.range({ key: keys.revision });
  const kvs = response.kvs[0];
  if (kvs === undefined) return false;
  try {
    return decodeCounter(kvs.value.toString('utf8')).token === token;
  } catch {
    return false;
  }
}

/**
 * Completes or rolls back the split batch whose intent record is `pendingKv` (see the top of this file).
 * Resolves once `pending` is gone (whoever removed it); a failure to reach etcd rejects.
 */
export async function recoverPending(
  kv: KV,
  keys: StoreKeys,
  limits: TxnLimits,
  pendingKv: IKeyValue,
): Promise<void> {
  const created = pendingKv.create_revision;
  let record: PendingRecord;
  try {
    record = JSON.parse(pendingKv.value.toString('utf8')) as PendingRecord;
  } catch {
    // Not ours to interpret (never written by this store): leave it and let the writer fail loudly.
    throw new BcsError(ErrorCode.Internal, `store-etcd: unreadable pending-batch record under ${keys.root}`);
  }
  const logPrefix = Buffer.from(keys.logRevision(record.revision));
  const guard = [createdAt(keys.pending, created)];
  if (record.state !== 'applying') {
    await txn(kv, guard, [deletePrefixOp(logPrefix), deleteOp(keys.pending)]);
    return;
  }
  // Read the whole log of the batch back, at one etcd revision.
  const changes: StoredChange[] = [];
  let from: Buffer = logPrefix;
  let at: string | number = 0;
  for (;;) {
    const page = await rangePage(kv, from, prefixEnd(logPrefix), 64, at);
    at = page.header.revision;
    for (const kvs of page.kvs) changes.push(...(JSON.parse(kvs.value.toString('utf8')) as StoredChange[]));
    const last = page.kvs.at(-1);
    if (!page.more || last === undefined) break;
    from = successor(last.key);
  }
  const objects = new Map<string, NetObject>();
  for (const change of changes) {
    const key = keys.object(change.collection, change.key);
    objects.set(key.toString('latin1'), {
      key,
      record: change.type === 'put' ? encodeObject(record.revision, JSON.stringify(change.value)) : undefined,
    });
  }
  const parts = chunk([...objects.values()], (o) => costOf(o.key, o.record), limits.maxOps, limits.maxBytes);
  for (const part of parts) {
    const response = await txn(kv, guard, objectOps(part));
    if (!response.succeeded) return;
  }
  await txn(kv, guard, [
    putOp(keys.revision, encodeCounter(record.revision, record.token)),
    deleteOp(keys.pending),
  ]);
}
