import { randomUUID } from 'node:crypto';
import { type BatchOp, ErrorCode, type Store } from '@bcs/core';
import { storeConformance } from '@bcs/testing/conformance';
import { describe, expect, it } from 'vitest';
import { StoreKeys } from '../../src/keys.js';
import type { SplitPart } from '../../src/split.js';
import { useEtcd } from '../support.js';

// etcd here refuses transactions of more than 8 operations (`--max-txn-ops=8`), and the stores are told so:
// every batch of more than a few operations, and every large group of concurrent writes, is cut at that boundary.
const MAX_OPS = 8;
const etcd = useEtcd([`--max-txn-ops=${MAX_OPS}`]);
const limits = { maxTxnOps: MAX_OPS, maxTxnBytes: 4096 };

// The whole Store suite again with the split protocol in play (its list fixture alone is a 13-put batch).
storeConformance(
  'etcd store, transactions cut at 8 operations and 4 KiB',
  () => etcd.store(undefined, limits),
  {
    reopen: (store) => etcd.store(etcd.clusterIdOf(store), limits),
    plantUnreadable: (store, collection, key) => etcd.plantUnreadable(store, collection, key),
  },
);

const SIZE = 40;
function bigBatch(tag: string): BatchOp[] {
  return Array.from({ length: SIZE }, (_, i) => ({
    type: 'put',
    collection: 'taskgroup',
    key: `ns/app/${String(i).padStart(3, '0')}`,
    // About 250 bytes each: the batch's log alone spans several 4 KiB transactions.
    value: { tag, i, pad: 'x'.repeat(200) },
  }));
}

/** A store that crashes (its fault hook throws) just before `at`. */
async function crashingStore(clusterId: string, at: SplitPart): Promise<Store> {
  return etcd.store(clusterId, {
    ...limits,
    faults: {
      beforeSplitPart: (part) => {
        if (part.phase === at.phase && part.index === at.index) throw new Error('injected crash');
      },
    },
  });
}

describe('split batches', () => {
  it('etcd refuses a transaction over the limit: the boundary is real', async () => {
    const puts = Array.from({ length: MAX_OPS + 1 }, (_, i) => ({
      request_put: { key: Buffer.from(`/probe/${randomUUID()}/${i}`), value: Buffer.from('1') },
    }));
    await expect(etcd.client.kv.txn({ compare: [], success: puts, failure: [] })).rejects.toThrow();
  });

  it(`a batch of ${SIZE} puts over 8-op transactions lands whole at one revision, with its feed`, async () => {
    const store = await etcd.store(undefined, limits);
    await store.put('thing', 'before', 1);
    expect(await store.batch(bigBatch('a'))).toBe(2);
    expect(await store.revision()).toBe(2);
    const entries = await store.list('taskgroup');
    expect(entries).toHaveLength(SIZE);
    expect(new Set(entries.map((entry) => entry.revision))).toEqual(new Set([2]));
    const feed = (await store.changes({ after: 1 })).changes;
    expect(feed.map((change) => [change.revision, change.key])).toEqual(
      bigBatch('a').map((op) => [2, op.key]),
    );
    // Nothing left behind: no pending record.
    const pending = await etcd.client.kv.range({ key: new StoreKeys(etcd.clusterIdOf(store)).pending });
    expect(pending.kvs).toHaveLength(0);
  });

  const rolledBack: SplitPart[] = [
    { phase: 'log', index: 1 },
    { phase: 'decide', index: 0 },
  ];
  const rolledForward: SplitPart[] = [
    { phase: 'apply', index: 0 },
    { phase: 'apply', index: 3 },
    { phase: 'commit', index: 0 },
  ];

  it.each(rolledBack)(
    'a crash before $phase part $index (log incomplete) is rolled back by the next open',
    async (at) => {
      const clusterId = `t-${randomUUID()}`;
      const crashing = await crashingStore(clusterId, at);
      await crashing.put('taskgroup', 'ns/app/000', { tag: 'old' });
      await expect(crashing.batch(bigBatch('new'))).rejects.toHaveProperty('code', ErrorCode.Internal);
      await crashing.close();

      const store = await etcd.store(clusterId, limits);
      expect(await store.revision()).toBe(1);
      expect(await store.list('taskgroup')).toEqual([
        { key: 'ns/app/000', value: { tag: 'old' }, revision: 1 },
      ]);
      expect((await store.changes({ after: 0 })).changes).toHaveLength(1);
      const keys = new StoreKeys(clusterId);
      expect((await etcd.client.kv.range({ key: keys.pending })).kvs).toHaveLength(0);
      // The log of the abandoned revision is gone: the next write takes revision 2 with a clean feed.
      expect(await store.put('thing', 'next', 1)).toBe(2);
      expect((await store.changes({ after: 1 })).changes.map((change) => change.key)).toEqual(['next']);
    },
  );

  it.each(rolledForward)(
    'a crash before $phase part $index (log complete) is rolled forward by the next open',
    async (at) => {
      const clusterId = `t-${randomUUID()}`;
      const crashing = await crashingStore(clusterId, at);
      await crashing.put('taskgroup', 'ns/app/000', { tag: 'old' });
      await crashing.put('thing', 'doomed', 1);
      const ops: BatchOp[] = [...bigBatch('new'), { type: 'delete', collection: 'thing', key: 'doomed' }];
      await expect(crashing.batch(ops)).rejects.toHaveProperty('code', ErrorCode.Internal);
      await crashing.close();

      const store = await etcd.store(clusterId, limits);
      expect(await store.revision()).toBe(3);
      const entries = await store.list<{ tag: string }>('taskgroup');
      expect(entries).toHaveLength(SIZE);
      expect(entries.every((entry) => entry.revision === 3 && entry.value.tag === 'new')).toBe(true);
      expect(await store.get('thing', 'doomed')).toBeUndefined();
      const feed = (await store.changes({ after: 2 })).changes;
      expect(feed.map((change) => [change.revision, change.type, change.key])).toEqual(
        ops.map((op) => [3, op.type, op.key]),
      );
      expect(await store.put('thing', 'next', 1)).toBe(4);
    },
  );

  it('the next write of the same process completes a batch it left, before its own', async () => {
    const clusterId = `t-${randomUUID()}`;
    const store = await crashingStore(clusterId, { phase: 'apply', index: 1 });
    await expect(store.batch(bigBatch('new'))).rejects.toHaveProperty('code', ErrorCode.Internal);
    expect(await store.put('thing', 'after', 1)).toBe(2);
    expect(await store.list('taskgroup')).toHaveLength(SIZE);
  });

  it('a follower opened with recoverOnOpen false leaves the batch alone and sees none of it', async () => {
    const clusterId = `t-${randomUUID()}`;
    const crashing = await crashingStore(clusterId, { phase: 'apply', index: 1 });
    await expect(crashing.batch(bigBatch('new'))).rejects.toHaveProperty('code', ErrorCode.Internal);
    await crashing.close();
    const follower = await etcd.store(clusterId, { ...limits, recoverOnOpen: false });
    expect(await follower.revision()).toBe(0);
    expect(await follower.changes({ after: 0 })).toEqual({ changes: [], revision: 0 });
    // Its first object part is in etcd, but readers see the state before the batch, never half of it.
    expect(await follower.list('taskgroup')).toEqual([]);
    expect(await follower.list('taskgroup', { limit: 1 })).toEqual([]);
    expect(await follower.get('taskgroup', 'ns/app/000')).toBeUndefined();
    const keys = new StoreKeys(clusterId);
    expect((await etcd.client.kv.range({ key: keys.pending })).kvs).toHaveLength(1);
  });

  it('writes queued behind a split batch that fails are not lost with it', async () => {
    const clusterId = `t-${randomUUID()}`;
    const store = await crashingStore(clusterId, { phase: 'log', index: 1 });
    await store.put('thing', 'first', 1);
    const results = await Promise.allSettled([
      store.batch(bigBatch('new')),
      store.put('thing', 'a', 1),
      store.put('thing', 'b', 2),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(results.slice(1).map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([2, 3]);
  });
});

describe('several writers on one cluster id', () => {
  it('two store instances writing at once serialize on the revision counter', async () => {
    const clusterId = `t-${randomUUID()}`;
    const one = await etcd.store(clusterId, limits);
    const two = await etcd.store(clusterId, limits);
    const writes = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? one : two).put('thing', `k${i}`, { i }),
    );
    const revisions = await Promise.all(writes);
    expect([...revisions].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const feed = (await one.changes({ after: 0 })).changes;
    expect(feed.map((change) => change.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const change of feed) expect(revisions[(change.value as { i: number }).i]).toBe(change.revision);
  });

  it('a precondition is checked against the other instance’s writes', async () => {
    const clusterId = `t-${randomUUID()}`;
    const one = await etcd.store(clusterId, limits);
    const two = await etcd.store(clusterId, limits);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? one : two).put('thing', 'lock', i, { expect: { absent: true } }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await one.revision()).toBe(1);
  });
});
