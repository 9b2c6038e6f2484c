import { describe, expect, it } from 'vitest';
import { createClusterChecker } from '../../../src/scheduler/feasibility/cluster.js';
import type { ConstraintData } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion } from '../helpers.js';

const text = (name: string, value: string): ConstraintData => ({
  name,
  operate: 'CLUSTER',
  type: 3,
  text: { value },
});
const set = (name: string, item: string[]): ConstraintData => ({
  name,
  operate: 'CLUSTER',
  type: 4,
  set: { item },
});

describe('CLUSTER', () => {
  it.each<[string, ConstraintData, Parameters<typeof anOffer>[0], boolean]>([
    ['text equal', text('City', 'sz'), { attributes: { City: 'sz' } }, true],
    ['text different', text('City', 'sz'), { attributes: { City: 'sh' } }, false],
    ['scalar attribute (§15.9: no longer passes)', text('City', 'sz'), { attributes: { City: 1 } }, false],
    ['set member', set('City', ['sz', 'sh']), { attributes: { City: 'sh' } }, true],
    ['set, attribute missing', set('City', ['sz', 'sh']), {}, false],
    ['hostname', text('hostname', 'node-1'), { hostname: 'node-1' }, true],
    ['scalar element', { name: 'City', operate: 'CLUSTER', type: 1, scalar: { value: 1 } }, {}, false],
  ])('%s → %s', (_, element, spec, expected) => {
    const checker = createClusterChecker(element);
    expect(checker.static).toBe(true);
    expect(checker.check(anOffer(spec), aContext(), aRequest(aVersion())) === true).toBe(expected);
  });
});
