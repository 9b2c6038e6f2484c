import type { Store, StoreCapabilities } from '@bcs/core';
import { describe } from 'vitest';
import { registerBasicTests } from './basic.js';
import { registerBatchTests } from './batch.js';
import { registerChangesTests } from './changes.js';
import { registerConcurrencyTests } from './concurrency.js';
import { createStoreSuite } from './harness.js';
import { registerLifecycleTests } from './lifecycle.js';
import { registerListTests } from './list.js';
import type { StoreConformanceOptions } from './options.js';
import { registerUnreadableTests } from './unreadable.js';

export type { StoreConformanceOptions } from './options.js';

/**
 * Registers the Store conformance suite under `describe(name)`: the behaviour every `Store` adapter must show
 * (basic, list, batch, changes, lifecycle, concurrency, unreadable rows). Call it at the top level of a vitest test file.
 *
 * - `factory` resolves to a fresh, isolated, open store on every call. The suite disposes every store it made
 *   after each test; the caller removes anything else (temporary directories) in its own `afterAll`.
 * - Capabilities come from `store.capabilities` of one probe store made (and disposed) while vitest collects
 *   the suite; tests of a capability the store lacks are not registered at all (a store without a change
 *   feed has no change-feed tests), so a run never reports skipped tests.
 * - `options.reopen` proves persistence across a restart (see {@link StoreConformanceOptions}).
 * - `options.plantUnreadable` lets the suite check how the store treats a row it cannot read back; without it
 *   those tests are not registered.
 *
 * @example
 * storeConformance('memory', async () => createMemoryStore());
 */
export function storeConformance(
  name: string,
  factory: () => Promise<Store>,
  options: StoreConformanceOptions = {},
): void {
  // vitest awaits an async describe callback while collecting, which lets the probe's capabilities decide
  // which tests to register (they are only known once the async factory resolves).
  describe(name, async () => {
    const capabilities = await probeCapabilities(factory);
    const suite = createStoreSuite(factory, capabilities, options);
    registerBasicTests(suite);
    registerListTests(suite);
    registerBatchTests(suite);
    registerChangesTests(suite);
    registerLifecycleTests(suite);
    registerConcurrencyTests(suite);
    registerUnreadableTests(suite);
  });
}

async function probeCapabilities(factory: () => Promise<Store>): Promise<StoreCapabilities> {
  const probe = await factory();
  try {
    return { ...probe.capabilities };
  } finally {
    await probe.dispose();
  }
}
