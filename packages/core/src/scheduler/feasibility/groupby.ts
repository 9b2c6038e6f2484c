import type { ConstraintData } from '../../validation/constraint.js';
import { constraintLabel, type FeasibilityChecker, rejectReason, requestApp } from './checker.js';

/**
 * `GROUPBY` (§3.4): spread the application evenly over the set's values of TEXT attribute `name`. The offer's
 * value must be one of the items, and fewer than `limit = ceil((live + 1) / items)` live taskgroups of the
 * application may already have it, `live` being the application's **live** taskgroups (the original also
 * counted dead ones, so a long-lived application lost its spread, §15.9).
 *
 * Worked examples for `{name: 'City', operate: 'GROUPBY', type: 4, set: {item: ['sz', 'sh']}}`:
 * - nothing live, offer sz → true (limit ceil(1/2) = 1, 0 < 1);
 * - one live in sz, offer sz → `constraint GROUPBY(City)` (limit ceil(2/2) = 1, 1 ≮ 1); offer sh → true;
 * - sz ×1 and sh ×1 live, offer sz → true (limit ceil(3/2) = 2);
 * - offer gz, or offer without City, or City as SCALAR → `constraint GROUPBY(City)`.
 */
export function createGroupByChecker(element: ConstraintData): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  const items = new Set(element.type === 4 ? (element.set?.item ?? []) : []);
  return {
    name: reason.reason,
    static: false,
    // Not sticky: the limit grows as the application grows.
    partition: element.name,
    prefilter: (offer) => {
      const value = offer.attributes.get(element.name);
      return value?.type === 'TEXT' && items.has(value.text);
    },
    check(offer, ctx, request) {
      const value = offer.attributes.get(element.name);
      if (value?.type !== 'TEXT' || !items.has(value.text)) return reason;
      const app = requestApp(request);
      const limit = Math.ceil((ctx.live.liveCount(app) + 1) / items.size);
      return ctx.live.valueCount(app, element.name, `s:${value.text}`) < limit ? true : reason;
    },
  };
}
