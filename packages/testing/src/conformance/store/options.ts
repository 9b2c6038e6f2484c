import type { Store } from '@bcs/core';

/** Options of {@link storeConformance}. */
export interface StoreConformanceOptions {
  /**
   * Resolves to an open store over the same data as `store`, which the suite has already closed. A persistent
   * adapter returns a new instance on the same location, which is what proves that data, revision counter and
   * change feed survive a restart. Default: `store.open()` on the same instance.
   */
  readonly reopen?: (store: Store) => Promise<Store>;
  /** How many concurrent writers the concurrency tests start (default 25). */
  readonly concurrency?: number;
  /**
   * Plants a row that cannot be read back under `collection`/`key` of an open store made by the factory
   * (garbage text where the adapter keeps the value, as a torn or foreign write leaves it). Given, the suite
   * runs its `unreadable rows` module (ports/store.ts); the adapter knows how its rows are kept, the suite
   * does not.
   */
  readonly plantUnreadable?: (store: Store, collection: string, key: string) => Promise<void>;
}
