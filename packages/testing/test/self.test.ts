import { ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { storeConformance } from '../src/conformance/index.js';
import { createMemoryStore, type MemoryStore } from '../src/fakes/index.js';

// @bcs/testing's own tests run every suite against the fakes (style point 28; Level `test/self.js`).
storeConformance('memory store', async () => createMemoryStore(), {
  plantUnreadable: async (store, collection, key) => (store as MemoryStore).plantUnreadable(collection, key),
});

describe('memory store specifics', () => {
  it('declares its capabilities', () => {
    expect(createMemoryStore().capabilities).toEqual({
      persistent: false,
      atomicBatch: true,
      changeFeed: true,
    });
  });

  it('starts open', () => {
    expect(createMemoryStore().status).toBe('open');
  });

  it('keeps data across close and open of the same object', async () => {
    const store = createMemoryStore();
    await store.put('thing', 'k', 1);
    await store.close();
    await store.open();
    expect(await store.get('thing', 'k')).toEqual({ key: 'k', value: 1, revision: 1 });
  });

  it('rejects a value structuredClone refuses with ParameterError', async () => {
    const store = createMemoryStore();
    await expect(store.put('thing', 'k', { fn: () => 1 })).rejects.toHaveProperty(
      'code',
      ErrorCode.ParameterError,
    );
    expect(await store.revision()).toBe(0);
  });

  it('an operation issued while opening still runs when close() follows at once', async () => {
    const store = createMemoryStore();
    await store.close();
    void store.open();
    const write = store.put('thing', 'k', 1);
    await store.close();
    await expect(write).resolves.toBe(1);
    expect(store.status).toBe('closed');
  });
});
