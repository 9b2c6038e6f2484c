import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

/**
 * Ids from a clock: Unix nanoseconds derived from `clock.now()` (milliseconds × 10^6), bumped by one whenever
 * two calls would otherwise collide, so results strictly increase. UUIDs come from `crypto.randomUUID`.
 */
export function createSystemIds(clock: Clock): IdGenerator {
  let last = 0n;
  return {
    uniqueNanos() {
      const now = BigInt(clock.now()) * 1_000_000n;
      last = now > last ? now : last + 1n;
      return last.toString();
    },
    uuid: () => randomUUID(),
  };
}
