import type { IdGenerator } from '@bcs/core';

/** Options of {@link SequentialIds}. */
export interface SequentialIdsOptions {
  /**
   * The first `uniqueNanos()` result, a non-negative integer as a decimal string or bigint. Default
   * `'1527839061316356269'` (the example id of spec/bcs-behaviour.md §1.3).
   */
  readonly startNanos?: string | bigint;
}

const DEFAULT_START = 1527839061316356269n;

/**
 * A deterministic {@link IdGenerator} for tests.
 *
 * - `uniqueNanos()` returns `startNanos`, then `startNanos + 1`, … as decimal strings (bigint arithmetic, so
 *   values beyond 2^53 stay exact).
 * - `uuid()` returns a well-formed version 4 UUID whose last 12 hex digits count up from 1:
 *   `00000000-0000-4000-8000-000000000001`, `…-000000000002`, … (wrapping after 16^12 − 1).
 */
export class SequentialIds implements IdGenerator {
  #nanos: bigint;
  #uuids = 0n;

  constructor(options: SequentialIdsOptions = {}) {
    const start = BigInt(options.startNanos ?? DEFAULT_START);
    if (start < 0n) throw new RangeError('SequentialIds: startNanos must be ≥ 0');
    this.#nanos = start;
  }

  /** The next nanosecond value: the start value on the first call, then one more on each call. */
  uniqueNanos(): string {
    const value = this.#nanos;
    this.#nanos += 1n;
    return value.toString();
  }

  /** The next UUID: `00000000-0000-4000-8000-` followed by the 1-based call count as 12 hex digits. */
  uuid(): string {
    this.#uuids = (this.#uuids % 0xffffffffffffn) + 1n;
    return `00000000-0000-4000-8000-${this.#uuids.toString(16).padStart(12, '0')}`;
  }
}
