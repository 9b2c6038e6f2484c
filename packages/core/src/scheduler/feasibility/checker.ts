import type { SchedulingContext } from '../context.js';
import { appKey } from '../live-index.js';
import type { AttrValue, PooledOffer } from '../offer.js';
import type { PlacementRequest, RejectReason } from '../types.js';

/**
 * One feasibility check (style 12; Nomad's `FeasibilityChecker`): may this taskgroup go to this offer?
 * `check` returns `true` or the reason it may not. The other members are hints the planner uses to visit
 * fewer offers; a checker without them is always correct, only slower.
 */
export interface FeasibilityChecker {
  readonly name: string;
  /**
   * Decides from the offer's attributes, taints and disabled flag and the request's version alone (never from
   * amounts left, the live taskgroups, the clock or the instance index), so a pass decides it once per offer
   * and version.
   */
  readonly static: boolean;
  /**
   * A rejection stays a rejection for every later request of the same version and application in the pass:
   * the checker reads only what placements can only make worse (free amounts, ports and IPs; live counts for
   * UNIQUE, MAXPER, EXCLUDE) and nothing of the request beyond its version and application. The planner then
   * stops visiting the offer for that version.
   */
  readonly sticky?: boolean;
  /** A static necessary condition: offers failing it are always rejected (GROUPBY: the value is an item). */
  readonly prefilter?: (offer: PooledOffer) => boolean;
  /**
   * The verdict depends on the offer only through the value of this attribute (UNIQUE, MAXPER, GROUPBY), so
   * the planner may decide it once per value.
   */
  readonly partition?: string;
  check(offer: PooledOffer, ctx: SchedulingContext, request: PlacementRequest): true | RejectReason;
}

const REASONS = new Map<string, RejectReason>();

/** The shared, frozen {@link RejectReason} named `reason`. Example: `rejectReason('cpus')` → `{reason: 'cpus'}`. */
export function rejectReason(reason: string): RejectReason {
  let found = REASONS.get(reason);
  if (found === undefined) {
    found = Object.freeze({ reason });
    // Constraint labels come from user input; keep the cache bounded.
    if (REASONS.size > 10_000) REASONS.clear();
    REASONS.set(reason, found);
  }
  return found;
}

/** The application key of `request` (the live index groups by it). */
export function requestApp(request: PlacementRequest): string {
  return appKey(request.namespace, request.appId);
}

/**
 * The key UNIQUE and MAXPER compare an offer attribute by (a `valueKey`): TEXT and SCALAR values only.
 * Examples: TEXT `a` → `s:a`; SCALAR 2 → `n:2`; SET → undefined; missing → undefined.
 */
export function comparableKey(value: AttrValue | undefined): string | undefined {
  if (value?.type === 'TEXT') return `s:${value.text}`;
  if (value?.type === 'SCALAR') return `n:${value.scalar}`;
  return undefined;
}

/** The TEXT value of attribute `name` of `offer` (`hostname` is always there), or undefined. */
export function textAttribute(offer: PooledOffer, name: string): string | undefined {
  const value = offer.attributes.get(name);
  return value?.type === 'TEXT' ? value.text : undefined;
}

/**
 * The name a constraint element's rejections are counted under.
 * Example: `{name: 'InnerIP', operate: 'UNIQUE'}` → `constraint UNIQUE(InnerIP)`.
 */
export function constraintLabel(element: { readonly name: string; readonly operate: string }): string {
  return `constraint ${element.operate}(${element.name})`;
}

/**
 * The values a TEXT or SET constraint element compares with: `[text]` for type 3, the set's items for type
 * 4, none otherwise (so CLUSTER, LIKE and UNLIKE reject every offer). Example: `{type: 4, set: {item: ['a',
 * 'b']}}` → `['a', 'b']`.
 */
export function elementValues(element: {
  readonly type?: number;
  readonly text?: { readonly value: string };
  readonly set?: { readonly item: readonly string[] };
}): readonly string[] {
  if (element.type === 3 && element.text !== undefined) return [element.text.value];
  if (element.type === 4) return element.set?.item ?? [];
  return [];
}
