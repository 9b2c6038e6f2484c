import { BcsError, ErrorCode } from '@bcs/core';
import type { ITxnRequest, ITxnResponse } from 'etcd3';
import { createdAt, getOp, type KV } from './etcd-io.js';

/**
 * Fenced writes (issue 14 §2). A leader's store passes the election key and the create revision it was elected
 * with (its term): every transaction that writes then also compares that key's create revision with the term,
 * in the same etcd transaction as the write. After another replica is elected (the old key expired with its
 * lease and a new one was created) the compare fails, so nothing a deposed leader sends is ever applied,
 * however late it arrives.
 */
export interface Fence {
  /** The election key (`/bcs/<clusterId>/leader`, see election.ts). */
  readonly key: Buffer;
  /** The term: the election key's create revision when this replica was elected. */
  readonly createRevision: string;
  /**
   * Called once, when a write finds the key's create revision changed (or the key gone): this replica is
   * deposed. The write, and every write after it, rejects with `StoreNotOpen` (1405001).
   */
  readonly onDeposed?: (error: BcsError) => void;
}

/** `StoreNotOpen`: this replica's writes are fenced off: another replica leads. */
export function deposedError(term: string): BcsError {
  return new BcsError(
    ErrorCode.StoreNotOpen,
    `store-etcd: deposed: the election key no longer has this replica's term (create revision ${term})`,
  );
}

/** Whether a transaction writes (puts or deletes); reads are never fenced. */
function writes(request: ITxnRequest): boolean {
  return (request.success ?? []).some(
    (op) => op.request_put !== undefined || op.request_delete_range !== undefined,
  );
}

/**
 * `kv` with every writing transaction fenced: the fence compare is added, and a failure branch reads the
 * election key, so a failed transaction tells whether the fence or the caller's own compares failed. A fenced
 * failure rejects with {@link deposedError} (and calls `onDeposed` the first time); the caller's own compare
 * failures come back as before (`succeeded: false`).
 */
export function fencedKv(kv: KV, fence: Fence): KV {
  let deposed: BcsError | undefined;
  const depose = (): BcsError => {
    if (deposed === undefined) {
      deposed = deposedError(fence.createRevision);
      fence.onDeposed?.(deposed);
    }
    return deposed;
  };
  const txn = async (request: ITxnRequest): Promise<ITxnResponse> => {
    if (!writes(request)) return kv.txn(request);
    if (deposed !== undefined) throw deposed;
    const failure = request.failure ?? [];
    const response = await kv.txn({
      ...request,
      compare: [...(request.compare ?? []), createdAt(fence.key, fence.createRevision)],
      failure: [...failure, getOp(fence.key)],
    });
    if (response.succeeded) return response;
    const holder = response.responses[failure.length]?.response_range?.kvs[0];
    if (holder === undefined || holder.create_revision !== fence.createRevision) throw depose();
    return { ...response, responses: response.responses.slice(0, failure.length) };
  };
  return new Proxy(kv, {
    get(target, property, receiver) {
      if (property === 'txn') return txn;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
