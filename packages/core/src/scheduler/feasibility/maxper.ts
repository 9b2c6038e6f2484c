import type { ConstraintData } from '../../validation/constraint.js';
import {
  comparableKey,
  constraintLabel,
  type FeasibilityChecker,
  rejectReason,
  requestApp,
} from './checker.js';

/**
 * `MAXPER` (§3.4): at most N live taskgroups of the application per value of attribute `name`, N being the
 * element's text (a whole number ≥ 1; anything else rejects every offer). The attribute must be TEXT or
 * SCALAR; missing or not comparable rejects.
 *
 * Worked examples for `{name: 'City', operate: 'MAXPER', type: 3, text: {value: '2'}}`, app live in City sz ×2,
 * sh ×1:
 * - offer City sh → true (1 < 2);
 * - offer City sz → `constraint MAXPER(City)` (2 ≮ 2);
 * - offer City gz → true (0 < 2);
 * - text `two` → `constraint MAXPER(City)` on every offer.
 */
export function createMaxPerChecker(element: ConstraintData): FeasibilityChecker {
  const text = element.text?.value ?? '';
  return createValueLimitChecker(element, /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : 0);
}

/**
 * The checker behind MAXPER and UNIQUE: an offer qualifies when fewer than `limit` live taskgroups of the same
 * application stored its value of attribute `element.name` (UNIQUE is a limit of 1). The value must be TEXT or
 * SCALAR; a missing or incomparable attribute, or a limit below 1, rejects. One index lookup per offer.
 */
export function createValueLimitChecker(element: ConstraintData, limit: number): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  return {
    name: reason.reason,
    static: false,
    sticky: true,
    partition: element.name,
    prefilter: (offer) => comparableKey(offer.attributes.get(element.name)) !== undefined,
    check(offer, ctx, request) {
      const key = comparableKey(offer.attributes.get(element.name));
      if (key === undefined || limit < 1) return reason;
      return ctx.live.valueCount(requestApp(request), element.name, key) < limit ? true : reason;
    },
  };
}
