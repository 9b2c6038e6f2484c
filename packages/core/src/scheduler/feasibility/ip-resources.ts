import type { Version } from '../../resources/version.js';
import { networkOf } from '../ports.js';
import { type FeasibilityChecker, rejectReason } from './checker.js';

const NO_IP = rejectReason('ip-resources');

/**
 * Whether a taskgroup of `version` takes one container IP from its agent: it does on a USER (or named)
 * network, where netservice hands every taskgroup (one network namespace shared by its containers) its own
 * IP; HOST, BRIDGE and NONE taskgroups use the agent's.
 *
 * Examples: USER → true; `overlay-1` → true; BRIDGE → false; HOST → false; a process → false.
 */
export function needsContainerIp(version: Pick<Version, 'kind' | 'networkMode'>): boolean {
  return networkOf(version) === 'USER';
}

/**
 * Container IPs (§3.1 step 5): an agent reporting the SCALAR attribute `ip-resources` (free container IPs,
 * from netservice) must have at least one left for a taskgroup that needs one; each placement in a pass takes
 * one. Agents not reporting it are not limited.
 *
 * Worked examples, a USER-network taskgroup: ip-resources 2 → true; 1 → true; 0 → `ip-resources`; absent →
 * true. A BRIDGE taskgroup with ip-resources 0 → true.
 */
export const ipResourcesChecker: FeasibilityChecker = {
  name: 'ip-resources',
  static: false,
  sticky: true,
  check(offer, _ctx, request) {
    if (offer.ipResources === undefined || !needsContainerIp(request.version)) return true;
    return offer.ipResources >= 1 ? true : NO_IP;
  },
};
