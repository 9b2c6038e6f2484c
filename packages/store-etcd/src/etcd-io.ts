import type { Etcd3, ICompare, IKeyValue, IRangeResponse, IRequestOp, ITxnResponse } from 'etcd3';
import { prefixEnd } from './keys.js';

/*
 * The few etcd v3 KV calls the store makes, on etcd3's raw KV client (`client.kv`): transactions with compares
 * and ranges pinned to a revision. Kept apart from the store so the transaction shapes are in one place.
 */

/** etcd3's KV client. */
export type KV = Etcd3['kv'];

export function putOp(key: Buffer, value: string): IRequestOp {
  return { request_put: { key, value: Buffer.from(value) } };
}

export function deleteOp(key: Buffer): IRequestOp {
  return { request_delete_range: { key } };
}

/** Deletes every key starting with `prefix` (one operation, whatever the number of keys). */
export function deletePrefixOp(prefix: Buffer): IRequestOp {
  return { request_delete_range: { key: prefix, range_end: prefixEnd(prefix) } };
}

/** Deletes every key in [from, to). */
export function deleteRangeOp(from: Buffer, to: Buffer): IRequestOp {
  return { request_delete_range: { key: from, range_end: to } };
}

export function getOp(key: Buffer): IRequestOp {
  return { request_range: { key } };
}

/** `key`'s mod revision is `modRevision` (0: the key does not exist). */
export function modIs(key: Buffer, modRevision: string | number): ICompare {
  return { key, target: 'Mod', result: 'Equal', mod_revision: modRevision };
}

/** `key`'s create revision is `createRevision` (0: the key does not exist). */
export function createdAt(key: Buffer, createRevision: string | number): ICompare {
  return { key, target: 'Create', result: 'Equal', create_revision: createRevision };
}

/** Runs one transaction: `success` when every compare holds. */
export function txn(kv: KV, compare: ICompare[], success: IRequestOp[]): Promise<ITxnResponse> {
  return kv.txn({ compare, success, failure: [] });
}

/** The kvs of response `index` of a transaction made of range operations (`[]` when the key is absent). */
export function rangeResult(response: ITxnResponse, index: number): IKeyValue[] {
  return response.responses[index]?.response_range?.kvs ?? [];
}

/** One page of keys in [from, to), at etcd revision `revision` (0: the latest). */
export function rangePage(
  kv: KV,
  from: Buffer,
  to: Buffer,
  limit: number,
  revision: string | number,
): Promise<IRangeResponse> {
  return kv.range({ key: from, range_end: to, limit, revision });
}

/** The smallest key greater than `key` in byte order. */
export function successor(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}
