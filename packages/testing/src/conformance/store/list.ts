import type { ListOptions, Store } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import type { StoreSuite } from './harness.js';

/**
 * Keys whose UTF-16 order differs from other plausible orders: upper case sorts before lower case, `/` (0x2F)
 * before `0` (0x30), and `😀` (surrogates 0xD83D 0xDE00) before `\uFFFF` although its code point (0x1F600) is
 * larger, which is where UTF-8 byte order and UTF-16 order disagree.
 */
const KEYS = ['b', 'a', 'B', 'a/b', 'a0', 'a/', '\uffff', '😀', 'ä', 'ns1/x', 'ns10/y', 'ns1/a', 'ns2/z'];
const SORTED = ['B', 'a', 'a/', 'a/b', 'a0', 'b', 'ns1/a', 'ns1/x', 'ns10/y', 'ns2/z', 'ä', '😀', '\uffff'];

async function seeded(suite: StoreSuite): Promise<Store> {
  const store = await suite.fresh();
  await store.batch(KEYS.map((key) => ({ type: 'put', collection: 'thing', key, value: { key } })));
  await store.put('other', 'a', 'not listed');
  return store;
}

/** list: order, prefix, after, limit and paging. */
export function registerListTests(suite: StoreSuite): void {
  describe('list', () => {
    it('returns [] for an empty or unknown collection', async () => {
      const store = await suite.fresh();
      expect(await store.list('thing')).toEqual([]);
      await store.put('other', 'k', 1);
      expect(await store.list('thing')).toEqual([]);
    });

    it('lists every key of the collection in ascending UTF-16 code-unit order', async () => {
      const store = await seeded(suite);
      const keys = (await store.list('thing')).map((entry) => entry.key);
      expect(keys).toEqual(SORTED);
      expect(keys.indexOf('😀')).toBeLessThan(keys.indexOf('\uffff'));
    });

    it('returns values and revisions, not other collections', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'b', { n: 1 });
      await store.put('thing', 'a', { n: 2 });
      await store.put('other', 'a', { n: 3 });
      await store.put('thing', 'b', { n: 4 });
      expect(await store.list('thing')).toEqual([
        { key: 'a', value: { n: 2 }, revision: 2 },
        { key: 'b', value: { n: 4 }, revision: 4 },
      ]);
    });

    it('leaves out deleted keys', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'a', 1);
      await store.put('thing', 'b', 2);
      await store.delete('thing', 'a');
      expect((await store.list('thing')).map((entry) => entry.key)).toEqual(['b']);
    });

    it('returns copies of the values', async () => {
      const store = await suite.fresh();
      await store.put('thing', 'a', { list: [1] });
      const [first] = await store.list<{ list: number[] }>('thing');
      first?.value.list.push(2);
      expect((await store.list('thing'))[0]?.value).toEqual({ list: [1] });
    });

    const cases: readonly [string, ListOptions, string[]][] = [
      ['no options', {}, SORTED],
      ['an empty prefix', { prefix: '' }, SORTED],
      ['prefix ns1/ (not ns10/)', { prefix: 'ns1/' }, ['ns1/a', 'ns1/x']],
      ['prefix a', { prefix: 'a' }, ['a', 'a/', 'a/b', 'a0']],
      ['prefix a/', { prefix: 'a/' }, ['a/', 'a/b']],
      ['a prefix nothing has', { prefix: 'zz' }, []],
      ['prefix 😀 (a surrogate pair)', { prefix: '😀' }, ['😀']],
      ['after a (strictly greater)', { after: 'a' }, SORTED.slice(2)],
      ['after a key that is not stored', { after: 'a1' }, SORTED.slice(5)],
      ['after the last key', { after: '\uffff' }, []],
      ['limit 3', { limit: 3 }, SORTED.slice(0, 3)],
      ['a limit above the count', { limit: 100 }, SORTED],
      ['prefix ns1/ after ns1/a', { prefix: 'ns1/', after: 'ns1/a' }, ['ns1/x']],
      [
        'prefix ns after a key before the prefix',
        { prefix: 'ns', after: 'a' },
        ['ns1/a', 'ns1/x', 'ns10/y', 'ns2/z'],
      ],
      ['prefix ns1/ after a key past the prefix', { prefix: 'ns1/', after: 'ns2' }, []],
      ['prefix ns, after ns1/a, limit 2', { prefix: 'ns', after: 'ns1/a', limit: 2 }, ['ns1/x', 'ns10/y']],
    ];

    it.each(cases)('with %s', async (_label, options, expected) => {
      const store = await seeded(suite);
      expect((await store.list('thing', options)).map((entry) => entry.key)).toEqual(expected);
    });

    it.each([1, 2, 5])('pages with after + limit %i visit every key once, in order', async (limit) => {
      const store = await seeded(suite);
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 100; page++) {
        const entries = await store.list('thing', after === undefined ? { limit } : { after, limit });
        expect(entries.length).toBeLessThanOrEqual(limit);
        if (entries.length === 0) break;
        seen.push(...entries.map((entry) => entry.key));
        after = entries.at(-1)?.key;
      }
      expect(seen).toEqual(SORTED);
    });
  });
}
