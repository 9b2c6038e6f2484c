import type { ConstraintData } from '../../validation/constraint.js';
import {
  constraintLabel,
  elementValues,
  type FeasibilityChecker,
  rejectReason,
  textAttribute,
} from './checker.js';
import { matchesAny } from './match.js';

/**
 * `LIKE` and `UNLIKE` (§3.4): TEXT attribute `name` against the element's text (type 3) or any of its set
 * items (type 4), each pattern tried as a whole-value fnmatch glob or an unanchored regular expression
 * (`match.ts`). LIKE passes when a pattern matches, UNLIKE when none does. A missing or non-TEXT attribute
 * rejects both (the original let non-text attributes pass both, §15.9). An invalid regular expression simply
 * does not match as one.
 *
 * Worked examples, offer hostname `node-12`:
 * - LIKE `node-*` → true; LIKE `node-[0-9]+` → true; LIKE `de-1` → true (unanchored); LIKE `web*` → rejected;
 * - LIKE set [`web*`, `node-1?`] → true; LIKE `(` → rejected, no throw;
 * - UNLIKE `web*` → true; UNLIKE `node-*` → rejected;
 * - LIKE or UNLIKE on a SCALAR attribute → rejected.
 */
export function createLikeChecker(element: ConstraintData): FeasibilityChecker {
  return patternChecker(element, true);
}

/** `UNLIKE`: see {@link createLikeChecker}. */
export function createUnlikeChecker(element: ConstraintData): FeasibilityChecker {
  return patternChecker(element, false);
}

function patternChecker(element: ConstraintData, like: boolean): FeasibilityChecker {
  const reason = rejectReason(constraintLabel(element));
  const patterns = elementValues(element);
  return {
    name: reason.reason,
    static: true,
    check(offer) {
      const text = textAttribute(offer, element.name);
      if (text === undefined) return reason;
      return matchesAny(text, patterns) === like ? true : reason;
    },
  };
}
