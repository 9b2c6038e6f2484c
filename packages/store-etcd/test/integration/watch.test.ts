import { randomUUID } from 'node:crypto';
import { type BatchOp, type BcsError, type Change, ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import type { ChangeWatch, EtcdStore } from '../../src/index.js';
import { useEtcd } from '../support.js';

const etcd = useEtcd();
const limits = { maxTxnOps: 8, maxTxnBytes: 4096 };

/** A watch that records what it is told; `until(n)` resolves once it has seen revision n. */
async function recorder(store: EtcdStore, after: number) {
  const calls: { changes: Change[]; revision: number }[] = [];
  const errors: BcsError[] = [];
  const waiters: { revision: number; resolve: () => void }[] = [];
  const seen = (): number => calls.at(-1)?.revision ?? after;
  const watch: ChangeWatch = await store.watch(
    { after },
    {
      onChanges: (changes, revision) => {
        calls.push({ changes: [...changes], revision });
        for (const waiter of waiters.filter((w) => w.revision <= revision)) waiter.resolve();
      },
      onError: (error) => errors.push(error),
    },
  );
  return {
    calls,
    errors,
    watch,
    changes: () => calls.flatMap((call) => call.changes),
    until: (revision: number) =>
      seen() >= revision
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ revision, resolve })),
  };
}

describe('watch: the change feed pushed over an etcd watch', () => {
  it('delivers the history after `after`, then every commit of another instance, in order, each once', async () => {
    const clusterId = `t-${randomUUID()}`;
    const writer = await etcd.store(clusterId, limits);
    const reader = await etcd.store(clusterId, limits);
    await writer.put('thing', 'a', 1);
    await writer.put('thing', 'b', 2);
    const seen = await recorder(reader, 1);
    expect(seen.calls).toEqual([
      { changes: [{ revision: 2, type: 'put', collection: 'thing', key: 'b', value: 2 }], revision: 2 },
    ]);

    await writer.batch([
      { type: 'put', collection: 'thing', key: 'c', value: 3 },
      { type: 'delete', collection: 'thing', key: 'a' },
    ]);
    // A split batch (20 puts over 8-op transactions): delivered once, whole, when it commits.
    const big: BatchOp[] = Array.from({ length: 20 }, (_, i) => ({
      type: 'put',
      collection: 'big',
      key: `k${i}`,
      value: i,
    }));
    await writer.batch(big);
    await Promise.all([writer.put('thing', 'd', 4), writer.put('thing', 'e', 5)]);
    await seen.until(6);
    expect(seen.changes().map((change) => [change.revision, change.type, change.key])).toEqual([
      [2, 'put', 'b'],
      [3, 'put', 'c'],
      [3, 'delete', 'a'],
      ...big.map((op) => [4, 'put', op.key]),
      [5, 'put', 'd'],
      [6, 'put', 'e'],
    ]);
    // A revision is never split over two calls.
    for (const call of seen.calls)
      expect(call.changes.every((change) => change.revision <= call.revision)).toBe(true);
    expect(seen.calls.find((call) => call.changes.some((c) => c.collection === 'big'))?.changes).toHaveLength(
      20,
    );
    expect(seen.errors).toEqual([]);
    await seen.watch.close();
  });

  it('never delivers a split batch that was rolled back', async () => {
    const clusterId = `t-${randomUUID()}`;
    const crashing = await etcd.store(clusterId, {
      ...limits,
      faults: {
        beforeSplitPart: (part) => {
          if (part.phase === 'decide') throw new Error('injected crash');
        },
      },
    });
    const reader = await etcd.store(clusterId, limits);
    const seen = await recorder(reader, 0);
    const big: BatchOp[] = Array.from({ length: 20 }, (_, i) => ({
      type: 'put',
      collection: 'big',
      key: `k${i}`,
      value: 'x'.repeat(300),
    }));
    await expect(crashing.batch(big)).rejects.toHaveProperty('code', ErrorCode.Internal);
    // The next write rolls the batch back, then takes revision 1 itself.
    expect(await crashing.put('thing', 'after', 1)).toBe(1);
    await seen.until(1);
    expect(seen.changes().map((change) => [change.revision, change.key])).toEqual([[1, 'after']]);
  });

  it('rejects with Compacted below the compaction marker', async () => {
    const store = await etcd.store();
    await store.put('thing', 'a', 1);
    await store.put('thing', 'b', 2);
    await store.compact(2);
    await expect(
      store.watch({ after: 1 }, { onChanges: () => undefined, onError: () => undefined }),
    ).rejects.toHaveProperty('code', ErrorCode.Compacted);
  });

  it('closing the store closes its watches', async () => {
    const clusterId = `t-${randomUUID()}`;
    const reader = await etcd.store(clusterId);
    const writer = await etcd.store(clusterId);
    const seen = await recorder(reader, 0);
    await writer.put('thing', 'a', 1);
    await seen.until(1);
    await reader.close();
    await writer.put('thing', 'b', 2);
    // A later write to the watched range reaches no closed watch: the writer's own watch proves it was sent.
    const check = await recorder(writer, 1);
    await writer.put('thing', 'c', 3);
    await check.until(3);
    expect(seen.changes().map((change) => change.key)).toEqual(['a']);
  });
});
