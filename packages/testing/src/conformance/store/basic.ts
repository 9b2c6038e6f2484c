import { type BatchOp, ErrorCode, type Store } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { expectCode, type StoreSuite } from './harness.js';

/** JSON-compatible values that must read back equal to what was written. */
const VALUES: readonly [string, unknown][] = [
  ['a nested object', { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 3 } }],
  ['an array', [1, 'two', { three: 3 }, [4], null]],
  ['a string', 'hello'],
  ['an empty string', ''],
  ['zero', 0],
  ['a negative float', -12.5],
  ['true', true],
  ['false', false],
  ['null', null],
  ['an empty object', {}],
  ['unicode text', { text: 'ünïcødé 😀 \u0000 "quoted" \\ slash' }],
];

/** Keys that must round-trip unchanged, including characters a key encoding might mangle. */
const KEYS: readonly string[] = [
  'a',
  'ns/name',
  'with space',
  '!bang!',
  'ünïcødé',
  '😀',
  '\uffff',
  'nul\u0000inside',
  'x'.repeat(1000),
];

/** Calls with invalid arguments, each of which must reject with `ParameterError`. */
const INVALID_CALLS: readonly [string, (store: Store) => Promise<unknown>][] = [
  ['an upper-case collection', (s) => s.put('ConfigMap', 'k', 1)],
  ['an empty collection', (s) => s.get('', 'k')],
  ['a collection with an underscore', (s) => s.list('config_map')],
  ['a collection with a slash', (s) => s.delete('a/b', 'k')],
  ['an empty key (get)', (s) => s.get('c', '')],
  ['an empty key (put)', (s) => s.put('c', '', 1)],
  ['an undefined value', (s) => s.put('c', 'k', undefined)],
  ['a limit of 0', (s) => s.list('c', { limit: 0 })],
  ['a negative limit', (s) => s.list('c', { limit: -1 })],
  ['a fractional limit', (s) => s.list('c', { limit: 1.5 })],
  ['a negative expected revision', (s) => s.put('c', 'k', 1, { expect: { revision: -1 } })],
  [
    'a batch op with a bad collection',
    (s) => s.batch([{ type: 'put', collection: 'C', key: 'k', value: 1 }]),
  ],
  [
    'a batch op with an unknown type',
    (s) => s.batch([{ type: 'merge', collection: 'c', key: 'k' } as never]),
  ],
];

/** get, put, delete, revisions, value copies and preconditions. */
export function registerBasicTests(suite: StoreSuite): void {
  describe('basic', () => {
    it('starts at revision 0 with nothing stored', async () => {
      const store = await suite.fresh();
      expect(await store.revision()).toBe(0);
      expect(await store.get('configmap', 'ns/a')).toBeUndefined();
    });

    it('put resolves to the new revision, one more per write', async () => {
      const store = await suite.fresh();
      expect(await store.put('configmap', 'ns/a', { n: 1 })).toBe(1);
      expect(await store.put('configmap', 'ns/b', { n: 2 })).toBe(2);
      expect(await store.put('configmap', 'ns/a', { n: 3 })).toBe(3);
      expect(await store.revision()).toBe(3);
    });

    it('get returns key, value and the revision that last wrote the key', async () => {
      const store = await suite.fresh();
      await store.put('configmap', 'ns/a', { n: 1 });
      await store.put('configmap', 'ns/b', { n: 2 });
      await store.put('configmap', 'ns/a', { n: 3 });
      expect(await store.get('configmap', 'ns/a')).toEqual({ key: 'ns/a', value: { n: 3 }, revision: 3 });
      expect(await store.get('configmap', 'ns/b')).toEqual({ key: 'ns/b', value: { n: 2 }, revision: 2 });
    });

    it.each(VALUES)('round-trips %s', async (_label, value) => {
      const store = await suite.fresh();
      await store.put('thing', 'k', value);
      expect((await store.get('thing', 'k'))?.value).toEqual(value);
    });

    it.each(KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
      'round-trips the key %s',
      async (_, key) => {
        const store = await suite.fresh();
        await store.put('thing', key, { key });
        expect(await store.get('thing', key)).toEqual({ key, value: { key }, revision: 1 });
        expect((await store.list('thing')).map((entry) => entry.key)).toEqual([key]);
      },
    );

    it('stores a copy: mutating the written object or a read value changes nothing', async () => {
      const store = await suite.fresh();
      const written = { list: [1, 2], nested: { a: 1 } };
      await store.put('thing', 'k', written);
      written.list.push(3);
      written.nested.a = 99;
      const first = await store.get<typeof written>('thing', 'k');
      first?.value.list.push(4);
      const second = await store.get<typeof written>('thing', 'k');
      expect(second?.value).toEqual({ list: [1, 2], nested: { a: 1 } });
      expect(second?.value).not.toBe(first?.value);
    });

    it('keeps collections apart', async () => {
      const store = await suite.fresh();
      await store.put('configmap', 'ns/a', 'config');
      await store.put('secret', 'ns/a', 'secret');
      expect((await store.get('configmap', 'ns/a'))?.value).toBe('config');
      expect((await store.get('secret', 'ns/a'))?.value).toBe('secret');
      await store.delete('secret', 'ns/a');
      expect((await store.get('configmap', 'ns/a'))?.value).toBe('config');
    });

    it('delete of an existing key resolves true and increments the revision', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      expect(await store.delete('thing', 'k')).toBe(true);
      expect(await store.get('thing', 'k')).toBeUndefined();
      expect(await store.revision()).toBe(2);
    });

    it('delete of a missing key resolves false and leaves the revision alone', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'other', 1);
      expect(await store.delete('thing', 'k')).toBe(false);
      expect(await store.delete('nothing', 'k')).toBe(false);
      expect(await store.revision()).toBe(1);
    });

    it('a key can be written again after it was deleted', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'k', 1);
      await store.delete('thing', 'k');
      expect(await store.put('thing', 'k', 2, { expect: { absent: true } })).toBe(3);
      expect(await store.get('thing', 'k')).toEqual({ key: 'k', value: 2, revision: 3 });
    });

    describe('preconditions', () => {
      // Each row: the write, and whether it succeeds against key `k` (written at revision 1) and missing `m`.
      const rows: readonly [string, BatchOp, boolean][] = [
        ['put absent on a missing key', put('m', { absent: true }), true],
        ['put absent on an existing key', put('k', { absent: true }), false],
        ['put at the current revision', put('k', { revision: 1 }), true],
        ['put at a stale revision', put('k', { revision: 2 }), false],
        ['put at a revision of a missing key', put('m', { revision: 1 }), false],
        ['delete at the current revision', del('k', { revision: 1 }), true],
        ['delete at a stale revision', del('k', { revision: 7 }), false],
        ['delete absent on an existing key', del('k', { absent: true }), false],
        ['delete at a revision of a missing key', del('m', { revision: 1 }), false],
      ];

      it.each(rows)('%s', async (_label, op, succeeds) => {
        const store = await suite.fresh();
        await store.put('thing', 'k', 'original');
        await store.put('other', 'x', 'padding');
        const options = op.expect === undefined ? {} : { expect: op.expect };
        const write =
          op.type === 'put'
            ? store.put('thing', op.key, 'new', options)
            : store.delete('thing', op.key, options);
        if (succeeds) {
          await expect(write).resolves.toBe(op.type === 'put' ? 3 : true);
          expect(await store.revision()).toBe(3);
        } else {
          await expectCode(write, ErrorCode.Conflict);
          expect(await store.revision()).toBe(2);
          expect(await store.get('thing', 'k')).toEqual({ key: 'k', value: 'original', revision: 1 });
          expect(await store.get('thing', 'm')).toBeUndefined();
        }
      });

      it('delete absent on a missing key holds, deletes nothing and resolves false', async () => {
        const store = await suite.fresh();
        expect(await store.delete('thing', 'm', { expect: { absent: true } })).toBe(false);
        expect(await store.revision()).toBe(0);
      });
    });

    it.each(INVALID_CALLS)('rejects %s with ParameterError', async (_label, call) => {
      const store = await suite.fresh();
      await expectCode(call(store), ErrorCode.ParameterError);
      expect(await store.revision()).toBe(0);
    });
  });
}

function put(key: string, expect: BatchOp['expect']): BatchOp {
  return expect === undefined
    ? { type: 'put', collection: 'thing', key, value: 'new' }
    : { type: 'put', collection: 'thing', key, value: 'new', expect };
}

function del(key: string, expect: BatchOp['expect']): BatchOp {
  return expect === undefined
    ? { type: 'delete', collection: 'thing', key }
    : { type: 'delete', collection: 'thing', key, expect };
}
