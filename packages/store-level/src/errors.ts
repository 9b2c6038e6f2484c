import { BcsError, ErrorCode, isBcsError } from '@bcs/core';

/** abstract-level error codes that mean "the database is not usable right now". */
const NOT_OPEN_CODES = new Set(['LEVEL_DATABASE_NOT_OPEN', 'LEVEL_LOCKED', 'LEVEL_DATABASE_NOT_CLOSED']);

/**
 * Wraps a foreign (abstract-level, classic-level, JSON) error as a `BcsError` naming this adapter, e.g.
 * `store-level: put failed`, with the original as `cause` (style point 21). An error that is already a
 * `BcsError` passes through unchanged. Level's "not open" and "locked" codes become `StoreNotOpen`; anything
 * else becomes `Internal`.
 */
export function wrapLevelError(action: string, error: unknown): BcsError {
  if (isBcsError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const bcsCode =
    typeof code === 'string' && NOT_OPEN_CODES.has(code) ? ErrorCode.StoreNotOpen : ErrorCode.Internal;
  return new BcsError(bcsCode, `store-level: ${action} failed`, { cause: error });
}

/** `StoreNotOpen` for an operation issued while the store is `status`. */
export function notOpenError(status: string): BcsError {
  return new BcsError(ErrorCode.StoreNotOpen, `store-level: store is ${status}`);
}

/** `ParameterError` for an invalid argument or factory option; the message names the adapter. */
export function invalidArgument(message: string, cause?: unknown): BcsError {
  return new BcsError(
    ErrorCode.ParameterError,
    `store-level: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/** `Compacted`: the change feed after `after` is no longer retained (compacted through `through`). */
export function compactedError(after: number, through: number): BcsError {
  return new BcsError(
    ErrorCode.Compacted,
    `store-level: changes after ${after} are compacted (through ${through})`,
  );
}
