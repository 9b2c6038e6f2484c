import { describe, expect, it } from 'vitest';
import { PendingIndex } from '../../src/engine/pending-index.js';

// `hasPlaceablePending` answers from an index instead of scanning every Pending taskgroup (issue 11 §4); the
// index must answer exactly what the scan answered: some Pending taskgroup has no `notBefore`, or one ≤ now.

/** A small deterministic PRNG (LCG), so a failure replays. */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x % n;
  };
}

describe('PendingIndex', () => {
  it('answers as a scan of the Pending taskgroups would, over random adds, re-adds and deletes', () => {
    const next = lcg(42);
    const index = new PendingIndex();
    const model = new Map<string, number | undefined>();
    const scan = (at: number) => [...model.values()].some((notBefore) => (notBefore ?? 0) <= at);
    let now = 1000;
    for (let i = 0; i < 20_000; i++) {
      const id = `tg-${next(300)}`;
      const op = next(10);
      if (op < 4) {
        const notBefore = next(5) === 0 ? undefined : now + next(2000) - 200;
        index.add(id, notBefore);
        model.set(id, notBefore);
      } else if (op < 9) {
        index.delete(id);
        model.delete(id);
      } else {
        now += next(100);
      }
      expect(index.placeable(now), `step ${i}`).toBe(scan(now));
    }
  });

  it('finds the one delayed taskgroup that is due among many that are not', () => {
    const index = new PendingIndex();
    for (let i = 0; i < 10_000; i++) index.add(`later-${i}`, 60_000 + i);
    index.add('due', 5000);
    expect(index.placeable(4999)).toBe(false);
    expect(index.placeable(5000)).toBe(true);
    index.delete('due');
    expect(index.placeable(59_999)).toBe(false);
    expect(index.placeable(60_000)).toBe(true);
    index.add('now', undefined);
    expect(index.placeable(0)).toBe(true);
  });
});
