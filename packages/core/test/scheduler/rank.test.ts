import { describe, expect, it } from 'vitest';
import { binpackRanker, spreadRanker, tieBreakOf } from '../../src/scheduler/rank.js';
import { anOffer } from './helpers.js';

describe('spreadRanker', () => {
  it.each<[number, number, number, number, number]>([
    [4, 8, 8192, 16384, 1],
    [8, 8, 16384, 16384, 2],
    [0, 0, 1024, 2048, 0.5],
  ])('%d of %d cpus, %d of %d MB → %d', (cpus, totalCpus, mem, totalMem, expected) => {
    const offer = { ...anOffer({ cpus, mem }), totalCpus, totalMem };
    expect(spreadRanker.score(offer)).toBe(expected);
    expect(binpackRanker.score(offer)).toBe(-expected);
  });
});

describe('tieBreakOf', () => {
  it('keeps the offer order without a seed', () => {
    expect(tieBreakOf(undefined, 'o-1', 7)).toBe(7);
  });

  it('hashes seed and id, independent of position', () => {
    expect(tieBreakOf(42, 'o-1', 7)).toBe(tieBreakOf(42, 'o-1', 0));
    expect(tieBreakOf(42, 'o-1', 0)).not.toBe(tieBreakOf(43, 'o-1', 0));
    expect(tieBreakOf(42, 'o-1', 0)).not.toBe(tieBreakOf(42, 'o-2', 0));
  });
});
