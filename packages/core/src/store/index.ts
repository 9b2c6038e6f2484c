/*
 * Helpers for Store adapters (the port is ports/store.ts): the argument checks, the batch planner and the
 * open/close state machine that every adapter shares, so that all of them behave alike; and for the store's
 * readers, the logging of unreadable rows. Pure: no I/O.
 */
export { needsStoredRevision, type PlannedOp, planBatch, UNREADABLE_REVISION } from './batch-plan.js';
export { decodeStoreKey, encodeStoreKey } from './key-order.js';
export * as storeArgs from './store-args.js';
export { StoreLifecycle, type StoreLifecycleHooks } from './store-lifecycle.js';
export { UNREADABLE_REASON, unreadableReporter } from './unreadable.js';
