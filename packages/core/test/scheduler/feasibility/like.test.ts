import { describe, expect, it } from 'vitest';
import { createLikeChecker, createUnlikeChecker } from '../../../src/scheduler/feasibility/like.js';
import type { ConstraintData } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion } from '../helpers.js';

const ctx = aContext();
const request = aRequest(aVersion());
const element = (
  operate: 'LIKE' | 'UNLIKE',
  patterns: string | string[],
  name = 'hostname',
): ConstraintData =>
  typeof patterns === 'string'
    ? { name, operate, type: 3, text: { value: patterns } }
    : { name, operate, type: 4, set: { item: patterns } };
const passes = (data: ConstraintData, spec: Parameters<typeof anOffer>[0] = { hostname: 'node-12' }) => {
  const checker = data.operate === 'LIKE' ? createLikeChecker(data) : createUnlikeChecker(data);
  return checker.check(anOffer(spec), ctx, request) === true;
};

describe('LIKE and UNLIKE (host node-12)', () => {
  it.each<[string, ConstraintData, boolean]>([
    ['LIKE glob node-*', element('LIKE', 'node-*'), true],
    ['LIKE regexp node-[0-9]+', element('LIKE', 'node-[0-9]+'), true],
    ['LIKE unanchored regexp de-1', element('LIKE', 'de-1'), true],
    ['LIKE web*', element('LIKE', 'web*'), false],
    ['LIKE set [web*, node-1?]', element('LIKE', ['web*', 'node-1?']), true],
    ['LIKE invalid regexp (', element('LIKE', '('), false],
    ['UNLIKE web*', element('UNLIKE', 'web*'), true],
    ['UNLIKE node-*', element('UNLIKE', 'node-*'), false],
    ['UNLIKE set [web*, node-1?]', element('UNLIKE', ['web*', 'node-1?']), false],
  ])('%s → %s', (_, data, expected) => {
    expect(passes(data)).toBe(expected);
  });

  it.each<[string, ConstraintData]>([
    ['LIKE', element('LIKE', '.*', 'score')],
    ['UNLIKE', element('UNLIKE', 'nothing', 'score')],
  ])('%s on a SCALAR attribute rejects (§15.9)', (_, data) => {
    expect(passes(data, { attributes: { score: 8 } })).toBe(false);
  });

  it.each<[string, ConstraintData]>([
    ['LIKE', element('LIKE', '.*', 'rack')],
    ['UNLIKE', element('UNLIKE', 'x', 'rack')],
  ])('%s on a missing attribute rejects', (_, data) => {
    expect(passes(data)).toBe(false);
  });
});
