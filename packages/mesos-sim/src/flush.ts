/**
 * Resolves after every pending microtask has run (on the next macrotask), so every event the cluster queued
 * has reached the listener, along with any promise chain the listener started that needs no I/O. Test helper:
 * `clock.advance(ms); await drainMicrotasks();`.
 */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
