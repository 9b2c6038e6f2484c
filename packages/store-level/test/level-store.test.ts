import { ErrorCode } from '@bcs/core';
import { MemoryLevel } from 'memory-level';
import { describe, expect, it, vi } from 'vitest';
import { createLevelStore, type LevelStoreOptions } from '../src/index.js';
import { plantRaw } from './support/plant.js';

async function openStore(db = new MemoryLevel()) {
  const store = createLevelStore({ db });
  await store.open();
  return { store, db };
}

describe('createLevelStore', () => {
  it.each([
    ['no options', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty location', { location: '' }],
    ['a numeric location', { location: 7 }],
    ['a db that is not a database', { db: {} }],
    ['both location and db', { location: '/tmp/x', db: new MemoryLevel() }],
  ])('throws ParameterError at once for %s', (_label, options) => {
    expect(() => createLevelStore(options as unknown as LevelStoreOptions)).toThrow(
      expect.objectContaining({ code: ErrorCode.ParameterError }),
    );
  });

  it('throws ParameterError for a sync option that is not a boolean', () => {
    expect(() => createLevelStore({ db: new MemoryLevel() }, { sync: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: ErrorCode.ParameterError }),
    );
  });

  it('starts opening at once and reports memory-level as not persistent', async () => {
    const store = createLevelStore({ db: new MemoryLevel() });
    expect(store.status).toBe('opening');
    expect(store.capabilities).toEqual({ persistent: false, atomicBatch: true, changeFeed: true });
    await store.open();
    expect(store.status).toBe('open');
    await store.close();
  });
});

describe('key layout (keys.ts)', () => {
  it('writes objects, change entries and the revision counter where keys.ts says', async () => {
    const { store, db } = await openStore();
    await store.put('configmap', 'ns/a', { n: 1 });
    await store.batch([
      { type: 'put', collection: 'configmap', key: 'ns/b', value: 2 },
      { type: 'delete', collection: 'configmap', key: 'ns/a' },
    ]);
    await store.close();
    await db.open();
    expect(await db.iterator().all()).toEqual([
      [
        '!changes!0000000000000001.00000000',
        '{"type":"put","collection":"configmap","key":"ns/a","value":{"n":1}}',
      ],
      [
        '!changes!0000000000000002.00000000',
        '{"type":"put","collection":"configmap","key":"ns/b","value":2}',
      ],
      ['!changes!0000000000000002.00000001', '{"type":"delete","collection":"configmap","key":"ns/a"}'],
      ['!meta!revision', '2'],
      ['!objects!!configmap!ns/b', '{"revision":2,"value":2}'],
    ]);
    await db.close();
  });

  it.each(['meta', 'changes', 'objects'])(
    'a collection named %s does not collide with bookkeeping',
    async (name) => {
      const { store } = await openStore();
      await store.put(name, 'revision', 'not a counter');
      await store.put(name, 'compacted', 'not a marker');
      expect(await store.revision()).toBe(2);
      expect((await store.changes({ after: 0 })).changes).toHaveLength(2);
      expect((await store.list(name)).map((entry) => entry.key)).toEqual(['compacted', 'revision']);
      await store.close();
    },
  );

  it('compact removes the change entries at or below the marker', async () => {
    const { store, db } = await openStore();
    for (const key of ['a', 'b', 'c']) await store.put('thing', key, key);
    await store.compact(2);
    await store.close();
    await db.open();
    const keys = await db.keys({ gte: '!changes!', lt: '!changes"' }).all();
    expect(keys).toEqual(['!changes!0000000000000003.00000000']);
    expect(await db.get('!meta!compacted')).toBe('2');
    await db.close();
  });
});

describe('errors', () => {
  it('wraps a failed Level batch as Internal with the original as cause, and keeps working', async () => {
    const { store, db } = await openStore();
    await store.put('thing', 'a', 1);
    const original = Object.assign(new Error('disk on fire'), { code: 'LEVEL_IO_ERROR' });
    const spy = vi.spyOn(db, 'batch').mockRejectedValueOnce(original);
    const failure = await store.put('thing', 'b', 2).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: ErrorCode.Internal, cause: original });
    expect(await store.revision()).toBe(1);
    spy.mockRestore();
    expect(await store.put('thing', 'b', 2)).toBe(2);
    await store.close();
  });

  it('a failed open rejects with StoreNotOpen, and so do operations', async () => {
    const db = new MemoryLevel();
    const original = Object.assign(new Error('locked'), { code: 'LEVEL_LOCKED' });
    vi.spyOn(db, 'open').mockRejectedValue(original);
    const store = createLevelStore({ db });
    const get = store.get('thing', 'k');
    await expect(store.open()).rejects.toMatchObject({ code: ErrorCode.StoreNotOpen, cause: original });
    await expect(get).rejects.toHaveProperty('code', ErrorCode.StoreNotOpen);
    expect(store.status).toBe('closed');
    await expect(store.put('thing', 'k', 1)).rejects.toHaveProperty('code', ErrorCode.StoreNotOpen);
  });

  it.each([
    ['a BigInt', { n: 1n }],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      })(),
    ],
    ['a function', () => 1],
  ])('rejects %s value with ParameterError and writes nothing', async (_label, value) => {
    const { store } = await openStore();
    await expect(store.put('thing', 'k', value)).rejects.toHaveProperty('code', ErrorCode.ParameterError);
    expect(await store.revision()).toBe(0);
    await store.close();
  });
});

describe('sync option', () => {
  it.each([
    [{}, false],
    [{ sync: true }, true],
  ])('with %j passes sync: %s to every Level batch', async (extra, sync) => {
    const db = new MemoryLevel();
    const spy = vi.spyOn(db, 'batch');
    const store = createLevelStore({ db }, extra);
    await store.put('thing', 'k', 1);
    await store.compact(1);
    expect(spy).toHaveBeenCalledTimes(2);
    for (const call of spy.mock.calls as unknown as unknown[][]) expect(call[1]).toMatchObject({ sync });
    await store.close();
  });
});

describe('rows that are JSON but not an object record', () => {
  it.each([
    ['a bare value', '"x"'],
    ['null', 'null'],
    ['no revision', '{"value":1}'],
    ['revision 0', '{"revision":0,"value":1}'],
    ['no value', '{"revision":3}'],
  ])('%s is unreadable: get rejects, list skips and reports it', async (_label, text) => {
    const { store, db } = await openStore();
    await store.put('thing', 'a', 1);
    await plantRaw(db, 'thing', 'b', text);
    await expect(store.get('thing', 'b')).rejects.toHaveProperty('code', ErrorCode.Unreadable);
    const reported: string[] = [];
    const entries = await store.list('thing', { onUnreadable: (row) => reported.push(row.key) });
    expect(entries.map((e) => e.key)).toEqual(['a']);
    expect(reported).toEqual(['b']);
    await store.close();
  });
});
