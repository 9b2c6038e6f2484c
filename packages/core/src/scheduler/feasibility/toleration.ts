import type { Constraint, ConstraintData } from '../../validation/constraint.js';
import { constraintLabel, type FeasibilityChecker } from './checker.js';

/**
 * `TOLERATION` (§3.4): an element `{name: key, type: 3, text: {value}}` tolerates the agent taint `key=value`
 * (`taints.ts` uses them). It is no placement constraint: the stack leaves TOLERATION elements out of the
 * constraint items, and an item made only of them is always satisfied. The original evaluated them as `true`
 * inside their item, which made any item holding one pass whatever its other elements said.
 *
 * Worked examples: `[{name: 'gpu', operate: 'TOLERATION', type: 3, text: {value: 'yes'}}]` → tolerations
 * {gpu=yes}; an element of type 4 → none; no constraint → none.
 */
export function createTolerationChecker(element: ConstraintData): FeasibilityChecker {
  return { name: constraintLabel(element), static: true, check: () => true };
}

const TOLERATIONS = new WeakMap<Constraint, ReadonlySet<string>>();
const NONE: ReadonlySet<string> = new Set();

/**
 * The taints `constraint` tolerates, as `key\0value` strings (memoised per constraint object).
 * Example: TOLERATION gpu=yes and TOLERATION zone=a → {`gpu\0yes`, `zone\0a`}.
 */
export function tolerationsOf(constraint: Constraint | undefined): ReadonlySet<string> {
  if (constraint === undefined) return NONE;
  let found = TOLERATIONS.get(constraint);
  if (found === undefined) {
    const set = new Set<string>();
    for (const item of constraint.intersectionItem ?? []) {
      for (const element of item.unionData ?? []) {
        if (element.operate === 'TOLERATION' && element.type === 3 && element.text !== undefined) {
          set.add(taintKey(element.name, element.text.value));
        }
      }
    }
    found = set;
    TOLERATIONS.set(constraint, found);
  }
  return found;
}

/** The set member for taint `key=value`. */
export function taintKey(key: string, value: string): string {
  return `${key}\0${value}`;
}
