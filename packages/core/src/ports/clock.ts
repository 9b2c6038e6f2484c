import { createToken } from '../tokens.js';

/** Cancels a timer made by {@link Clock.setTimer}. Calling it twice is harmless. */
export type CancelTimer = () => void;

/**
 * Time as core sees it. Core never calls `Date.now()` or `setTimeout` itself, so tests drive time with a
 * `ManualClock` (from `@bcs/testing/fakes`) and scenarios replay exactly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs` milliseconds (0 or less: on the next tick of this clock). */
  setTimer(delayMs: number, callback: () => void): CancelTimer;
}

export const ClockToken = createToken<Clock>('Clock');
