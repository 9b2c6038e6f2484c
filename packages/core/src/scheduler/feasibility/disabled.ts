import { type FeasibilityChecker, rejectReason } from './checker.js';

const DISABLED = rejectReason('disabled');

/**
 * Disabled agents (§13.3): an agent whose setting says `disabled` takes no new taskgroup (running ones stay).
 * The original declined such offers in the pool (§3.1 step 2); here they are pooled and rejected, so the
 * no-fit message says why.
 *
 * Worked examples: enabled → true; disabled → `disabled`.
 */
export const disabledChecker: FeasibilityChecker = {
  name: 'disabled',
  static: true,
  check: (offer) => (offer.disabled ? DISABLED : true),
};
