import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@bcs/core';
import { storeConformance } from '@bcs/testing/conformance';
import { Level } from 'level';
import { afterAll } from 'vitest';
import { createLevelStore } from '../../src/index.js';
import { plantRaw } from '../support/plant.js';

// The shared suite on classic-level in a fresh temporary directory per store. `reopen` makes a new store on the
// same directory, so the persistence tests prove that data, revisions and the change feed survive a restart.
const directories: string[] = [];
const locations = new WeakMap<Store, string>();

async function openAt(location: string): Promise<Store> {
  const store = createLevelStore({ location });
  locations.set(store, location);
  await store.open();
  return store;
}

storeConformance(
  'level store (classic-level on disk)',
  async () => {
    const location = mkdtempSync(join(tmpdir(), 'bcs-store-level-'));
    directories.push(location);
    return openAt(location);
  },
  {
    reopen: async (store) => {
      const location = locations.get(store);
      if (location === undefined) throw new Error('reopen: store was not made by this file');
      return openAt(location);
    },
    // The store holds the directory's lock: close it, write the garbage through Level, open it again.
    plantUnreadable: async (store, collection, key) => {
      const location = locations.get(store);
      if (location === undefined) throw new Error('plantUnreadable: store was not made by this file');
      await store.close();
      const db = new Level<string, string>(location);
      await db.open();
      await plantRaw(db, collection, key);
      await db.close();
      await store.open();
    },
  },
);

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
