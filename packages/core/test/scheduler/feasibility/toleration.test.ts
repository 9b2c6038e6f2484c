import { describe, expect, it } from 'vitest';
import {
  createTolerationChecker,
  taintKey,
  tolerationsOf,
} from '../../../src/scheduler/feasibility/toleration.js';
import type { Constraint } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion, constraintOf } from '../helpers.js';

describe('TOLERATION', () => {
  it.each<[string, Constraint | undefined, string[]]>([
    [
      'one toleration',
      constraintOf({ name: 'gpu', operate: 'TOLERATION', type: 3, text: { value: 'yes' } }),
      [taintKey('gpu', 'yes')],
    ],
    [
      'a set element tolerates nothing',
      constraintOf({ name: 'gpu', operate: 'TOLERATION', type: 4, set: { item: ['yes'] } }),
      [],
    ],
    ['no constraint', undefined, []],
  ])('%s → %j', (_, constraint, expected) => {
    expect([...tolerationsOf(constraint)]).toEqual(expected);
  });

  it('accepts every offer as a checker (it only tolerates taints)', () => {
    const checker = createTolerationChecker({
      name: 'gpu',
      operate: 'TOLERATION',
      type: 3,
      text: { value: 'y' },
    });
    expect(checker.check(anOffer(), aContext(), aRequest(aVersion()))).toBe(true);
  });
});
