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
}
