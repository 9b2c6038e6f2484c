import { describe, expect, it } from 'vitest';
import { better, type Candidate, CandidateHeap } from '../../src/scheduler/candidate-heap.js';

const c = (offer: number, score: number, tie: number): Candidate => ({ offer, score, tie, epoch: 0 });

describe('CandidateHeap', () => {
  it('pops by score descending, then tie ascending', () => {
    const heap = new CandidateHeap([c(0, 1, 0), c(1, 2, 5), c(2, 2, 1), c(3, 0.5, 0)]);
    heap.push(c(4, 3, 9));
    const order: number[] = [];
    for (let next = heap.pop(); next !== undefined; next = heap.pop()) order.push(next.offer);
    expect(order).toEqual([4, 2, 1, 0, 3]);
    expect(heap.size).toBe(0);
  });
});

describe('better', () => {
  it.each<[Candidate, Candidate, boolean]>([
    [c(0, 2, 9), c(1, 1, 0), true],
    [c(0, 1, 0), c(1, 1, 1), true],
    [c(0, 1, 1), c(1, 1, 0), false],
    [c(0, 1, 0), c(1, 1, 0), false],
  ])('%j before %j → %s', (a, b, expected) => {
    expect(better(a, b)).toBe(expected);
  });
});
