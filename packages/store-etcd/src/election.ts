import { randomInt } from 'node:crypto';
import { BcsError, ErrorCode } from '@bcs/core';
import type { Etcd3 } from 'etcd3';
import { invalidArgument } from './errors.js';
import { createdAt, getOp, rangeResult } from './etcd-io.js';
import type { Fence } from './fence.js';
import { CLUSTER_ID, prefixEnd } from './keys.js';

/*
 * Leader election (issue 14 §2) on a plain lease and transaction, as etcd's own election recipe does:
 *
 *   campaign  grant a lease of `ttlSeconds`; a transaction creates `/bcs/<clusterId>/leader` = this replica's
 *             value, attached to the lease, if the key does not exist. If it does, wait for its deletion (its
 *             holder resigned, or its lease expired) on an etcd watch, and try again.
 *   term      the key's create revision (the transaction's etcd revision). Every write of the leader's store
 *             compares it (fence.ts), so a deposed leader writes nothing.
 *   lease     granted with an ID of our choosing below 2^53: etcd3 decodes int64 fields as JS numbers here
 *             (its `longs: String` needs the `long` package protobufjs does not find), so an ID etcd picked
 *             (63 bits) comes back rounded and names no lease.
 *   keep      the lease is kept alive every ttl/6; the leadership is lost, once, when etcd says the lease
 *             expired, or when no keep-alive succeeded for ttl/2 (etcd unreachable: the lease may expire at
 *             any moment after, and another replica be elected at ttl).
 */

/** Options of {@link campaign}. */
export interface CampaignOptions {
  readonly client: Etcd3;
  readonly clusterId: string;
  /** The lease's TTL in whole seconds (≥ 1): how long a dead leader keeps the key. */
  readonly ttlSeconds: number;
  /** What the leader key holds: the replica's advertised URL, say. */
  readonly value: string;
  /**
   * Registers the replica under `/bcs/<clusterId>/replicas/<name>` = `value` on the campaign's lease, from the
   * start of the campaign (followers included) until the lease ends: {@link listReplicas} reads them.
   */
  readonly register?: { readonly name: string; readonly value: string };
  /** Stops campaigning: `campaign` rejects with the signal's reason and revokes the lease. */
  readonly signal?: AbortSignal;
}

/** The leadership {@link campaign} won. */
export interface Leadership {
  /** The election key, `/bcs/<clusterId>/leader`. */
  readonly key: Buffer;
  /** The term: the election key's create revision (an etcd revision, as a decimal string). */
  readonly term: string;
  /** The fence for `createEtcdStore({ fence })` (add `onDeposed`). */
  readonly fence: Fence;
  /** Resolves, once, with why the leadership was lost (lease expired, etcd unreachable for ttl/2). */
  readonly lost: Promise<BcsError>;
  /** Gives the leadership up: revokes the lease (the key goes with it). */
  resign(): Promise<void>;
}

/** The election key of a cluster id. */
export function leaderKey(clusterId: string): Buffer {
  if (!CLUSTER_ID.test(clusterId)) throw invalidArgument(`clusterId must match ${CLUSTER_ID}`);
  return Buffer.from(`/bcs/${clusterId}/leader`);
}

function replicaKey(clusterId: string, name: string): Buffer {
  if (!CLUSTER_ID.test(name)) throw invalidArgument(`replica name must match ${CLUSTER_ID}`);
  return Buffer.from(`/bcs/${clusterId}/replicas/${name}`);
}

/**
 * The replicas registered by {@link campaign} (`register`) whose lease is alive, by name, and the leader's
 * value: the replica whose registered value the leader key holds leads.
 */
export async function listReplicas(
  client: Etcd3,
  clusterId: string,
): Promise<{ replicas: { name: string; value: string }[]; leader: string | undefined }> {
  const prefix = Buffer.from(`/bcs/${clusterId}/replicas/`);
  const response = await client.kv.txn({
    compare: [],
    success: [getOp(leaderKey(clusterId)), { request_range: { key: prefix, range_end: prefixEnd(prefix) } }],
    failure: [],
  });
  return {
    leader: rangeResult(response, 0)[0]?.value.toString('utf8'),
    replicas: rangeResult(response, 1).map((kvs) => ({
      name: kvs.key.subarray(prefix.length).toString('utf8'),
      value: kvs.value.toString('utf8'),
    })),
  };
}

/** The current leader's value and term, or undefined when none is elected. */
export async function currentLeader(
  client: Etcd3,
  clusterId: string,
): Promise<{ value: string; term: string } | undefined> {
  const kvs = (await client.kv.range({ key: leaderKey(clusterId) })).kvs[0];
  return kvs === undefined ? undefined : { value: kvs.value.toString('utf8'), term: kvs.create_revision };
}

function lostError(reason: string, cause?: unknown): BcsError {
  return new BcsError(ErrorCode.StoreNotOpen, `store-etcd: leadership lost: ${reason}`, { cause });
}

/**
 * Campaigns for the leadership of `clusterId` and resolves once this replica is the leader (see the top of
 * this file). Rejects when the lease cannot be granted or kept while waiting (etcd unreachable), or on `signal`.
 */
export async function campaign(options: CampaignOptions): Promise<Leadership> {
  const { client, clusterId, ttlSeconds, value, signal } = options;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    throw invalidArgument('ttlSeconds must be a whole number of seconds ≥ 1');
  const key = leaderKey(clusterId);
  const id = await grantLease(client, ttlSeconds);
  const keeper = keepAlive(client, id, ttlSeconds);
  if (options.register !== undefined)
    await client.kv.put({
      key: replicaKey(clusterId, options.register.name),
      value: Buffer.from(options.register.value),
      lease: id,
    });
  const revoke = () =>
    client.leaseClient.leaseRevoke({ ID: id }).then(
      () => undefined,
      () => undefined,
    );
  try {
    for (;;) {
      signal?.throwIfAborted();
      const response = await client.kv.txn({
        compare: [createdAt(key, 0)],
        success: [{ request_put: { key, value: Buffer.from(value), lease: id } }],
        failure: [getOp(key)],
      });
      if (response.succeeded) {
        const term = response.header.revision;
        return {
          key,
          term,
          fence: { key, createRevision: term },
          lost: keeper.lost,
          resign: async () => {
            keeper.stop();
            await revoke();
          },
        };
      }
      const holder = rangeResult(response, 0)[0];
      if (holder === undefined) continue;
      await Promise.race([
        deleted(client, key, response.header.revision, signal),
        keeper.lost.then((error) => Promise.reject(error)),
      ]);
    }
  } catch (error) {
    keeper.stop();
    await revoke();
    throw error;
  }
}

/** Grants a lease of `ttlSeconds` with a random ID below 2^48 (see the top of this file); resolves to the ID. */
async function grantLease(client: Etcd3, ttlSeconds: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const id = String(randomInt(1, 2 ** 48));
    try {
      await client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: id });
      return id;
    } catch (error) {
      // An ID in use (vanishingly rare): pick another.
      if (attempt < 3 && /exists/i.test(String((error as Error).message))) continue;
      throw lostError('could not grant the lease', error);
    }
  }
}

/** Resolves once `key` is deleted after etcd revision `seen` (or was already, or on abort: rejects). */
async function deleted(client: Etcd3, key: Buffer, seen: string, signal?: AbortSignal): Promise<void> {
  const watcher = await client
    .watch()
    .key(key)
    .startRevision(String(Number(seen) + 1))
    .create();
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.on('delete', () => resolve());
      watcher.on('error', reject);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  } finally {
    await watcher.cancel().catch(() => undefined);
  }
}

/**
 * Keeps lease `id` alive every ttl/6 on one keep-alive stream (opened again after an error); `lost` resolves
 * when etcd answers that the lease expired (TTL ≤ 0) or ttl/2 passed without a renewal.
 */
function keepAlive(client: Etcd3, id: string, ttlSeconds: number): { lost: Promise<BcsError>; stop(): void } {
  const ttlMs = ttlSeconds * 1000;
  let last = Date.now();
  let stopped = false;
  let stream: Awaited<ReturnType<Etcd3['leaseClient']['leaseKeepAlive']>> | undefined;
  let opening = false;
  let declare: (error: BcsError) => void = () => undefined;
  const lost = new Promise<BcsError>((resolve) => {
    declare = resolve;
  });
  const lose = (error: BcsError): void => {
    if (stopped) return;
    stop();
    declare(error);
  };
  const open = (): void => {
    if (opening || stopped) return;
    opening = true;
    client.leaseClient.leaseKeepAlive().then(
      (opened) => {
        opening = false;
        if (stopped) {
          opened.end();
          return;
        }
        stream = opened;
        opened.on('data', (response) => {
          if (Number(response.TTL) <= 0) lose(lostError('the lease expired'));
          else last = Date.now();
        });
        opened.on('error', () => {
          if (stream === opened) stream = undefined;
        });
        opened.write({ ID: id });
      },
      () => {
        opening = false;
      },
    );
  };
  const tick = (): void => {
    if (Date.now() - last > ttlMs / 2) {
      lose(lostError(`no lease keep-alive succeeded for ${ttlMs / 2} ms (etcd unreachable?)`));
      return;
    }
    if (stream === undefined) open();
    else stream.write({ ID: id });
  };
  const timer = setInterval(tick, Math.max(50, Math.floor(ttlMs / 6)));
  timer.unref();
  open();
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    stream?.end();
    stream = undefined;
  }
  return { lost, stop };
}
