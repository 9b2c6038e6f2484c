import { randomUUID } from 'node:crypto';
import { type BcsError, ErrorCode, isBcsError } from '@bcs/core';
import { startEtcd } from '@bcs/testing/etcd';
import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { campaign, createEtcdStore, currentLeader, type Leadership, listReplicas } from '../../src/index.js';
import { useEtcd } from '../support.js';

const etcd = useEtcd();

async function rejection(promise: Promise<unknown>): Promise<BcsError> {
  try {
    await promise;
  } catch (error) {
    if (isBcsError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('election: one leader per cluster id, its term the election key create revision', () => {
  it('elects one replica; another waits and is elected once the first resigns, with a higher term', async () => {
    const clusterId = `t-${randomUUID()}`;
    const first = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'http://a' });
    expect(await currentLeader(etcd.client, clusterId)).toEqual({ value: 'http://a', term: first.term });
    let second: Leadership | undefined;
    const waiting = campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'http://b' }).then(
      (won) => {
        second = won;
        return won;
      },
    );
    // The second campaign is waiting: the key is still the first's.
    await etcd.client.get('/unrelated').string();
    expect(second).toBeUndefined();
    expect((await currentLeader(etcd.client, clusterId))?.value).toBe('http://a');
    await first.resign();
    const won = await waiting;
    expect(BigInt(won.term)).toBeGreaterThan(BigInt(first.term));
    expect(await currentLeader(etcd.client, clusterId)).toEqual({ value: 'http://b', term: won.term });
    await won.resign();
    expect(await currentLeader(etcd.client, clusterId)).toBeUndefined();
  });

  it('registers every campaigning replica on its lease: listed while it lives, gone when it resigns', async () => {
    const clusterId = `t-${randomUUID()}`;
    const leader = await campaign({
      client: etcd.client,
      clusterId,
      ttlSeconds: 5,
      value: 'http://a',
      register: { name: 'a', value: 'A' },
    });
    const abort = new AbortController();
    const waiting = campaign({
      client: etcd.client,
      clusterId,
      ttlSeconds: 5,
      value: 'http://b',
      register: { name: 'b', value: 'B' },
      signal: abort.signal,
    });
    await expect.poll(async () => (await listReplicas(etcd.client, clusterId)).replicas.length).toBe(2);
    expect(await listReplicas(etcd.client, clusterId)).toEqual({
      leader: 'http://a',
      replicas: [
        { name: 'a', value: 'A' },
        { name: 'b', value: 'B' },
      ],
    });
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await leader.resign();
    expect(await listReplicas(etcd.client, clusterId)).toEqual({ leader: undefined, replicas: [] });
  });

  it('reports the leadership lost when etcd says its lease is gone', async () => {
    const clusterId = `t-${randomUUID()}`;
    const leader = await campaign({ client: etcd.client, clusterId, ttlSeconds: 3, value: 'x' });
    const kvs = (await etcd.client.kv.range({ key: leader.key })).kvs[0];
    await etcd.client.leaseClient.leaseRevoke({ ID: kvs?.lease as string });
    const error = await leader.lost;
    expect(error.code).toBe(ErrorCode.StoreNotOpen);
    expect(await currentLeader(etcd.client, clusterId)).toBeUndefined();
  });

  it('reports the leadership lost when etcd cannot be reached for half the TTL', async () => {
    const own = await startEtcd({ members: 1 });
    const client = new Etcd3({ hosts: [...own.endpoints] });
    try {
      const leader = await campaign({ client, clusterId: `t-${randomUUID()}`, ttlSeconds: 2, value: 'x' });
      await own.kill(0);
      expect((await leader.lost).code).toBe(ErrorCode.StoreNotOpen);
    } finally {
      client.close();
      await own.stop();
    }
  }, 60_000);

  it('rejects a campaign that is aborted while waiting, and leaves the leader alone', async () => {
    const clusterId = `t-${randomUUID()}`;
    const leader = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'a' });
    const abort = new AbortController();
    const waiting = campaign({
      client: etcd.client,
      clusterId,
      ttlSeconds: 5,
      value: 'b',
      signal: abort.signal,
    });
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect((await currentLeader(etcd.client, clusterId))?.term).toBe(leader.term);
    await leader.resign();
  });
});

describe('fence: every write of a leader store compares the election key create revision', () => {
  it('writes while the term holds; once another replica is elected, every write rejects and nothing lands', async () => {
    const clusterId = `t-${randomUUID()}`;
    const first = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'a' });
    const deposed: BcsError[] = [];
    const old = createEtcdStore({
      clusterId,
      client: etcd.client,
      maxTxnOps: 8,
      fence: { ...first.fence, onDeposed: (error) => deposed.push(error) },
    });
    await old.open();
    const r1 = await old.put('app', 'a', { v: 1 });
    // A precondition failure of the store's own is still that, not a deposition.
    expect((await rejection(old.put('app', 'a', { v: 9 }, { expect: { absent: true } }))).code).toBe(
      ErrorCode.Conflict,
    );
    expect(deposed).toEqual([]);

    await first.resign();
    const second = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'b' });
    const current = createEtcdStore({ clusterId, client: etcd.client, fence: second.fence });
    await current.open();

    expect((await rejection(old.put('app', 'a', { v: 2 }))).code).toBe(ErrorCode.StoreNotOpen);
    // A split batch (over 8 operations) and a delete: rejected too, without reaching etcd.
    const big = Array.from({ length: 20 }, (_, i) => ({
      type: 'put' as const,
      collection: 'app',
      key: `k${i}`,
      value: i,
    }));
    expect((await rejection(old.batch(big))).code).toBe(ErrorCode.StoreNotOpen);
    expect((await rejection(old.delete('app', 'a'))).code).toBe(ErrorCode.StoreNotOpen);
    expect(deposed.map((e) => e.code)).toEqual([ErrorCode.StoreNotOpen]);
    // Reads still work, and show nothing of the deposed writes.
    expect(await old.get('app', 'a')).toEqual({ key: 'a', value: { v: 1 }, revision: r1 });
    expect(await current.revision()).toBe(r1);
    expect(await current.list('app')).toHaveLength(1);
    // The new leader writes.
    expect(await current.put('app', 'a', { v: 3 })).toBe(r1 + 1);
    await old.close();
    await current.close();
    await second.resign();
  });

  it('fences a split batch whose term ends between its parts: it stops, and recovery by the new leader rolls it back', async () => {
    const clusterId = `t-${randomUUID()}`;
    const first = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'a' });
    let second: Leadership | undefined;
    const old = createEtcdStore({
      clusterId,
      client: etcd.client,
      maxTxnOps: 8,
      fence: first.fence,
      faults: {
        beforeSplitPart: async (part) => {
          if (part.phase === 'decide' && second === undefined) {
            await first.resign();
            second = await campaign({ client: etcd.client, clusterId, ttlSeconds: 5, value: 'b' });
          }
        },
      },
    });
    await old.open();
    const big = Array.from({ length: 40 }, (_, i) => ({
      type: 'put' as const,
      collection: 'app',
      key: `k${i}`,
      value: 'x'.repeat(200),
    }));
    expect((await rejection(old.batch(big))).code).toBe(ErrorCode.StoreNotOpen);
    const leader = second as Leadership;
    const current = createEtcdStore({ clusterId, client: etcd.client, fence: leader.fence });
    await current.open();
    expect(await current.list('app')).toEqual([]);
    expect(await current.put('app', 'after', 1)).toBe(1);
    await old.close();
    await current.close();
    await leader.resign();
  });
});
