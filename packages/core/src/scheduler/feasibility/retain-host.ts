import { type FeasibilityChecker, rejectReason } from './checker.js';

const ELSEWHERE = rejectReason('retain-host');

/**
 * Host retention (restartPolicy.hostRetainTime, §2.5): a restarted instance with `retainHost` may go only to
 * that host while `ctx.now < retainHostUntil` (epoch ms); afterwards, or without a deadline, anywhere.
 *
 * Worked examples, retainHost node-1 until 1000: now 999, node-1 → true; now 999, node-2 → `retain-host`;
 * now 1000, node-2 → true; no retainHost → true.
 */
export const retainHostChecker: FeasibilityChecker = {
  name: 'retain-host',
  static: false,
  check(offer, ctx, request) {
    const { retainHost, retainHostUntil } = request;
    if (retainHost === undefined || retainHostUntil === undefined || ctx.now >= retainHostUntil) return true;
    return offer.hostname === retainHost ? true : ELSEWHERE;
  },
};
