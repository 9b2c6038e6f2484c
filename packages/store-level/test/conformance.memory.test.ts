import { storeConformance } from '@bcs/testing/conformance';
import { MemoryLevel } from 'memory-level';
import { createLevelStore } from '../src/index.js';

// The shared suite on memory-level: fast, not persistent, so the persistence tests are skipped here and run
// in test/integration/conformance.disk.test.ts on classic-level.
storeConformance('level store (memory-level)', async () => {
  const store = createLevelStore({ db: new MemoryLevel() });
  await store.open();
  return store;
});
