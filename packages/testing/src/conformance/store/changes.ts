import { type Change, ErrorCode, type Store } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { expectCode, type StoreSuite } from './harness.js';

/**
 * Writes revisions 1–5: put a; batch (put b, put c, delete a) at 2; put d; delete b; batch (put e, put f) at 5.
 * The conflicting write and the delete of a missing key in between leave no trace.
 */
async function history(store: Store): Promise<Change[]> {
  await store.put('thing', 'a', { n: 1 });
  await store.batch([
    { type: 'put', collection: 'thing', key: 'b', value: { n: 2 } },
    { type: 'put', collection: 'other', key: 'c', value: { n: 3 } },
    { type: 'delete', collection: 'thing', key: 'a' },
    { type: 'delete', collection: 'thing', key: 'never-there' },
  ]);
  await store.put('thing', 'd', 'x', { expect: { revision: 9 } }).catch(() => undefined);
  await store.put('thing', 'd', { n: 4 });
  await store.delete('thing', 'b');
  await store.delete('thing', 'missing');
  await store.batch([
    { type: 'put', collection: 'thing', key: 'e', value: { n: 5 } },
    { type: 'put', collection: 'thing', key: 'f', value: { n: 6 } },
  ]);
  return [
    { revision: 1, type: 'put', collection: 'thing', key: 'a', value: { n: 1 } },
    { revision: 2, type: 'put', collection: 'thing', key: 'b', value: { n: 2 } },
    { revision: 2, type: 'put', collection: 'other', key: 'c', value: { n: 3 } },
    { revision: 2, type: 'delete', collection: 'thing', key: 'a' },
    { revision: 3, type: 'put', collection: 'thing', key: 'd', value: { n: 4 } },
    { revision: 4, type: 'delete', collection: 'thing', key: 'b' },
    { revision: 5, type: 'put', collection: 'thing', key: 'e', value: { n: 5 } },
    { revision: 5, type: 'put', collection: 'thing', key: 'f', value: { n: 6 } },
  ];
}

/** Compares changes ignoring an absent versus `undefined` `value` on deletes. */
function plain(changes: readonly Change[]): Change[] {
  return changes.map((change) =>
    change.type === 'delete' ? { ...change, value: undefined } : { ...change },
  );
}

/** changes() and compact(). Registered only when `capabilities.changeFeed`. */
export function registerChangesTests(suite: StoreSuite): void {
  if (!suite.capabilities.changeFeed) return;
  describe('changes', () => {
    it('a new store has an empty feed at revision 0', async () => {
      const store = await suite.fresh();
      expect(await store.changes({ after: 0 })).toEqual({ changes: [], revision: 0 });
    });

    it('lists every change oldest first, batches in batch order, deletes without a value', async () => {
      const store = await suite.fresh();
      const expected = await history(store);
      const page = await store.changes({ after: 0 });
      expect(page.revision).toBe(5);
      expect(plain(page.changes)).toEqual(plain(expected));
      for (const change of page.changes.filter((c) => c.type === 'delete'))
        expect(change.value).toBeUndefined();
    });

    it.each([0, 1, 2, 4, 5, 6])('after %i lists only changes with a greater revision', async (after) => {
      const store = await suite.fresh();
      const expected = await history(store);
      const page = await store.changes({ after });
      expect(plain(page.changes)).toEqual(plain(expected.filter((change) => change.revision > after)));
      expect(page.revision).toBe(5);
    });

    it.each([1, 2, 3, 4, 8])(
      'pages with limit %i never split a batch and cover the whole feed',
      async (limit) => {
        const store = await suite.fresh();
        const expected = await history(store);
        const seen: Change[] = [];
        let after = 0;
        for (let round = 0; round < 20; round++) {
          const page = await store.changes({ after, limit });
          if (page.changes.length === 0) break;
          const revisions = new Set(page.changes.map((change) => change.revision));
          // Over the limit only when the page is a single batch larger than the limit.
          if (page.changes.length > limit) expect(revisions.size).toBe(1);
          const last = page.changes.at(-1) as Change;
          // The next page starts after the last revision: a split batch would lose its tail here.
          expect(expected.filter((change) => change.revision === last.revision)).toHaveLength(
            page.changes.filter((change) => change.revision === last.revision).length,
          );
          seen.push(...page.changes);
          after = last.revision;
        }
        expect(plain(seen)).toEqual(plain(expected));
      },
    );

    it('returns copies of the values', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'a', { list: [1] });
      const first = await store.changes({ after: 0 });
      (first.changes[0] as Change & { value: { list: number[] } }).value.list.push(2);
      expect((await store.changes({ after: 0 })).changes[0]?.value).toEqual({ list: [1] });
    });

    it('rejects a negative after with ParameterError', async () => {
      const store = await suite.fresh();
      await expectCode(store.changes({ after: -1 }), ErrorCode.ParameterError);
    });

    describe('compact', () => {
      it('drops history at or below the revision; asking for it rejects with Compacted', async () => {
        const store = await suite.fresh();
        const expected = await history(store);
        await store.compact(3);
        await expectCode(store.changes({ after: 0 }), ErrorCode.Compacted);
        await expectCode(store.changes({ after: 2 }), ErrorCode.Compacted);
        const page = await store.changes({ after: 3 });
        expect(plain(page.changes)).toEqual(plain(expected.filter((change) => change.revision > 3)));
      });

      it('leaves objects and the revision alone', async () => {
        const store = await suite.fresh();
        await history(store);
        const before = await store.list('thing');
        await store.compact(5);
        expect(await store.list('thing')).toEqual(before);
        expect(await store.revision()).toBe(5);
        expect(await store.changes({ after: 5 })).toEqual({ changes: [], revision: 5 });
        expect(await store.put('thing', 'g', 7)).toBe(6);
        expect((await store.changes({ after: 5 })).changes.map((change) => change.key)).toEqual(['g']);
      });

      it('compacting to a lower revision than before is a no-op', async () => {
        const store = await suite.fresh();
        await history(store);
        await store.compact(3);
        await store.compact(1);
        await expectCode(store.changes({ after: 2 }), ErrorCode.Compacted);
        expect((await store.changes({ after: 3 })).changes).toHaveLength(3);
      });

      it('compact(0) keeps everything', async () => {
        const store = await suite.fresh();
        const expected = await history(store);
        await store.compact(0);
        expect(plain((await store.changes({ after: 0 })).changes)).toEqual(plain(expected));
      });

      it('a revision above the current one is clamped, so later writes stay visible', async () => {
        const store = await suite.fresh();
        await history(store);
        await store.compact(100);
        await expectCode(store.changes({ after: 4 }), ErrorCode.Compacted);
        await store.put('thing', 'late', 1);
        expect((await store.changes({ after: 5 })).changes.map((change) => change.revision)).toEqual([6]);
      });

      it('rejects a negative revision with ParameterError', async () => {
        const store = await suite.fresh();
        await expectCode(store.compact(-1), ErrorCode.ParameterError);
      });
    });
  });
}
