import { BcsError, ErrorCode } from '../errors.js';
import {
  type BatchOp,
  type ChangesOptions,
  COLLECTION_NAME,
  type ListOptions,
  type Precondition,
} from '../ports/store.js';

/*
 * The argument checks of the Store port (ports/store.ts), shared so that every adapter refuses exactly the same
 * calls. An adapter runs them at its public entry and trusts its input afterwards (style point 22; Level's
 * abstract-level checks in `put` before calling `_put`). Every failure is a `BcsError` with code
 * `ParameterError` and a message naming the argument; these are not foreign errors, so adapters pass them on
 * unwrapped.
 */

function invalid(message: string, cause?: unknown): BcsError {
  return new BcsError(ErrorCode.ParameterError, message, cause === undefined ? {} : { cause });
}

/** Throws unless `collection` matches `COLLECTION_NAME` and `key` is a non-empty string. */
export function checkTarget(collection: unknown, key: unknown): void {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw invalid(`invalid collection name ${JSON.stringify(collection)}`);
  }
  if (typeof key !== 'string' || key === '') throw invalid('key must be a non-empty string');
}

/**
 * Serializes a value to JSON text, the form every adapter can store. Throws for `undefined`, a function or a
 * symbol (no JSON form), and for a BigInt or a cycle (`JSON.stringify` throws; kept as `cause`).
 * Example: `valueJson({ a: [1] })` → `'{"a":[1]}'`; `valueJson(undefined)` throws.
 */
export function valueJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalid('value is not JSON-compatible', error);
  }
  if (typeof text !== 'string') throw invalid('value must be JSON-compatible (not undefined)');
  return text;
}

/** Throws unless `value` is a positive integer or absent. */
export function checkLimit(value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw invalid('limit must be a positive integer');
  }
}

/** Throws unless `value` is a non-negative safe integer (a revision: 0 … 2^53 − 1). `name` labels it. */
export function checkRevision(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${name} must be a non-negative integer`);
  }
}

/**
 * Checks the options of `list`: `prefix` and `after` strings, `limit` a positive integer, `onUnreadable` a
 * function, each optional.
 */
export function checkListOptions(options: ListOptions): void {
  if (options.prefix !== undefined && typeof options.prefix !== 'string') {
    throw invalid('prefix must be a string');
  }
  if (options.after !== undefined && typeof options.after !== 'string')
    throw invalid('after must be a string');
  checkLimit(options.limit);
  if (options.onUnreadable !== undefined && typeof options.onUnreadable !== 'function') {
    throw invalid('onUnreadable must be a function');
  }
}

/**
 * The error of a row that cannot be read back (ports/store.ts): code `Unreadable`, naming the adapter, the
 * collection and the key, with the decoding error as `cause`. `get` rejects with it, and so does `list` when
 * the caller passed no `onUnreadable`. Example: `unreadableError('store-level', 'configmap', 'ns/a', err)`.
 */
export function unreadableError(adapter: string, collection: string, key: string, cause: unknown): BcsError {
  return new BcsError(
    ErrorCode.Unreadable,
    `${adapter}: the stored record ${collection} ${JSON.stringify(key)} cannot be read; it is kept as it is`,
    { cause },
  );
}

/** Checks the options of `changes`: `after` a revision, `limit` a positive integer or absent. */
export function checkChangesOptions(options: ChangesOptions): void {
  checkRevision('after', options?.after);
  checkLimit(options.limit);
}

/** Checks a precondition's shape: absent, `{ absent: true }` or `{ revision }` with a valid revision. */
export function checkPrecondition(expect: Precondition | undefined): void {
  if (expect === undefined) return;
  if ('absent' in expect && expect.absent === true) return;
  if ('revision' in expect) {
    checkRevision('expect.revision', expect.revision);
    return;
  }
  throw invalid('expect must be { revision } or { absent: true }');
}

/**
 * Checks every operation of a batch before any of them is applied, and returns the JSON text of each value
 * (see {@link valueJson}; `undefined` at the index of a delete), so an adapter serializes each value once.
 * Example: `[{ type: 'put', …, value: 1 }, { type: 'delete', … }]` → `['1', undefined]`.
 */
export function checkBatch(ops: readonly BatchOp[]): (string | undefined)[] {
  if (!Array.isArray(ops)) throw invalid('batch expects an array of operations');
  for (const op of ops) {
    if (op?.type !== 'put' && op?.type !== 'delete') throw invalid('batch op type must be put or delete');
    checkTarget(op.collection, op.key);
    checkPrecondition(op.expect);
  }
  return ops.map((op) => (op.type === 'put' ? valueJson(op.value) : undefined));
}
