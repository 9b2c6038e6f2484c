import { describe, expect, it } from 'vitest';
import { createGreaterChecker, createLessChecker } from '../../../src/scheduler/feasibility/greater.js';
import type { ConstraintData } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion } from '../helpers.js';

const scalar = (operate: 'GREATER' | 'LESS', value: number): ConstraintData => ({
  name: 'cpu-score',
  operate,
  type: 1,
  scalar: { value },
});
const check = (data: ConstraintData, attribute: string | number) => {
  const checker = data.operate === 'GREATER' ? createGreaterChecker(data) : createLessChecker(data);
  const verdict = checker.check(
    anOffer({ attributes: { 'cpu-score': attribute } }),
    aContext(),
    aRequest(aVersion()),
  );
  return verdict === true ? true : verdict.reason;
};

describe('GREATER and LESS (cpu-score 8)', () => {
  it.each<[string, ConstraintData, string | number, true | string]>([
    ['GREATER 4', scalar('GREATER', 4), 8, true],
    ['GREATER 8', scalar('GREATER', 8), 8, 'constraint GREATER(cpu-score)'],
    ['LESS 10', scalar('LESS', 10), 8, true],
    ['LESS 8', scalar('LESS', 8), 8, 'constraint LESS(cpu-score)'],
    ['GREATER on a TEXT attribute', scalar('GREATER', 4), '8', 'constraint GREATER(cpu-score)'],
    [
      'GREATER with a text element',
      { name: 'cpu-score', operate: 'GREATER', type: 3, text: { value: '4' } },
      8,
      'constraint GREATER(cpu-score)',
    ],
  ])('%s → %s', (_, data, attribute, expected) => {
    expect(check(data, attribute)).toBe(expected);
  });
});
