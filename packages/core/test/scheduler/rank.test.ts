import { describe, expect, it } from 'vitest';
import { type Candidate, CandidateHeap } from '../../src/scheduler/candidate-heap.js';
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

describe('CandidateHeap', () => {
  it('pops by score descending, then tie ascending', () => {
    const c = (offer: number, score: number, tie: number): Candidate => ({ offer, score, tie, epoch: 0 });
    const heap = new CandidateHeap([c(0, 1, 0), c(1, 2, 5), c(2, 2, 1), c(3, 0.5, 0)]);
    heap.push(c(4, 3, 9));
    const order: number[] = [];
    for (let next = heap.pop(); next !== undefined; next = heap.pop()) order.push(next.offer);
    expect(order).toEqual([4, 2, 1, 0, 3]);
    expect(heap.size).toBe(0);
  });
});
