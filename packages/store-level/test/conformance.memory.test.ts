import type { Store } from '@bcs/core';
import { storeConformance } from '@bcs/testing/conformance';
import { MemoryLevel } from 'memory-level';
import { createLevelStore } from '../src/index.js';
import { plantRaw } from './support/plant.js';

// The shared suite on memory-level: fast, not persistent, so the persistence tests are skipped here and run
// in test/integration/conformance.disk.test.ts on classic-level.
const databases = new WeakMap<Store, MemoryLevel>();

storeConformance(
  'level store (memory-level)',
  async () => {
    const db = new MemoryLevel();
    const store = createLevelStore({ db });
    databases.set(store, db);
    await store.open();
    return store;
  },
  {
    plantUnreadable: async (store, collection, key) => {
      const db = databases.get(store);
      if (db === undefined) throw new Error('plantUnreadable: store was not made by this file');
      await plantRaw(db, collection, key);
    },
  },
);
