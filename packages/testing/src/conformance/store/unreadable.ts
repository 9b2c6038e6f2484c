import { ErrorCode, type Store, type UnreadableRow } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { expectCode, type StoreSuite } from './harness.js';

/**
 * A store holding `a`, `b` (unreadable), `c`, `d` (unreadable), `e` in collection `thing`, one readable row in
 * `other`, and an unreadable row `z` in `other` (never in range of a `thing` read).
 */
async function seeded(suite: StoreSuite, plant: NonNullable<StoreSuite['plantUnreadable']>): Promise<Store> {
  const store = await suite.fresh();
  for (const key of ['a', 'b', 'c', 'd', 'e']) await store.put('thing', key, { key });
  await store.put('other', 'a', 1);
  await plant(store, 'thing', 'b');
  await plant(store, 'thing', 'd');
  await plant(store, 'other', 'z');
  return store;
}

/** Lists `thing` with `options`, collecting what `onUnreadable` reports. */
async function listing(store: Store, options: { prefix?: string; after?: string; limit?: number } = {}) {
  const reported: UnreadableRow[] = [];
  const entries = await store.list('thing', { ...options, onUnreadable: (row) => reported.push(row) });
  return {
    keys: entries.map((e) => e.key),
    reported: reported.map((r) => `${r.collection}/${r.key}`),
    errors: reported.map((r) => r.error),
  };
}

/**
 * Rows that cannot be read back (ports/store.ts `UnreadableRow`): kept, skipped and reported by `list`, refused
 * with `Unreadable` by `get`, replaced or removed by unconditional writes, and never matched by a precondition.
 */
export function registerUnreadableTests(suite: StoreSuite): void {
  const plant = suite.plantUnreadable;
  if (plant === undefined) return;
  describe('unreadable rows', () => {
    it('get rejects with Unreadable; the row is kept', async () => {
      const store = await seeded(suite, plant);
      await expectCode(store.get('thing', 'b'), ErrorCode.Unreadable);
      await expectCode(store.get('thing', 'b'), ErrorCode.Unreadable);
      expect(await store.get('thing', 'a')).toMatchObject({ value: { key: 'a' } });
    });

    it('list without onUnreadable rejects with Unreadable', async () => {
      const store = await seeded(suite, plant);
      await expectCode(store.list('thing'), ErrorCode.Unreadable);
    });

    it('list with onUnreadable skips and reports each unreadable row in range, in key order', async () => {
      const store = await seeded(suite, plant);
      const { keys, reported, errors } = await listing(store);
      expect(keys).toEqual(['a', 'c', 'e']);
      expect(reported).toEqual(['thing/b', 'thing/d']);
      expect(errors.every((error) => error !== undefined)).toBe(true);
      expect((await listing(store, { prefix: 'c' })).reported).toEqual([]);
      expect(await listing(store, { after: 'b' })).toMatchObject({ keys: ['c', 'e'], reported: ['thing/d'] });
    });

    it('unreadable rows do not count toward limit, and paging with after goes past them', async () => {
      const store = await seeded(suite, plant);
      const first = await listing(store, { limit: 2 });
      expect(first).toMatchObject({ keys: ['a', 'c'], reported: ['thing/b'] });
      const second = await listing(store, { after: 'c', limit: 2 });
      expect(second).toMatchObject({ keys: ['e'], reported: ['thing/d'] });
      const only = await listing(store, { after: 'a', limit: 1 });
      expect(only.keys).toEqual(['c']);
    });

    it('a put without a precondition replaces the row', async () => {
      const store = await seeded(suite, plant);
      const revision = await store.put('thing', 'b', { fixed: true });
      expect(await store.get('thing', 'b')).toEqual({ key: 'b', value: { fixed: true }, revision });
      expect((await listing(store)).reported).toEqual(['thing/d']);
    });

    it('a delete removes the row and resolves true', async () => {
      const store = await seeded(suite, plant);
      expect(await store.delete('thing', 'b')).toBe(true);
      expect(await store.get('thing', 'b')).toBeUndefined();
      const changes = await store.changes({ after: 0 });
      expect(changes.changes.at(-1)).toMatchObject({ type: 'delete', collection: 'thing', key: 'b' });
    });

    it('a precondition on the row fails with Conflict and writes nothing', async () => {
      const store = await seeded(suite, plant);
      const before = await store.revision();
      await expectCode(store.put('thing', 'b', 1, { expect: { absent: true } }), ErrorCode.Conflict);
      await expectCode(store.put('thing', 'b', 1, { expect: { revision: before } }), ErrorCode.Conflict);
      await expectCode(store.delete('thing', 'b', { expect: { revision: before } }), ErrorCode.Conflict);
      await expectCode(
        store.batch([
          { type: 'put', collection: 'thing', key: 'x', value: 1 },
          { type: 'delete', collection: 'thing', key: 'd', expect: { revision: 1 } },
        ]),
        ErrorCode.Conflict,
      );
      expect(await store.revision()).toBe(before);
      expect(await store.get('thing', 'x')).toBeUndefined();
      await expectCode(store.get('thing', 'b'), ErrorCode.Unreadable);
    });
  });
}
