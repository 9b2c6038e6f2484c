import type { ConstraintData } from '../../validation/constraint.js';
import { constraintLabel, type FeasibilityChecker, rejectReason, requestApp } from './checker.js';

/**
 * `EXCLUDE` (§3.4): the offer's host must run no live taskgroup of **another** application (any namespace)
 * whose labels contain one of the set's `labelKey:labelValue` items (split at the first `:`). The element's
 * `name` is not used. Applications whose labels are unknown match no item; the original failed every offer
 * when any application lacked a version (§15.9). One index lookup per item and offer.
 *
 * Worked examples for `{name: 'hostname', operate: 'EXCLUDE', type: 4, set: {item: ['app:db']}}`, app `db`
 * (labels `app=db`) live on node-1, app `cache` (no labels known) live on node-2:
 * - node-1 → `constraint EXCLUDE(hostname)`; node-2 → true; node-3 → true;
 * - placing app `db` itself: node-1 → true (its own taskgroups never exclude it).
 */
export function createExcludeChecker(element: ConstraintData): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  const labels = (element.type === 4 ? (element.set?.item ?? []) : []).map((item) => {
    const colon = item.indexOf(':');
    return colon < 0 ? ([item, ''] as const) : ([item.slice(0, colon), item.slice(colon + 1)] as const);
  });
  return {
    name: reason.reason,
    static: false,
    sticky: true,
    check(offer, ctx, request) {
      const app = requestApp(request);
      for (const [key, value] of labels) {
        if (ctx.live.excludedBy(key, value, offer.hostname, app)) return reason;
      }
      return true;
    },
  };
}
