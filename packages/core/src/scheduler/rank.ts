import type { PooledOffer } from './offer.js';

/**
 * Ranking, the stage after feasibility (style 13): among the offers a taskgroup may go to, it goes to the
 * best-scored one; ties go to the lower tie-break.
 *
 * A ranker scores an offer from the offer alone (what it has left), never from the request. That lets the
 * planner keep offers in a heap ordered by score and visit them best first, stopping at the first feasible
 * one: the same answer as filtering every offer and taking the best, for O(k log n) instead of O(n) per
 * placement (k = offers visited).
 */
export interface Ranker {
  readonly name: string;
  /** Higher is better. */
  score(offer: PooledOffer): number;
}

/**
 * Spread, the original's ranking (§3.1 steps 4 and 7): emptiest first, by `point = cpus/totalCpus +
 * mem/totalMem` of what the offer has left. A placement lowers its offer's point, so a batch spreads over
 * agents before stacking them. A zero total contributes 0.
 *
 * Worked examples: 4 of 8 cpus and 8 of 16 GB left → 1.0; 8/8 and 16/16 → 2.0; 0 of 0 cpus, 1 of 2 GB → 0.5.
 */
export const spreadRanker: Ranker = {
  name: 'spread',
  score: (offer) =>
    (offer.totalCpus > 0 ? offer.cpus / offer.totalCpus : 0) +
    (offer.totalMem > 0 ? offer.mem / offer.totalMem : 0),
};

/**
 * Bin packing, the opposite: fullest first (−point), so that whole agents stay free for big taskgroups.
 * Worked example: points 1.0 and 2.0 → scores −1.0 and −2.0, the first wins.
 */
export const binpackRanker: Ranker = {
  name: 'binpack',
  score: (offer) => -spreadRanker.score(offer),
};

/**
 * The tie-break of the offer at `position` with id `offerId`: without a seed its position (ties keep the
 * offers' order, as the original's pool did); with one, a 32-bit hash of seed and id, so the order of
 * equally ranked offers is shuffled reproducibly (Nomad seeds its shuffles from the evaluation).
 *
 * Examples: (undefined, 'o-1', 7) → 7; (42, 'o-1', 7) → the same number on every run, independent of 7.
 */
export function tieBreakOf(seed: number | undefined, offerId: string, position: number): number {
  if (seed === undefined) return position;
  // FNV-1a over the id, seeded, then murmur3's finaliser to spread the bits.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < offerId.length; i++) h = Math.imul(h ^ offerId.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
