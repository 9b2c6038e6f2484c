import { type BatchOp, ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { expectCode, type StoreSuite } from './harness.js';

/** batch: one shared revision, order, atomicity. */
export function registerBatchTests(suite: StoreSuite): void {
  describe('batch', () => {
    it('an empty batch resolves to the current revision and changes nothing', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      expect(await store.batch([])).toBe(1);
      expect(await store.revision()).toBe(1);
    });

    it('all operations share one new revision, across collections', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'old', 0);
      const revision = await store.batch([
        { type: 'put', collection: 'application', key: 'ns/web', value: { instances: 2 } },
        { type: 'put', collection: 'taskgroup', key: 'ns/web/0', value: { index: 0 } },
        { type: 'put', collection: 'taskgroup', key: 'ns/web/1', value: { index: 1 } },
        { type: 'delete', collection: 'thing', key: 'old' },
      ]);
      expect(revision).toBe(2);
      expect(await store.revision()).toBe(2);
      expect(await store.get('application', 'ns/web')).toEqual({
        key: 'ns/web',
        value: { instances: 2 },
        revision: 2,
      });
      expect((await store.list('taskgroup')).map((entry) => entry.revision)).toEqual([2, 2]);
      expect(await store.get('thing', 'old')).toBeUndefined();
    });

    it('applies operations in order: put then delete leaves the key absent', async () => {
      const store = await suite.fresh();
      const revision = await store.batch([
        { type: 'put', collection: 'thing', key: 'k', value: 1 },
        { type: 'delete', collection: 'thing', key: 'k' },
      ]);
      expect(revision).toBe(1);
      expect(await store.get('thing', 'k')).toBeUndefined();
    });

    it('applies operations in order: delete then put leaves the last value', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      await store.batch([
        { type: 'delete', collection: 'thing', key: 'k' },
        { type: 'put', collection: 'thing', key: 'k', value: 2 },
        { type: 'put', collection: 'thing', key: 'k', value: 3 },
      ]);
      expect(await store.get('thing', 'k')).toEqual({ key: 'k', value: 3, revision: 2 });
    });

    it('a precondition sees the effect of earlier operations of the same batch', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      const ops: BatchOp[] = [
        { type: 'delete', collection: 'thing', key: 'k', expect: { revision: 1 } },
        { type: 'put', collection: 'thing', key: 'k', value: 2, expect: { absent: true } },
      ];
      expect(await store.batch(ops)).toBe(2);
      const twice: BatchOp[] = [
        { type: 'put', collection: 'thing', key: 'n', value: 1, expect: { absent: true } },
        { type: 'put', collection: 'thing', key: 'n', value: 2, expect: { absent: true } },
      ];
      await expectCode(store.batch(twice), ErrorCode.Conflict);
    });

    it('a batch of deletes of missing keys changes nothing and keeps the revision', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      expect(
        await store.batch([
          { type: 'delete', collection: 'thing', key: 'x' },
          { type: 'delete', collection: 'thing', key: 'y', expect: { absent: true } },
        ]),
      ).toBe(1);
      expect(await store.revision()).toBe(1);
    });

    it('preconditions that hold let the batch through', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'a', 1);
      const revision = await store.batch([
        { type: 'put', collection: 'thing', key: 'a', value: 2, expect: { revision: 1 } },
        { type: 'put', collection: 'thing', key: 'b', value: 2, expect: { absent: true } },
      ]);
      expect(revision).toBe(2);
      expect((await store.list('thing')).map((entry) => [entry.key, entry.value])).toEqual([
        ['a', 2],
        ['b', 2],
      ]);
    });

    describe('atomicity', () => {
      const failing: readonly [string, BatchOp, number][] = [
        [
          'a stale revision',
          { type: 'put', collection: 'thing', key: 'k', value: 9, expect: { revision: 9 } },
          1,
        ],
        [
          'absent on the key op 1 wrote',
          { type: 'put', collection: 'thing', key: 'a', value: 9, expect: { absent: true } },
          1,
        ],
        ['a bad collection name', { type: 'put', collection: 'Bad!', key: 'k', value: 9 }, 2],
        ['an empty key', { type: 'put', collection: 'thing', key: '', value: 9 }, 2],
      ];

      if (suite.capabilities.atomicBatch)
        it.each(failing)(
          'a failure in op 3 (%s) leaves ops 1-2 unapplied and the revision unchanged',
          async (_label, third, kind) => {
            const store = await suite.fresh();
            await store.put('thing', 'k', 'original');
            const ops: BatchOp[] = [
              { type: 'put', collection: 'thing', key: 'a', value: 1 },
              { type: 'delete', collection: 'thing', key: 'k' },
              third,
              { type: 'put', collection: 'thing', key: 'z', value: 1 },
            ];
            await expectCode(store.batch(ops), kind === 1 ? ErrorCode.Conflict : ErrorCode.ParameterError);
            expect(await store.revision()).toBe(1);
            expect(await store.list('thing')).toEqual([{ key: 'k', value: 'original', revision: 1 }]);
            if (suite.capabilities.changeFeed) {
              expect((await store.changes({ after: 0 })).changes).toHaveLength(1);
            }
          },
        );
    });

    it('the batch stores copies of its values', async () => {
      const store = await suite.fresh();
      const value = { list: [1] };
      await store.batch([{ type: 'put', collection: 'thing', key: 'k', value }]);
      value.list.push(2);
      expect((await store.get('thing', 'k'))?.value).toEqual({ list: [1] });
    });
  });
}
