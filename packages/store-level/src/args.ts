import {
  type BatchOp,
  type ChangesOptions,
  COLLECTION_NAME,
  ConflictError,
  type ListOptions,
  type Precondition,
} from '@bcs/core';
import { invalidArgument } from './errors.js';

/**
 * Argument checks at the public entry of the store (style point 22); the rest of the adapter trusts its
 * input. Every failure is a `BcsError` with code `ParameterError`.
 */

/** Throws unless `collection` matches `COLLECTION_NAME` and `key` is a non-empty string. */
export function checkTarget(collection: unknown, key: unknown): void {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw invalidArgument(`invalid collection name ${JSON.stringify(collection)}`);
  }
  if (typeof key !== 'string' || key === '') throw invalidArgument('key must be a non-empty string');
}

/**
 * Serializes a value to JSON text once (it is stored in the object record and in the change feed). Throws
 * for `undefined`, functions and symbols (no JSON form), and for BigInt or cycles (`JSON.stringify` throws).
 */
export function valueJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidArgument('value is not JSON-compatible', error);
  }
  if (typeof text !== 'string') throw invalidArgument('value must be JSON-compatible (not undefined)');
  return text;
}

/** Throws unless `value` is a positive integer or absent. */
export function checkLimit(value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw invalidArgument('limit must be a positive integer');
  }
}

/** Throws unless `value` is a non-negative safe integer. */
export function checkRevision(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`${name} must be a non-negative integer`);
  }
}

/** Checks the options of `list`. */
export function checkListOptions(options: ListOptions): void {
  if (options.prefix !== undefined && typeof options.prefix !== 'string')
    throw invalidArgument('prefix must be a string');
  if (options.after !== undefined && typeof options.after !== 'string')
    throw invalidArgument('after must be a string');
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
  throw invalidArgument('expect must be { revision } or { absent: true }');
}

/** Checks every operation of a batch before any of them is applied. */
export function checkBatch(ops: readonly BatchOp[]): void {
  if (!Array.isArray(ops)) throw invalidArgument('batch expects an array of operations');
  for (const op of ops) {
    if (op?.type !== 'put' && op?.type !== 'delete')
      throw invalidArgument('batch op type must be put or delete');
    checkTarget(op.collection, op.key);
    checkPrecondition(op.expect);
  }
}

/**
 * Throws `ConflictError` unless the key's current revision (`undefined` when absent) satisfies `expect`:
 * `{ revision: 3 }` holds only for a key last written at revision 3, `{ absent: true }` only for a missing key.
 */
export function assertPrecondition(
  expect: Precondition | undefined,
  current: number | undefined,
  where: string,
): void {
  if (expect === undefined) return;
  if ('absent' in expect) {
    if (current !== undefined) throw new ConflictError(`store-level: ${where} exists (revision ${current})`);
    return;
  }
  if (current !== expect.revision) {
    throw new ConflictError(
      `store-level: ${where} is at revision ${current ?? 'none'}, expected ${expect.revision}`,
    );
  }
}
