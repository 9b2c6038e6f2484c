import { type BatchOp, type Change, ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { type StoreSuite, settle } from './harness.js';

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/** Optimistic concurrency under many writers issued at once. */
export function registerConcurrencyTests(suite: StoreSuite): void {
  const n = suite.concurrency;

  describe('concurrency', () => {
    it(`${n} puts expecting the same revision of one key: exactly one wins, the rest conflict`, async () => {
      const store = await suite.fresh();
      const base = await store.put('thing', 'k', { writer: -1 });
      const { won, lost } = await settle(
        range(n).map((writer) => store.put('thing', 'k', { writer }, { expect: { revision: base } })),
      );
      expect(won).toEqual([base + 1]);
      expect(lost).toHaveLength(n - 1);
      for (const error of lost) expect(error).toHaveProperty('code', ErrorCode.Conflict);
      expect(await store.revision()).toBe(base + 1);
      expect((await store.get('thing', 'k'))?.revision).toBe(base + 1);
    });

    it(`${n} creates of one key expecting it absent: exactly one wins`, async () => {
      const store = await suite.fresh();
      const { won, lost } = await settle(
        range(n).map((writer) => store.put('thing', 'new', { writer }, { expect: { absent: true } })),
      );
      expect(won).toEqual([1]);
      expect(lost.map((error) => (error as { code: unknown }).code)).toEqual(
        range(n - 1).map(() => ErrorCode.Conflict),
      );
    });

    it(`${n} deletes expecting the same revision: exactly one resolves true`, async () => {
      const store = await suite.fresh();
      const base = await store.put('thing', 'k', 1);
      const { won, lost } = await settle(
        range(n).map(() => store.delete('thing', 'k', { expect: { revision: base } })),
      );
      expect(won).toEqual([true]);
      expect(lost).toHaveLength(n - 1);
      for (const error of lost) expect(error).toHaveProperty('code', ErrorCode.Conflict);
    });

    it(`${n} puts to different keys all succeed with distinct consecutive revisions`, async () => {
      const store = await suite.fresh();
      const revisions = await Promise.all(range(n).map((i) => store.put('thing', `k${i}`, { i })));
      expect([...revisions].sort((a, b) => a - b)).toEqual(range(n).map((i) => i + 1));
      expect(await store.revision()).toBe(n);
      const entries = await store.list<{ i: number }>('thing');
      expect(entries).toHaveLength(n);
      for (const entry of entries) expect(entry.revision).toBe(revisions[entry.value.i]);
    });

    it(`${n} conflicting batches: exactly one applies, and it applies whole`, async () => {
      const store = await suite.fresh();
      const base = await store.put('thing', 'lock', 0);
      const batch = (writer: number): BatchOp[] => [
        { type: 'put', collection: 'thing', key: 'lock', value: writer, expect: { revision: base } },
        { type: 'put', collection: 'thing', key: `owner-${writer}`, value: writer },
      ];
      const { won, lost } = await settle(range(n).map((writer) => store.batch(batch(writer))));
      expect(won).toEqual([base + 1]);
      for (const error of lost) expect(error).toHaveProperty('code', ErrorCode.Conflict);
      const entries = await store.list<number>('thing');
      const lock = entries.find((entry) => entry.key === 'lock');
      expect(entries.map((entry) => entry.key).sort()).toEqual(['lock', `owner-${lock?.value}`].sort());
    });

    it('writes issued together apply in issue order, each seeing the ones before it', async () => {
      const store = await suite.fresh();
      // Issued without waiting, as concurrent requests are; a store that groups them must keep this order.
      const writes = [
        store.put('thing', 'k', 'first', { expect: { absent: true } }),
        store.put('thing', 'k', 'again', { expect: { absent: true } }),
        store.delete('thing', 'k', { expect: { revision: 1 } }),
        store.delete('thing', 'never-there'),
        store.put('thing', 'k', 'second', { expect: { absent: true } }),
        store.put('thing', 'k', 'third', { expect: { revision: 3 } }),
      ];
      const results = await Promise.allSettled(writes);
      expect(
        results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as { code: unknown }).code)),
      ).toEqual([1, ErrorCode.Conflict, true, false, 3, 4]);
      expect(await store.get('thing', 'k')).toEqual({ key: 'k', value: 'third', revision: 4 });
      expect(await store.revision()).toBe(4);
      if (suite.capabilities.changeFeed) {
        expect((await store.changes({ after: 0 })).changes.map((c) => [c.revision, c.type, c.value])).toEqual(
          [
            [1, 'put', 'first'],
            [2, 'delete', undefined],
            [3, 'put', 'second'],
            [4, 'put', 'third'],
          ],
        );
      }
    });

    it(`${n} concurrent batches: each caller gets its own revision, the feed holds exactly its operations`, async () => {
      const store = await suite.fresh();
      // Batch i puts x<i> and `shared`, deletes x<i-1> (a change only if that batch applied) and, every fourth
      // batch, creates `lock` if absent: the first such batch applies, the later ones conflict whole.
      const batch = (i: number): BatchOp[] => [
        { type: 'put', collection: 'thing', key: `x${i}`, value: i },
        { type: 'put', collection: 'other', key: 'shared', value: i },
        { type: 'delete', collection: 'thing', key: `x${i - 1}` },
        ...(i % 4 === 1
          ? [{ type: 'put', collection: 'thing', key: 'lock', value: i, expect: { absent: true } } as const]
          : []),
      ];
      const results = await Promise.allSettled(range(n).map((i) => store.batch(batch(i))));
      const applied = range(n).filter((i) => results[i]?.status === 'fulfilled');
      for (const i of range(n).filter((i) => !applied.includes(i)))
        expect(results[i]).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.Conflict } });
      // Issue order: the applied batches took revisions 1, 2, 3, … in the order they were issued.
      const revisionOf = new Map(applied.map((i, at) => [i, at + 1]));
      expect(applied.map((i) => (results[i] as PromiseFulfilledResult<number>).value)).toEqual(
        applied.map((_, at) => at + 1),
      );
      expect(applied.filter((i) => i % 4 === 1)).toEqual([1]);
      expect(await store.revision()).toBe(applied.length);
      const last = applied.at(-1) as number;
      expect(await store.get('other', 'shared')).toEqual({
        key: 'shared',
        value: last,
        revision: applied.length,
      });
      expect(await store.get('thing', 'lock')).toEqual({
        key: 'lock',
        value: 1,
        revision: revisionOf.get(1),
      });
      if (!suite.capabilities.changeFeed) return;
      const expected: Change[] = applied.flatMap((i) => {
        const revision = revisionOf.get(i) as number;
        return [
          { revision, type: 'put', collection: 'thing', key: `x${i}`, value: i },
          { revision, type: 'put', collection: 'other', key: 'shared', value: i },
          ...(revisionOf.has(i - 1)
            ? [{ revision, type: 'delete', collection: 'thing', key: `x${i - 1}` } as const]
            : []),
          ...(i === 1
            ? [{ revision, type: 'put', collection: 'thing', key: 'lock', value: 1 } as const]
            : []),
        ];
      });
      const feed = (await store.changes({ after: 0 })).changes;
      expect(feed.map((c) => ({ ...c }))).toEqual(expected);
    });

    it('revisions strictly increase across mixed writes, and the feed agrees', async () => {
      const store = await suite.fresh();
      const writes = range(n).map((i) =>
        i % 3 === 0
          ? store.batch([
              { type: 'put', collection: 'thing', key: `b${i}`, value: i },
              { type: 'put', collection: 'other', key: `b${i}`, value: i },
            ])
          : store.put('thing', `p${i}`, i),
      );
      const revisions = await Promise.all(writes);
      expect(new Set(revisions).size).toBe(n);
      expect([...revisions].sort((a, b) => a - b)).toEqual(range(n).map((i) => i + 1));
      let previous = 0;
      for (let i = 0; i < 5; i++) {
        const revision = await store.put('thing', 'seq', i);
        expect(revision).toBeGreaterThan(previous);
        previous = revision;
      }
      if (suite.capabilities.changeFeed) {
        const feed = (await store.changes({ after: 0 })).changes.map((change) => change.revision);
        expect(feed).toEqual([...feed].sort((a, b) => a - b));
        expect(new Set(feed)).toEqual(new Set([...revisions, ...range(5).map((i) => n + i + 1)]));
      }
    });
  });
}
