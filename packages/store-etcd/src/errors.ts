import { BcsError, ErrorCode, isBcsError } from '@bcs/core';

/**
 * Wraps a foreign (etcd3, gRPC, JSON) error as a `BcsError` naming this adapter, e.g. `store-etcd: put failed`,
 * with the original as `cause` (style point 21). A `BcsError` passes through unchanged; anything else becomes
 * `Internal` (etcd unreachable included: the write may or may not have been applied).
 */
export function wrapEtcdError(action: string, error: unknown): BcsError {
  if (isBcsError(error)) return error;
  return new BcsError(ErrorCode.Internal, `store-etcd: ${action} failed`, { cause: error });
}

/** `StoreNotOpen` for an operation issued while the store is `status`. */
export function notOpenError(status: string): BcsError {
  return new BcsError(ErrorCode.StoreNotOpen, `store-etcd: store is ${status}`);
}

/** `StoreNotOpen` for an open that failed: etcd unreachable, or the store's records unreadable (`cause`). */
export function openFailed(cause: unknown): BcsError {
  return new BcsError(ErrorCode.StoreNotOpen, 'store-etcd: open failed (is etcd reachable?)', { cause });
}

/** `ParameterError` for an invalid factory option. */
export function invalidArgument(message: string): BcsError {
  return new BcsError(ErrorCode.ParameterError, `store-etcd: ${message}`);
}

/** `Compacted`: the change feed after `after` is no longer retained (compacted through `through`). */
export function compactedError(after: number, through: number): BcsError {
  return new BcsError(
    ErrorCode.Compacted,
    `store-etcd: changes after ${after} are compacted (through ${through})`,
  );
}
