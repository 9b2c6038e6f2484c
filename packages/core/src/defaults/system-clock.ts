import type { Clock } from '../ports/clock.js';

/**
 * The wall clock: `Date.now()` and unref'd Node timers. This folder holds the only code in core that reads the
 * real time or randomness; the domain gets both through ports (a lint test checks it).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
