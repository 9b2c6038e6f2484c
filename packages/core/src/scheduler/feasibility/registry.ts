import type { Constraint, ConstraintData } from '../../validation/constraint.js';
import type { PooledOffer } from '../offer.js';
import type { RejectReason } from '../types.js';
import { type FeasibilityChecker, rejectReason } from './checker.js';
import { createClusterChecker } from './cluster.js';
import { createExcludeChecker } from './exclude.js';
import { createGreaterChecker, createLessChecker } from './greater.js';
import { createGroupByChecker } from './groupby.js';
import { createLikeChecker, createUnlikeChecker } from './like.js';
import { createMaxPerChecker } from './maxper.js';
import { createTolerationChecker } from './toleration.js';
import { createUniqueChecker } from './unique.js';

/** Builds the checker of one constraint element. */
export type ConstraintCheckerFactory = (element: ConstraintData) => FeasibilityChecker;

/** Constraint operators → their checker factories (spec/bcs-behaviour.md §3.4). */
export const CONSTRAINT_CHECKERS: Readonly<Record<string, ConstraintCheckerFactory>> = Object.freeze({
  UNIQUE: createUniqueChecker,
  MAXPER: createMaxPerChecker,
  GROUPBY: createGroupByChecker,
  CLUSTER: createClusterChecker,
  LIKE: createLikeChecker,
  UNLIKE: createUnlikeChecker,
  GREATER: createGreaterChecker,
  LESS: createLessChecker,
  EXCLUDE: createExcludeChecker,
  TOLERATION: createTolerationChecker,
});

/**
 * The checker of one element; an operator the registry does not know rejects every offer with
 * `unknown operator X` (the one place unknown operators are handled; validation refuses them first).
 *
 * Examples: `{operate: 'UNIQUE', name: 'InnerIP'}` → the UNIQUE checker, named `constraint UNIQUE(InnerIP)`;
 * `{operate: 'NEAR', …}` → always `unknown operator NEAR`.
 */
export function constraintCheckerFor(element: ConstraintData): FeasibilityChecker {
  const factory = Object.hasOwn(CONSTRAINT_CHECKERS, element.operate)
    ? CONSTRAINT_CHECKERS[element.operate]
    : undefined;
  if (factory !== undefined) return factory(element);
  const reason = rejectReason(`unknown operator ${String(element.operate)}`);
  return { name: reason.reason, static: true, check: () => reason };
}

/**
 * The checkers of a `constraint`, one per intersection item (all must pass). An item passes when any of its
 * elements does; its rejection is named after all of them, joined by ` or `. TOLERATION elements are left out
 * (they only tolerate taints, `toleration.ts`), null elements are skipped, and an item left empty is dropped.
 * An item is `static` when all its elements are.
 *
 * Examples:
 * - [[UNIQUE(InnerIP)], [CLUSTER(City) sz]] → two checkers, `constraint UNIQUE(InnerIP)` and
 *   `constraint CLUSTER(City)`;
 * - [[CLUSTER(City) sz, LIKE(hostname) web-*]] → one checker `constraint CLUSTER(City) or constraint
 *   LIKE(hostname)`, passing a City sz agent or a web-* host;
 * - [[TOLERATION(gpu)]] → none.
 */
export function compileConstraint(constraint: Constraint | undefined): FeasibilityChecker[] {
  const checkers: FeasibilityChecker[] = [];
  for (const item of constraint?.intersectionItem ?? []) {
    const elements = (item.unionData ?? []).filter(
      (element) => element !== null && element !== undefined && element.operate !== 'TOLERATION',
    );
    if (elements.length === 0) continue;
    const parts = elements.map(constraintCheckerFor);
    checkers.push(parts.length === 1 ? (parts[0] as FeasibilityChecker) : anyOf(parts));
  }
  return checkers;
}

function anyOf(parts: readonly FeasibilityChecker[]): FeasibilityChecker {
  const reason: RejectReason = rejectReason(parts.map((part) => part.name).join(' or '));
  const prefilters = parts.flatMap((part) => (part.prefilter === undefined ? [] : [part.prefilter]));
  return {
    name: reason.reason,
    static: parts.every((part) => part.static),
    sticky: parts.every((part) => part.static || part.sticky === true),
    // The item rejects an offer every part's necessary condition excludes.
    ...(prefilters.length === parts.length
      ? { prefilter: (offer: PooledOffer) => prefilters.some((prefilter) => prefilter(offer)) }
      : {}),
    check(offer, ctx, request) {
      for (const part of parts) if (part.check(offer, ctx, request) === true) return true;
      return reason;
    },
  };
}
