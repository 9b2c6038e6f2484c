/** Exponential back-off bounds, in milliseconds. */
export interface BackoffOptions {
  /** The cap of the first delay. Default 500. */
  readonly initialMs?: number;
  /** The largest cap. Default 15 000. */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 15_000 } as const;

/**
 * The delay before retry number `failures` (0 for the first retry), with full jitter: a uniform draw in
 * `[0, min(maxMs, initialMs × 2^failures))`, so drivers that lost the same master do not come back together.
 *
 * Examples (`random` = 0.5, defaults): failures 0 → 250 ms, 1 → 500, 2 → 1000, 5 → 7500, 6 and later → 7500.
 */
export function backoffDelay(failures: number, random: () => number, options: BackoffOptions = {}): number {
  const initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  // 2^30 × 0.5 s is far past any cap; stop the exponent there so it never overflows.
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, failures), 30));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * cap);
}
