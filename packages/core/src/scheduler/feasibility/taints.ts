import type { FeasibilityChecker } from './checker.js';
import { rejectReason } from './checker.js';
import { taintKey, tolerationsOf } from './toleration.js';

const TAINTED = rejectReason('taints');

/**
 * Agent taints (§3.4, fixing §15.9): an agent with `noSchedule` taints takes a taskgroup only if **every**
 * taint `key=value` is tolerated by a TOLERATION element with that name and text value. The original admitted
 * a taskgroup tolerating any single one of them. Untainted agents take everything; applications without
 * tolerations never land on tainted agents.
 *
 * Worked examples, tolerations {gpu=yes}:
 * - agent without taints → true; taints {gpu=yes} → true;
 * - taints {gpu=yes, zone=a} → `taints`; taints {gpu=no} → `taints`;
 * - no tolerations, taints {gpu=yes} → `taints`.
 */
export const taintsChecker: FeasibilityChecker = {
  name: 'taints',
  static: true,
  check(offer, _ctx, request) {
    if (offer.taints.length === 0) return true;
    const tolerated = tolerationsOf(request.version.constraint);
    for (const taint of offer.taints) if (!tolerated.has(taintKey(taint.key, taint.value))) return TAINTED;
    return true;
  },
};
