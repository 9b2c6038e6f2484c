import { describe, expect, it } from 'vitest';
import { taintsChecker } from '../../../src/scheduler/feasibility/taints.js';
import type { Constraint } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion, constraintOf } from '../helpers.js';

const tolerateGpu = constraintOf({ name: 'gpu', operate: 'TOLERATION', type: 3, text: { value: 'yes' } });
const check = (noSchedule: Record<string, string>, constraint: Constraint | undefined) => {
  const version = aVersion(constraint === undefined ? {} : { constraint });
  const verdict = taintsChecker.check(anOffer({ setting: { noSchedule } }), aContext(), aRequest(version));
  return verdict === true ? true : verdict.reason;
};

describe('taints', () => {
  it.each<[string, Record<string, string>, Constraint | undefined, true | string]>([
    ['no taints', {}, tolerateGpu, true],
    ['gpu=yes tolerated', { gpu: 'yes' }, tolerateGpu, true],
    [
      'gpu=yes and zone=a: every taint must be tolerated (§15.9)',
      { gpu: 'yes', zone: 'a' },
      tolerateGpu,
      'taints',
    ],
    ['gpu=no is another taint', { gpu: 'no' }, tolerateGpu, 'taints'],
    ['no tolerations at all', { gpu: 'yes' }, undefined, 'taints'],
  ])('%s → %s', (_, noSchedule, constraint, expected) => {
    expect(check(noSchedule, constraint)).toBe(expected);
  });

  it('is a static checker', () => {
    expect(taintsChecker.static).toBe(true);
  });
});
