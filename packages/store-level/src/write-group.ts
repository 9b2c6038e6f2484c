import type { BatchOp } from '@bcs/core';
import { needsStoredRevision, planBatch } from '@bcs/core';
import type { AbstractBatchOperation, AbstractBatchOptions } from 'abstract-level';
import { changeKey, encodeChange, encodeKey, encodeObject, META_KEYS } from './keys.js';
import type { LevelDatabase, Session } from './session.js';

/** What one write of a group comes to: its revision, and whether it changed anything. */
export interface WriteResult {
  /** The revision the write was stamped with; when it changed nothing, the store's revision at its turn. */
  readonly revision: number;
  readonly changed: boolean;
}

/** One write (a put, delete or batch, checked) waiting for its group to be written. */
export interface QueuedWrite {
  readonly ops: readonly BatchOp[];
  /** The JSON text of each put, from `checkBatch` (`undefined` for deletes). */
  readonly values: readonly (string | undefined)[];
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

/** The Level operations of a group and each write's outcome, in queue order. */
export interface GroupPlan {
  /** One Level batch for the whole group; empty when no write changes anything. */
  readonly operations: AbstractBatchOperation<LevelDatabase, string, string>[];
  /** The store revision once the batch is written. */
  readonly revision: number;
  /** Per write: its result, or the error it fails with (a failed precondition); nothing of it is written. */
  readonly outcomes: readonly (WriteResult | { readonly error: unknown })[];
}

/**
 * Operations a group holds at most (summed over its writes; a single larger write forms a group of its own), so
 * a burst of writes never turns into one huge Level batch that holds every caller up.
 */
export const MAX_GROUP_OPS = 10_000;

/**
 * Takes the writes of the next group off the front of `queue`: in order, while their operations add up to at
 * most {@link MAX_GROUP_OPS}, and always at least one.
 */
export function takeGroup(queue: QueuedWrite[]): QueuedWrite[] {
  let count = 0;
  let size = 0;
  while (count < queue.length) {
    const ops = (queue[count] as QueuedWrite).ops.length;
    if (count > 0 && size + ops > MAX_GROUP_OPS) break;
    size += ops;
    count++;
  }
  return queue.splice(0, count);
}

/** The read-ahead map's key for a (collection, key) pair; a collection name never holds NUL. */
export function idOf(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

/**
 * The stored revision of every key `planBatch` will ask about for any write of `group` (`needsStoredRevision`),
 * read ahead because Level reads are asynchronous and planning is not: one `getMany` per collection. Absent keys
 * map to `undefined`.
 */
export async function readRevisions(
  session: Session,
  group: readonly QueuedWrite[],
): Promise<Map<string, number | undefined>> {
  const wanted = new Map<string, Set<string>>();
  for (const { ops } of group) {
    for (const op of ops) {
      if (!needsStoredRevision(op)) continue;
      const keys = wanted.get(op.collection) ?? new Set<string>();
      keys.add(op.key);
      wanted.set(op.collection, keys);
    }
  }
  const stored = new Map<string, number | undefined>();
  await Promise.all(
    [...wanted].map(async ([collection, keys]) => {
      const list = [...keys];
      const revisions = await session.revisionsOf(collection, list);
      for (const [index, key] of list.entries()) stored.set(idOf(collection, key), revisions[index]);
    }),
  );
  return stored;
}

/**
 * Plans a group of writes as ONE Level batch, exactly as if each had been written alone in queue order (group
 * commit): each write is planned by `planBatch` against the stored revisions (`stored`, from
 * {@link readRevisions}) overlaid with what the earlier writes of the group change, so a create-if-absent after
 * a create of the same key fails as it would have. Each write that changes something is stamped with the next
 * revision and gets its own change-feed entries (`changeKey(revision, index)`); a write whose precondition
 * fails is left out whole (its outcome is the `ConflictError`) and takes no revision; one that changes nothing
 * keeps the revision it found. The batch ends with the new `!meta!revision`.
 *
 * Example: at revision 7, the group [put a, put b expect absent (b exists), delete c (absent), put d] becomes
 * put a @8, put d @9 and revision 9; the outcomes are {8, changed}, Conflict, {8, unchanged}, {9, changed}.
 */
export function planGroup(
  session: Session,
  group: readonly QueuedWrite[],
  stored: ReadonlyMap<string, number | undefined>,
): GroupPlan {
  let revision = session.revision;
  /** Keys the group has changed so far: their revision after a put, `undefined` after a delete. */
  const overlay = new Map<string, number | undefined>();
  const lookup = (collection: string, key: string): number | undefined => {
    const id = idOf(collection, key);
    return overlay.has(id) ? overlay.get(id) : stored.get(id);
  };
  const operations: AbstractBatchOperation<LevelDatabase, string, string>[] = [];
  const outcomes: GroupPlan['outcomes'][number][] = [];
  for (const { ops, values } of group) {
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
    revision++;
    for (const [seq, { op, index }] of planned.entries()) {
      const json = values[index];
      operations.push(
        session.entry(
          session.collection(op.collection),
          encodeKey(op.key),
          op.type === 'put' ? encodeObject(revision, json as string) : undefined,
        ),
      );
      operations.push(session.entry(session.changes, changeKey(revision, seq), encodeChange(op, json)));
      overlay.set(idOf(op.collection, op.key), op.type === 'put' ? revision : undefined);
    }
    outcomes.push({ revision, changed: true });
  }
  if (operations.length > 0) {
    operations.push(session.entry(session.meta, META_KEYS.revision, String(revision)));
  }
  return { operations, revision, outcomes };
}

/**
 * Writes `operations` as ONE atomic Level batch with `options`, through a chained batch: each operation goes to
 * the database's write batch as it is added, instead of an array that abstract-level clones, checks and
 * re-encodes operation by operation and classic-level then reads back property by property (about half the
 * CPU of a 400-operation batch in a rollout step, issue 11 §6). Same atomicity and `sync` as `db.batch(ops)`.
 */
export async function writeBatch(
  db: LevelDatabase,
  operations: readonly AbstractBatchOperation<LevelDatabase, string, string>[],
  options: AbstractBatchOptions<string, string>,
): Promise<void> {
  const batch = db.batch();
  try {
    for (const op of operations) {
      const sublevel = op.sublevel;
      if (sublevel == null) {
        if (op.type === 'put') batch.put(op.key, op.value);
        else batch.del(op.key);
      } else if (op.type === 'put') batch.put(op.key, op.value, { sublevel });
      else batch.del(op.key, { sublevel });
    }
  } catch (error) {
    await batch.close();
    throw error;
  }
  await batch.write(options);
}
