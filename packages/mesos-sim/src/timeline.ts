import type { CancelTimer, Clock } from '@bcs/core';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * The simulated cluster's agenda: a binary min-heap of `(at, seq)` entries that holds at most **one** timer
 * on the injected clock (for the earliest entry), so 100 000 pending task steps cost the clock nothing.
 *
 * - Entries due at the same time run in the order they were added.
 * - There is no cancel: an entry's callback checks whether it still applies (lazy deletion), which keeps
 *   scheduling O(log n).
 * - `pause()` drops the clock timer but keeps the entries; `resume()` re-arms it, and overdue entries then run
 *   on the clock's next tick (they "catch up").
 */
export class Timeline {
  readonly #clock: Clock;
  readonly #heap: Entry[] = [];
  #seq = 0;
  #active = false;
  #running = false;
  #cancel: CancelTimer | undefined;
  #armedAt = Number.POSITIVE_INFINITY;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Entries not yet run (including ones that will turn out to be stale). */
  get size(): number {
    return this.#heap.length;
  }

  /** Runs `run` at clock time `at` (ms since the epoch), or on the next tick if `at` has passed. */
  at(at: number, run: () => void): void {
    this.#push({ at, seq: this.#seq++, run });
    if (this.#active && !this.#running && at < this.#armedAt) this.#arm();
  }

  /** Runs `run` `delayMs` milliseconds from now. */
  after(delayMs: number, run: () => void): void {
    this.at(this.#clock.now() + delayMs, run);
  }

  /** Starts driving entries from the clock. Idempotent. */
  resume(): void {
    if (this.#active) return;
    this.#active = true;
    this.#arm();
  }

  /** Stops driving entries (they stay queued). Idempotent. */
  pause(): void {
    this.#active = false;
    this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    const top = this.#heap[0];
    if (top === undefined) return;
    this.#armedAt = top.at;
    this.#cancel = this.#clock.setTimer(top.at - this.#clock.now(), () => this.#fire());
  }

  #disarm(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#cancel = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#running = true;
    try {
      for (let top = this.#heap[0]; top !== undefined && this.#active; top = this.#heap[0]) {
        if (top.at > this.#clock.now()) break;
        this.#pop();
        top.run();
      }
    } finally {
      this.#running = false;
      if (this.#active) this.#arm();
    }
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
