import { ErrorCode } from '@bcs/core';
import { MemoryLevel } from 'memory-level';
import { describe, expect, it, vi } from 'vitest';
import { createLevelStore, type LevelStoreOptions } from '../src/index.js';
import { watchWrites } from './support/level-writes.js';
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
    const level = watchWrites(db);
    level.failNext(original);
    const failure = await store.put('thing', 'b', 2).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: ErrorCode.Internal, cause: original });
    expect(await store.revision()).toBe(1);
    level.restore();
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
    const level = watchWrites(db);
    const store = createLevelStore({ db }, extra);
    await store.put('thing', 'k', 1);
    await store.compact(1);
    expect(level.writes).toHaveLength(2);
    for (const write of level.writes) expect(write.options).toMatchObject({ sync });
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

/** A promise with its resolve function, to hold a Level batch in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves once `writes` holds `times` batches (the store calls Level a few turns after a write). */
async function writtenTimes(writes: readonly unknown[], times: number): Promise<void> {
  while (writes.length < times) await new Promise((resolve) => setImmediate(resolve));
}

describe('group commit', () => {
  it('writes issued together go to Level as ONE batch, with the sync option, each with its own revision', async () => {
    const db = new MemoryLevel();
    const level = watchWrites(db);
    const store = createLevelStore({ db }, { sync: true });
    await store.open();
    const revisions = await Promise.all([
      store.put('thing', 'a', 1),
      store.batch([
        { type: 'put', collection: 'thing', key: 'b', value: 2 },
        { type: 'delete', collection: 'thing', key: 'a' },
      ]),
      store.delete('thing', 'a'),
      store.put('thing', 'c', 3, { expect: { absent: true } }),
    ]);
    expect(revisions).toEqual([1, 2, false, 3]);
    expect(level.writes).toHaveLength(1);
    // Two entries per changed operation (object and change) and one revision counter.
    expect(level.writes[0]).toEqual({ ops: 4 * 2 + 1, options: expect.objectContaining({ sync: true }) });
    await store.close();
  });

  it('writes issued while a group is being written form the next group; reads do not wait for it', async () => {
    const { store, db } = await openStore();
    await store.put('thing', 'x', 'before');
    const held = gate();
    const level = watchWrites(db);
    level.holdNext(held.promise);
    const first = store.put('thing', 'y', 1);
    await writtenTimes(level.writes, 1);
    const next = [store.put('thing', 'z', 2), store.delete('thing', 'x'), store.put('thing', 'y', 3)];
    // The group is still in flight: reads answer at once, with what is written.
    expect(await store.get('thing', 'x')).toEqual({ key: 'x', value: 'before', revision: 1 });
    expect(await store.revision()).toBe(1);
    expect((await store.changes({ after: 0 })).revision).toBe(1);
    held.open();
    expect(await first).toBe(2);
    expect(await Promise.all(next)).toEqual([3, true, 5]);
    expect(level.writes).toHaveLength(2);
    expect((await store.changes({ after: 1 })).changes.map((c) => [c.revision, c.type, c.key])).toEqual([
      [2, 'put', 'y'],
      [3, 'put', 'z'],
      [4, 'delete', 'x'],
      [5, 'put', 'y'],
    ]);
    await store.close();
  });

  it('a failed Level batch fails every write of its group and writes nothing; the next group works', async () => {
    const { store, db } = await openStore();
    const original = Object.assign(new Error('disk on fire'), { code: 'LEVEL_IO_ERROR' });
    const level = watchWrites(db);
    level.failNext(original);
    const results = await Promise.allSettled([
      store.put('thing', 'a', 1),
      store.put('thing', 'a', 2, { expect: { absent: true } }),
      store.delete('thing', 'b'),
    ]);
    for (const result of results)
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { code: ErrorCode.Internal, cause: original },
      });
    expect(await store.revision()).toBe(0);
    expect(await store.get('thing', 'a')).toBeUndefined();
    level.restore();
    expect(await store.put('thing', 'a', 3, { expect: { absent: true } })).toBe(1);
    await store.close();
  });
});

describe('compact', () => {
  const changeKeys = async (db: MemoryLevel) =>
    (await db.keys({ gte: '!changes!', lt: '!changes"' }).all()).map((key) => Number(key.slice(9, 25)));
  const plantChange = (db: MemoryLevel, revision: number) =>
    db.put(
      `!changes!${String(revision).padStart(16, '0')}.00000000`,
      '{"type":"delete","collection":"thing","key":"a"}',
    );

  it('clears from where its previous clear ended; after a reopen, from the start of the feed', async () => {
    const { store, db } = await openStore();
    for (const key of ['a', 'b', 'c', 'd', 'e']) await store.put('thing', key, key);
    await store.compact(2);
    // An entry a clear cut short by a crash would leave (below the marker): later compacts of this open period
    // do not walk the range already cleared, so it stays…
    await plantChange(db, 1);
    await store.compact(4);
    expect(await changeKeys(db)).toEqual([1, 5]);
    // …until the first compact after the store is opened again clears the feed from its start.
    await store.close();
    await store.open();
    await store.put('thing', 'f', 'f');
    await store.compact(5);
    expect(await changeKeys(db)).toEqual([6]);
    expect((await store.changes({ after: 5 })).changes.map((c) => c.key)).toEqual(['f']);
    await store.close();
  });
});
