import type { CancelTimer, Clock } from '@bcs/core';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A {@link Clock} that only moves when told to: tests call `advance(ms)` or `set(epochMs)` and due timers fire
 * synchronously, in time order (ties in the order they were set). Nothing here reads the real time, so a
 * scenario replays exactly.
 *
 * Example: at `now() = 1000`, `setTimer(50, a)` and `setTimer(20, b)`, then `advance(60)` calls `b` at 1020,
 * then `a` at 1050, and leaves `now() = 1060`.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];

  /** @param startMs the initial time in milliseconds since the Unix epoch (default 0). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError('ManualClock: startMs must be a finite number');
    this.#now = startMs;
  }

  /** The current time in milliseconds since the Unix epoch. */
  now(): number {
    return this.#now;
  }

  /**
   * Schedules `callback` at `now() + max(0, delayMs)`. A timer due now fires on the next `advance()` (even
   * `advance(0)`), never synchronously inside `setTimer`. Returns a cancel function; calling it twice is
   * harmless.
   */
  setTimer(delayMs: number, callback: () => void): CancelTimer {
    const timer: Timer = { id: this.#nextId++, at: this.#now + Math.max(0, delayMs), callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /**
   * Moves time forward by `ms` (≥ 0) milliseconds, firing every timer that falls due on the way, in time
   * order. `now()` equals each timer's due time while its callback runs, and timers set by callbacks fire too
   * if they fall due within the window. Returns the number of timers fired.
   */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError('ManualClock: advance(ms) needs a finite ms ≥ 0');
    return this.#runUntil(this.#now + ms);
  }

  /**
   * Moves time to `epochMs`, firing due timers as `advance` does. Moving backwards is allowed (to test clock
   * skew) and fires nothing. Returns the number of timers fired.
   */
  set(epochMs: number): number {
    if (!Number.isFinite(epochMs)) throw new RangeError('ManualClock: set(epochMs) needs a finite number');
    if (epochMs < this.#now) {
      this.#now = epochMs;
      return 0;
    }
    return this.#runUntil(epochMs);
  }

  /** How many timers are set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #runUntil(target: number): number {
    let fired = 0;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#timers = this.#timers.filter((t) => t !== timer);
      this.#now = Math.max(this.#now, timer.at);
      fired++;
      timer.callback();
    }
    this.#now = Math.max(this.#now, target);
    return fired;
  }

  /** The earliest timer due at or before `target`; ties go to the one set first. */
  #nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > target) continue;
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.id < best.id))
        best = timer;
    }
    return best;
  }
}
