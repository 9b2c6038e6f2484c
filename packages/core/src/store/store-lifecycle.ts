import type { StoreStatus } from '../ports/store.js';

/** What a {@link StoreLifecycle} calls to acquire and release an adapter's storage. */
export interface StoreLifecycleHooks {
  /**
   * Acquires the storage (opens the database, loads counters). A rejection leaves the store `closed` and is
   * what `open()`, and every operation waiting for the open, reject with; wrap foreign errors here.
   */
  readonly open: () => Promise<void>;
  /**
   * Releases the storage, once every operation already accepted has settled. The store is `closed` afterwards
   * even if this rejects; the rejection is what `close()` rejects with.
   */
  readonly close: () => Promise<void>;
  /** The error an operation issued while `closing` or `closed` rejects with: code `StoreNotOpen`. */
  readonly notOpen: (status: StoreStatus) => Error;
}

/**
 * The open/close state machine of a Store adapter (ports/store.ts `status`), shared so that every adapter
 * behaves alike in each state (the conformance suite's lifecycle traits, style point 29). Like Level's
 * abstract-level, it owns the states and the waiting; the adapter supplies only the storage work as hooks.
 *
 * - `closed` → `open()` → `opening` → `open`; a failed open goes back to `closed`.
 * - `open` → `close()` → `closing` → `closed`. `close()` first waits for an open in progress and for every
 *   operation accepted so far, then calls `hooks.close`.
 * - `open()` and `close()` are idempotent, also concurrently: a second call returns the pending promise, and
 *   `open()` while `closing` reopens once the close is done.
 * - {@link run} runs an operation at once when `open` (synchronously, up to its first `await`, so a later
 *   `close()` cannot overtake it), after the open when `opening` (even if a `close()` comes in meanwhile), and
 *   rejects with `hooks.notOpen(status)` otherwise.
 */
export class StoreLifecycle {
  readonly #hooks: StoreLifecycleHooks;
  #status: StoreStatus;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Operations accepted but not settled; `close()` waits for them. */
  readonly #pending = new Set<Promise<unknown>>();

  /** `initial` is `open` for storage that needs no acquiring (an in-memory store); default `closed`. */
  constructor(hooks: StoreLifecycleHooks, initial: 'open' | 'closed' = 'closed') {
    this.#hooks = hooks;
    this.#status = initial;
  }

  /** `opening`, `open`, `closing` or `closed`: what the adapter reports as `Store.status`. */
  get status(): StoreStatus {
    return this.#status;
  }

  /** Opens (calling `hooks.open`) unless open or opening; resolves once open. */
  open(): Promise<void> {
    switch (this.#status) {
      case 'open':
        return Promise.resolve();
      case 'opening':
        return this.#opening as Promise<void>;
      case 'closing':
        return (this.#closing as Promise<void>).then(() => this.open());
      case 'closed':
        this.#status = 'opening';
        this.#opening = this.#doOpen();
        return this.#opening;
    }
  }

  /** Closes (waiting for accepted operations, then calling `hooks.close`) unless closed; resolves once closed. */
  close(): Promise<void> {
    if (this.#status === 'closed') return Promise.resolve();
    if (this.#status === 'closing') return this.#closing as Promise<void>;
    const opening = this.#opening;
    this.#status = 'closing';
    this.#closing = this.#doClose(opening);
    return this.#closing;
  }

  /** Runs `operation` as the current state allows (see the class comment) and tracks it until it settles. */
  run<R>(operation: () => R | PromiseLike<R>): Promise<R> {
    let started: Promise<R>;
    if (this.#status === 'open') started = attempt(operation);
    else if (this.#status === 'opening' && this.#opening) started = this.#opening.then(operation);
    else return Promise.reject(this.#hooks.notOpen(this.#status));
    this.#pending.add(started);
    const forget = () => this.#pending.delete(started);
    started.then(forget, forget);
    return started;
  }

  async #doOpen(): Promise<void> {
    try {
      await this.#hooks.open();
      // A close() issued while opening has already moved the status on.
      if (this.#status === 'opening') this.#status = 'open';
    } catch (error) {
      this.#status = 'closed';
      throw error;
    } finally {
      this.#opening = undefined;
    }
  }

  async #doClose(opening: Promise<void> | undefined): Promise<void> {
    try {
      await opening?.catch(() => undefined);
      // Operations that waited for the open start only now; loop until none is left.
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      await this.#hooks.close();
    } finally {
      this.#status = 'closed';
      this.#closing = undefined;
    }
  }
}

/** Calls `operation` now; a synchronous throw becomes a rejection. */
function attempt<R>(operation: () => R | PromiseLike<R>): Promise<R> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error);
  }
}
