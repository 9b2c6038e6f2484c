import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';

describe('backoffDelay', () => {
  // The doc comment's worked examples (random = 0.5, defaults 500 → 15 000 ms).
  it.each([
    [0, 250],
    [1, 500],
    [2, 1000],
    [5, 7500],
    [6, 7500],
    [1000, 7500],
  ])('failures %i → %i ms at random 0.5', (failures, delay) => {
    expect(backoffDelay(failures, () => 0.5)).toBe(delay);
  });

  it.each([
    [0, 0],
    [0.999_999, 14_999],
  ])('draws in [0, cap): random %d at the cap → %i ms', (random, delay) => {
    expect(backoffDelay(10, () => random)).toBe(delay);
  });

  it('honours other bounds', () => {
    expect(backoffDelay(3, () => 1, { initialMs: 100, maxMs: 300 })).toBe(300);
    expect(backoffDelay(1, () => 1, { initialMs: 100, maxMs: 300 })).toBe(200);
  });
});
