import { ErrorCode, type Store } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { expectCode, type StoreSuite } from './harness.js';

/** One assertion run against a store in each lifecycle state (style point 29, Level `test/traits/open.js`). */
interface Trait {
  readonly name: string;
  readonly changeFeed?: boolean;
  /** Runs operations one after another; the first is issued at once, before anything is awaited. */
  readonly run: (store: Store) => Promise<void>;
}

const TRAITS: readonly Trait[] = [
  {
    name: 'put then get',
    run: async (store) => {
      const revision = await store.put('trait', 'k', { v: 1 });
      expect(await store.get('trait', 'k')).toEqual({ key: 'k', value: { v: 1 }, revision });
    },
  },
  {
    name: 'batch then list',
    run: async (store) => {
      const revision = await store.batch([
        { type: 'put', collection: 'trait', key: 'b', value: 2 },
        { type: 'put', collection: 'trait', key: 'a', value: 1 },
      ]);
      expect((await store.list('trait')).map((entry) => [entry.key, entry.value, entry.revision])).toEqual([
        ['a', 1, revision],
        ['b', 2, revision],
      ]);
    },
  },
  {
    name: 'delete',
    run: async (store) => {
      expect(await store.delete('trait', 'never')).toBe(false);
      await store.put('trait', 'gone', 1);
      expect(await store.delete('trait', 'gone')).toBe(true);
      expect(await store.get('trait', 'gone')).toBeUndefined();
    },
  },
  {
    name: 'revision',
    run: async (store) => {
      const before = await store.revision();
      expect(await store.put('trait', 'r', 1)).toBe(before + 1);
      expect(await store.revision()).toBe(before + 1);
    },
  },
  {
    name: 'changes',
    changeFeed: true,
    run: async (store) => {
      const base = (await store.changes({ after: 0 })).revision;
      await store.put('trait', 'c', 1);
      const page = await store.changes({ after: base });
      expect(page.changes.map((change) => [change.revision, change.key])).toEqual([[base + 1, 'c']]);
    },
  },
];

/** Every operation of the port, for the "not open" checks. */
const OPERATIONS: readonly [string, (store: Store) => Promise<unknown>][] = [
  ['get', (s) => s.get('thing', 'k')],
  ['list', (s) => s.list('thing')],
  ['put', (s) => s.put('thing', 'k', 1)],
  ['delete', (s) => s.delete('thing', 'k')],
  ['batch', (s) => s.batch([{ type: 'put', collection: 'thing', key: 'k', value: 1 }])],
  ['revision', (s) => s.revision()],
  ['changes', (s) => s.changes({ after: 0 })],
  ['compact', (s) => s.compact(0)],
];

/** open/close/dispose, the status machine, and operations in each state. */
export function registerLifecycleTests(suite: StoreSuite): void {
  describe('lifecycle', () => {
    describe.each(TRAITS)('trait: $name', (trait) => {
      const skip = trait.changeFeed === true && !suite.capabilities.changeFeed;

      if (!skip)
        it('on an open store', async () => {
          const store = await suite.fresh();
          expect(store.status).toBe('open');
          await trait.run(store);
        });

      if (!skip)
        it('on a store whose open is in progress', async () => {
          const store = await suite.fresh();
          await store.close();
          const opening = store.open();
          expect(['opening', 'open']).toContain(store.status);
          const result = trait.run(store);
          await opening;
          await result;
          expect(store.status).toBe('open');
        });

      if (!skip)
        it('on a reopened store', async () => {
          const store = await suite.reopen(await suite.fresh());
          expect(store.status).toBe('open');
          await trait.run(store);
        });
    });

    it.each(OPERATIONS)('%s on a closed store rejects with StoreNotOpen', async (_name, operation) => {
      const store = await suite.fresh();
      await store.close();
      expect(store.status).toBe('closed');
      await expectCode(operation(store), ErrorCode.StoreNotOpen);
    });

    it.each(OPERATIONS)(
      '%s issued after close() began rejects with StoreNotOpen',
      async (_name, operation) => {
        const store = await suite.fresh();
        const closing = store.close();
        expect(['closing', 'closed']).toContain(store.status);
        await expectCode(operation(store), ErrorCode.StoreNotOpen);
        await closing;
      },
    );

    it('close() lets writes issued before it finish', async () => {
      const store = await suite.fresh();
      const writes = [
        store.put('thing', 'a', 1),
        store.batch([{ type: 'put', collection: 'thing', key: 'b', value: 2 }]),
      ];
      const closing = store.close();
      expect((await Promise.all(writes)).sort()).toEqual([1, 2]);
      await closing;
      expect(store.status).toBe('closed');
    });

    it('open() and close() are idempotent, also when called concurrently', async () => {
      const store = await suite.fresh();
      await Promise.all([store.open(), store.open()]);
      expect(store.status).toBe('open');
      await Promise.all([store.close(), store.close()]);
      await store.close();
      expect(store.status).toBe('closed');
      await Promise.all([store.open(), store.open()]);
      expect(store.status).toBe('open');
      expect(await store.put('thing', 'k', 1)).toBeGreaterThan(0);
    });

    it('dispose() and Symbol.asyncDispose close the store', async () => {
      const first = await suite.fresh();
      await first.dispose();
      expect(first.status).toBe('closed');
      await first.dispose();
      const second = await suite.fresh();
      await second[Symbol.asyncDispose]();
      expect(second.status).toBe('closed');
      await expectCode(second.get('thing', 'k'), ErrorCode.StoreNotOpen);
    });

    it('a closed store can be opened again', async () => {
      const store = await suite.fresh();
      await store.close();
      await store.open();
      expect(store.status).toBe('open');
      expect(await store.get('thing', 'k')).toBeUndefined();
      expect(await store.put('thing', 'k', 1)).toBeGreaterThan(0);
    });

    it('two fresh stores are isolated', async () => {
      const one = await suite.fresh();
      const two = await suite.fresh();
      await one.put('thing', 'k', 1);
      expect(await two.get('thing', 'k')).toBeUndefined();
      expect(await two.revision()).toBe(0);
    });

    if (suite.capabilities.persistent)
      describe('persistence', () => {
        it('data, revisions and the revision counter survive close and reopen', async () => {
          const store = await suite.fresh();
          await store.put('thing', 'a', { n: 1 });
          await store.batch([
            { type: 'put', collection: 'thing', key: 'b', value: { n: 2 } },
            { type: 'put', collection: 'other', key: 'c', value: [3] },
          ]);
          await store.delete('thing', 'a');
          const reopened = await suite.reopen(store);
          expect(await reopened.revision()).toBe(3);
          expect(await reopened.list('thing')).toEqual([{ key: 'b', value: { n: 2 }, revision: 2 }]);
          expect(await reopened.get('other', 'c')).toEqual({ key: 'c', value: [3], revision: 2 });
          expect(await reopened.put('thing', 'd', 4)).toBe(4);
        });

        if (suite.capabilities.changeFeed)
          it('the change feed and its compaction survive reopen', async () => {
            const store = await suite.fresh();
            await store.put('thing', 'a', 1);
            await store.put('thing', 'b', 2);
            await store.batch([
              { type: 'delete', collection: 'thing', key: 'a' },
              { type: 'put', collection: 'thing', key: 'c', value: 3 },
            ]);
            await store.compact(1);
            const reopened = await suite.reopen(store);
            await expectCode(reopened.changes({ after: 0 }), ErrorCode.Compacted);
            const page = await reopened.changes({ after: 1 });
            expect(page.revision).toBe(3);
            expect(page.changes.map((change) => [change.revision, change.type, change.key])).toEqual([
              [2, 'put', 'b'],
              [3, 'delete', 'a'],
              [3, 'put', 'c'],
            ]);
          });
      });
  });
}
