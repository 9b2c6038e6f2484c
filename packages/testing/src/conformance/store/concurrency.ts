import { type BatchOp, ErrorCode } from '@bcs/core';
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
