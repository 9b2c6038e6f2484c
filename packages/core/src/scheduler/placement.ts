import type { SchedulingContext } from './context.js';
import type { PooledOffer } from './offer.js';
import { Planner } from './planner.js';
import type { NoFit, Placement, PlacementRequest } from './types.js';

export type { NoFit, Placement, PlacementRequest } from './types.js';

/**
 * Placement, decided apart from done (style 11): pure functions from a request, the offers and a context to
 * where each taskgroup goes. They read no clock and no randomness (the context carries `now` and the seed) and
 * change nothing outside: the caller launches, and consumes the offers it launched on.
 */

/** Whether a placement result is a {@link NoFit}. */
export function isNoFit(result: Placement | NoFit): result is NoFit {
  return 'rejections' in result;
}

/**
 * Where one taskgroup goes: the best-ranked offer every stage of its stack accepts (`stack.ts`, `rank.ts`),
 * or why none does. `ctx` is not told about the placement (use `ctx.record` to count it); its rejection counts
 * are replaced when nothing fits.
 *
 * Example: offers A (4 cpus free of 8) and B (8 of 8), a 1-cpu taskgroup → B (spread: emptiest first); a
 * 16-cpu taskgroup → `{reason: 'no agent fits: cpus rejected 2 agents', rejections: {cpus: 2}}`.
 */
export function placeTaskGroup(
  request: PlacementRequest,
  offers: readonly PooledOffer[],
  ctx: SchedulingContext,
): Placement | NoFit {
  return new Planner(offers, ctx).place(request);
}

/**
 * What {@link planPlacements} decided: placements in request order, the requests that fit nowhere, and what
 * is left of the offers (same order and ids; pass it to the next batch of the same pass).
 */
export interface PlacementPlan {
  readonly placements: Placement[];
  readonly unplaced: { readonly request: PlacementRequest; readonly reason: string }[];
  readonly offers: PooledOffer[];
  /** Requests not tried because `maxPlacements` was reached (the last ones). */
  readonly deferred: number;
}

/**
 * Places `requests` in order. Each placement takes its resources, host ports and container IP from its offer,
 * so later requests see only what is left (several taskgroups may share one offer), and is recorded in `ctx`,
 * so later requests' UNIQUE, MAXPER, GROUPBY and EXCLUDE checks count it. A request that fits nowhere is
 * listed with its no-fit reason and the batch goes on. Once `maxPlacements` are placed, the remaining
 * requests are not tried (`deferred`).
 *
 * Example: 4 instances with UNIQUE(InnerIP) over 3 agents → 3 placements, one per agent, and 1 unplaced with
 * `no agent fits: constraint UNIQUE(InnerIP) rejected 3 agents`.
 */
export function planPlacements(
  requests: readonly PlacementRequest[],
  offers: readonly PooledOffer[],
  ctx: SchedulingContext,
  maxPlacements = Number.POSITIVE_INFINITY,
): PlacementPlan {
  const planner = new Planner(offers, ctx);
  const placements: Placement[] = [];
  const unplaced: PlacementPlan['unplaced'] = [];
  let tried = 0;
  for (const request of requests) {
    if (placements.length >= maxPlacements) break;
    tried++;
    const result = planner.place(request);
    if (isNoFit(result)) {
      unplaced.push({ request, reason: result.reason });
    } else {
      placements.push(result);
      ctx.record(result);
    }
  }
  return { placements, unplaced, offers: [...planner.remainingOffers], deferred: requests.length - tried };
}
