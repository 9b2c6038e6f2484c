import type { ConstraintData } from '../../validation/constraint.js';
import { constraintLabel, type FeasibilityChecker, rejectReason } from './checker.js';

/**
 * `GREATER` and `LESS` (§3.4; LESS is ours, §15.9): SCALAR attribute `name` strictly greater (less) than the
 * element's scalar. The element must be type 1 and the attribute SCALAR; anything else rejects.
 *
 * Worked examples, offer `cpu-score` SCALAR 8:
 * - GREATER 4 → true; GREATER 8 → rejected; LESS 10 → true; LESS 8 → rejected;
 * - GREATER on a TEXT attribute `8` → rejected; an element of type 3 → rejected.
 */
export function createGreaterChecker(element: ConstraintData): FeasibilityChecker {
  return scalarChecker(element, (value, bound) => value > bound);
}

/** `LESS`: see {@link createGreaterChecker}. */
export function createLessChecker(element: ConstraintData): FeasibilityChecker {
  return scalarChecker(element, (value, bound) => value < bound);
}

function scalarChecker(
  element: ConstraintData,
  holds: (value: number, bound: number) => boolean,
): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  const bound = element.type === 1 ? element.scalar?.value : undefined;
  return {
    name: reason.reason,
    static: true,
    check(offer) {
      const value = offer.attributes.get(element.name);
      if (bound === undefined || value?.type !== 'SCALAR') return reason;
      return holds(value.scalar, bound) ? true : reason;
    },
  };
}
