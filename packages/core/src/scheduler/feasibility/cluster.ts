import type { ConstraintData } from '../../validation/constraint.js';
import {
  constraintLabel,
  elementValues,
  type FeasibilityChecker,
  rejectReason,
  textAttribute,
} from './checker.js';

/**
 * `CLUSTER` (§3.4): TEXT attribute `name` equals the element's text (type 3) or is one of its set items
 * (type 4). A missing or non-TEXT attribute rejects (the original let non-text attributes pass, §15.9), and so
 * does an element of any other type.
 *
 * Worked examples:
 * - `{name: 'City', type: 3, text: 'sz'}`: City sz → true; City sh → rejected; City SCALAR 1 → rejected;
 * - `{name: 'City', type: 4, set: ['sz', 'sh']}`: City sh → true; no City → rejected;
 * - `{name: 'hostname', type: 3, text: 'node-1'}`: hostname node-1 → true.
 */
export function createClusterChecker(element: ConstraintData): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  const allowed = new Set(elementValues(element));
  return {
    name: reason.reason,
    static: true,
    check(offer) {
      const text = textAttribute(offer, element.name);
      return text !== undefined && allowed.has(text) ? true : reason;
    },
  };
}
