import {
  type BatchOp,
  BcsError,
  type Change,
  type ChangesOptions,
  COLLECTION_NAME,
  ConflictError,
  ErrorCode,
  type ListOptions,
  type Precondition,
} from '@bcs/core';

/**
 * Argument checks shared by the in-memory store: the public entry validates, the rest trusts (style point 22).
 * Every failure is a `BcsError` with code `ParameterError`.
 */
function invalid(message: string): BcsError {
  return new BcsError(ErrorCode.ParameterError, `memory-store: ${message}`);
}

/** Throws `ParameterError` unless `collection` matches `COLLECTION_NAME` and `key` is a non-empty string. */
export function checkTarget(collection: unknown, key: unknown): void {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw invalid(`invalid collection name ${JSON.stringify(collection)}`);
  }
  if (typeof key !== 'string' || key === '') throw invalid('key must be a non-empty string');
}

/** Throws `ParameterError` for `undefined` (which JSON cannot represent) and for values `structuredClone` refuses. */
export function cloneValue<T>(value: T): T {
  if (value === undefined) throw invalid('value must not be undefined');
  try {
    return structuredClone(value);
  } catch (error) {
    throw new BcsError(ErrorCode.ParameterError, 'memory-store: value is not JSON-compatible', {
      cause: error,
    });
  }
}

/** Throws `ParameterError` unless `value` is a positive integer (or absent). */
export function checkLimit(value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw invalid('limit must be a positive integer');
  }
}

/** Throws `ParameterError` unless `value` is a non-negative integer. */
export function checkRevision(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(`${name} must be a non-negative integer`);
  }
}

/** Checks the options of `list`. */
export function checkListOptions(options: ListOptions): void {
  if (options.prefix !== undefined && typeof options.prefix !== 'string')
    throw invalid('prefix must be a string');
  if (options.after !== undefined && typeof options.after !== 'string')
    throw invalid('after must be a string');
  checkLimit(options.limit);
}

/** Checks the options of `changes`. */
export function checkChangesOptions(options: ChangesOptions): void {
  checkRevision('after', options?.after);
  checkLimit(options.limit);
}

/** Checks a precondition's shape. */
export function checkPrecondition(expect: Precondition | undefined): void {
  if (expect === undefined) return;
  if ('absent' in expect && expect.absent === true) return;
  if ('revision' in expect) {
    checkRevision('expect.revision', expect.revision);
    return;
  }
  throw invalid('expect must be { revision } or { absent: true }');
}

/** Checks every operation of a batch before any of them is applied. */
export function checkBatch(ops: readonly BatchOp[]): void {
  if (!Array.isArray(ops)) throw invalid('batch expects an array of operations');
  for (const op of ops) {
    if (op?.type !== 'put' && op?.type !== 'delete') throw invalid('batch op type must be put or delete');
    checkTarget(op.collection, op.key);
    checkPrecondition(op.expect);
    if (op.type === 'put' && op.value === undefined) throw invalid('value must not be undefined');
  }
}

/**
 * Throws `ConflictError` unless the key's current revision (`undefined` when absent) satisfies `expect`.
 * Example: `{ revision: 3 }` holds only for a key last written at revision 3; `{ absent: true }` only for a
 * missing key.
 */
export function assertPrecondition(
  expect: Precondition | undefined,
  current: number | undefined,
  where: string,
): void {
  if (expect === undefined) return;
  if ('absent' in expect) {
    if (current !== undefined) throw new ConflictError(`${where} exists (revision ${current})`);
    return;
  }
  if (current !== expect.revision) {
    throw new ConflictError(`${where} is at revision ${current ?? 'none'}, expected ${expect.revision}`);
  }
}

/**
 * Cuts a page of the change feed without splitting a batch: whole revisions are taken while they fit in
 * `limit`; a single batch larger than `limit` is returned whole so that paging always progresses.
 * Example: revisions [1, 2, 2, 2, 3] with limit 2 → [1]; then after 1 → [2, 2, 2]; then after 2 → [3].
 */
export function pageOfChanges(changes: readonly Change[], limit: number | undefined): Change[] {
  if (limit === undefined || changes.length <= limit) return [...changes];
  let end = 0;
  while (end < changes.length) {
    let next = end + 1;
    while (next < changes.length && changes[next]?.revision === changes[end]?.revision) next++;
    if (next > limit && end > 0) break;
    end = next;
    if (end >= limit) break;
  }
  return changes.slice(0, end);
}
