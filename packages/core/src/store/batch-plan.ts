import { ConflictError } from '../errors.js';
import type { BatchOp, Precondition } from '../ports/store.js';

/** What `planBatch`'s `stored` lookup answers for a row that exists but cannot be read (no revision matches it). */
export const UNREADABLE_REVISION = -1;

/** An operation of a batch that changes something, with its position in the batch. */
export interface PlannedOp {
  readonly op: BatchOp;
  /** The operation's index in the batch (to find, say, the value serialized for it by `checkBatch`). */
  readonly index: number;
}

/**
 * Decides what a checked batch changes, following the Store port's rules (ports/store.ts `batch`): operations
 * apply in order, and each one, its precondition included, sees the effects of the earlier ones. A put always
 * writes; a delete writes only when its key exists at that point. Nothing is written by this function; the
 * adapter applies the result as one atomic write, stamped with one new revision.
 *
 * `revision` is the revision the batch will be stamped with (the store's current one + 1); a key put earlier in
 * the batch is at it. `stored(collection, key)` is a key's revision before the batch (`undefined` when absent,
 * {@link UNREADABLE_REVISION} for a row that exists but cannot be read: it counts as present, so a delete removes
 * it and `{ absent: true }` fails, and no `{ revision }` precondition matches it).
 * It is asked only for a key no earlier operation of the batch has changed, and only for an operation that
 * {@link needsStoredRevision}, so an adapter that reads ahead needs only those keys.
 *
 * Throws `ConflictError` at the first failed precondition, so a failed batch writes nothing. Returns the
 * operations that change something, in batch order; an empty list means the batch changes nothing and the
 * revision stays. Example: on a store holding only `a`, `[delete b, put a, delete a]` → `[put a, delete a]`
 * (indices 1 and 2).
 */
export function planBatch(
  ops: readonly BatchOp[],
  revision: number,
  stored: (collection: string, key: string) => number | undefined,
): PlannedOp[] {
  /** Keys written earlier in this batch: `revision` after a put, `undefined` after a delete. */
  const staged = new Map<string, number | undefined>();
  const planned: PlannedOp[] = [];
  for (const [index, op] of ops.entries()) {
    const id = `${op.collection}\u0000${op.key}`;
    const current = !needsStoredRevision(op)
      ? undefined
      : staged.has(id)
        ? staged.get(id)
        : stored(op.collection, op.key);
    assertPrecondition(op.expect, current, `${op.collection}/${op.key}`);
    if (op.type === 'put') {
      staged.set(id, revision);
      planned.push({ op, index });
    } else if (current !== undefined) {
      staged.set(id, undefined);
      planned.push({ op, index });
    }
  }
  return planned;
}

/**
 * True when {@link planBatch} needs the key's current revision for `op`: for a delete (which changes nothing
 * when the key is absent) or an operation with a precondition. A put without one writes whatever is there.
 */
export function needsStoredRevision(op: BatchOp): boolean {
  return op.type === 'delete' || op.expect !== undefined;
}

/**
 * Throws `ConflictError` unless the key's current revision (`undefined` when absent) satisfies `expect`.
 * Example: `{ revision: 3 }` holds only for a key last written at revision 3; `{ absent: true }` only for a
 * missing key. `where` names the key in the message (`configmap/ns/a`).
 */
function assertPrecondition(
  expect: Precondition | undefined,
  current: number | undefined,
  where: string,
): void {
  if (expect === undefined) return;
  const at = current === UNREADABLE_REVISION ? 'an unreadable record' : `revision ${current ?? 'none'}`;
  if ('absent' in expect) {
    if (current !== undefined) throw new ConflictError(`${where} exists (${at})`);
    return;
  }
  if (current !== expect.revision) {
    throw new ConflictError(`${where} is at ${at}, expected ${expect.revision}`);
  }
}
