import type { ConstraintData } from '../../validation/constraint.js';
import type { FeasibilityChecker } from './checker.js';
import { createValueLimitChecker } from './maxper.js';

/**
 * `UNIQUE` (spec/bcs-behaviour.md §3.4): the offer qualifies only if no live taskgroup of the same application
 * stored the same value of attribute `name`. The value must be TEXT or SCALAR (`hostname` is TEXT); a missing
 * attribute, or a SET or RANGES one that cannot be compared, rejects. One index lookup per offer.
 *
 * Worked examples for `{name: 'InnerIP', operate: 'UNIQUE'}`, live taskgroups of the app on 10.0.0.1:
 * - offer InnerIP 10.0.0.2 → true;
 * - offer InnerIP 10.0.0.1 → `constraint UNIQUE(InnerIP)`;
 * - offer without InnerIP → `constraint UNIQUE(InnerIP)`;
 * - another application's taskgroup on 10.0.0.2 does not matter: 10.0.0.2 → true.
 */
export function createUniqueChecker(element: ConstraintData): FeasibilityChecker {
  return createValueLimitChecker(element, 1);
}
