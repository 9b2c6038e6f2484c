import { checkHostPorts, needsHostPorts } from '../ports.js';
import { type FeasibilityChecker, rejectReason } from './checker.js';

const PORTS = rejectReason('ports');

/**
 * Host ports (§3.3, `../ports.ts`): every fixed host port must be free on the offer, distinct, and enough free
 * ports must remain for the random ones.
 *
 * Worked examples, offer ports 31000–31001: BRIDGE hostPort 0 ×2 → true; ×3 → `ports`; hostPort 31001 → true;
 * hostPort 80 → `ports`; USER with any ports → true.
 */
export const hostPortsChecker: FeasibilityChecker = {
  name: 'ports',
  static: false,
  sticky: true,
  check(offer, _ctx, request) {
    if (!needsHostPorts(request.version)) return true;
    return checkHostPorts(request.version, offer.ports) === undefined ? true : PORTS;
  },
};
