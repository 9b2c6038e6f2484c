import type { ErrorCode, Store, StoreCapabilities } from '@bcs/core';
import { afterEach, expect } from 'vitest';
import type { StoreConformanceOptions } from './options.js';

/** What each feature module of the Store suite receives. */
export interface StoreSuite {
  /** The capabilities of the stores under test, read from a probe store while the suite is collected. */
  readonly capabilities: StoreCapabilities;
  /** How many concurrent writers the concurrency tests start. */
  readonly concurrency: number;
  /** A fresh, isolated, open store; disposed after the current test. */
  fresh(): Promise<Store>;
  /** Closes `store` and resolves to an open store over the same data (disposed after the current test). */
  reopen(store: Store): Promise<Store>;
  /** Plants an unreadable row (the adapter's `plantUnreadable` option); the module using it runs only then. */
  readonly plantUnreadable: StoreConformanceOptions['plantUnreadable'];
}

/**
 * Builds the suite context: tracks every store a test makes and disposes them all in `afterEach`, so a failing
 * test cannot leak an open LevelDB lock into the next one. Call it inside the suite's `describe`.
 */
export function createStoreSuite(
  factory: () => Promise<Store>,
  capabilities: StoreCapabilities,
  options: StoreConformanceOptions,
): StoreSuite {
  const live = new Set<Store>();
  const track = (store: Store): Store => {
    live.add(store);
    return store;
  };
  afterEach(async () => {
    const stores = [...live];
    live.clear();
    await Promise.all(stores.map((store) => store.dispose()));
  });
  const reopenWith = options.reopen ?? reopenSameInstance;
  return {
    capabilities,
    concurrency: options.concurrency ?? 25,
    plantUnreadable: options.plantUnreadable,
    fresh: async () => track(await factory()),
    reopen: async (store) => {
      await store.close();
      return track(await reopenWith(store));
    },
  };
}

/** The default `reopen`: `open()` on the same (closed) instance. */
async function reopenSameInstance(store: Store): Promise<Store> {
  await store.open();
  return store;
}

/** Asserts that `promise` rejects with a `BcsError` carrying `code` (never the message text: style point 20). */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toHaveProperty('code', code);
}

/** Settles every promise and splits the results into fulfilled values and rejection reasons. */
export async function settle<T>(promises: readonly Promise<T>[]): Promise<{ won: T[]; lost: unknown[] }> {
  const results = await Promise.allSettled(promises);
  const won: T[] = [];
  const lost: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') won.push(result.value);
    else lost.push(result.reason);
  }
  return { won, lost };
}
