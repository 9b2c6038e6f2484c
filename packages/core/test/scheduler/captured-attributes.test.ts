import { describe, expect, it } from 'vitest';
import type { CapturedAttributes } from '../../src/resources/taskgroup.js';
import { capturedAttributes } from '../../src/scheduler/captured-attributes.js';
import type { Constraint } from '../../src/validation/constraint.js';
import { anOffer, aVersion, constraintOf } from './helpers.js';

describe('capturedAttributes', () => {
  const offer = anOffer({
    hostname: 'node-1',
    innerIp: '10.0.0.1',
    attributes: { City: 'sz', score: 8, zones: ['a', 'b'], rack: 'r1' },
  });
  it.each<[string, Constraint | undefined, CapturedAttributes]>([
    [
      'UNIQUE(City)',
      constraintOf({ name: 'City', operate: 'UNIQUE' }),
      { City: 'sz', hostname: 'node-1', InnerIP: '10.0.0.1' },
    ],
    ['no constraint', undefined, { hostname: 'node-1', InnerIP: '10.0.0.1' }],
    [
      'a scalar is kept as a number, a set is left out',
      constraintOf(
        { name: 'score', operate: 'GREATER', type: 1, scalar: { value: 1 } },
        { name: 'zones', operate: 'UNIQUE' },
      ),
      { score: 8, hostname: 'node-1', InnerIP: '10.0.0.1' },
    ],
    [
      'EXCLUDE and TOLERATION name no attribute',
      constraintOf(
        { name: 'rack', operate: 'EXCLUDE', type: 4, set: { item: ['a:b'] } },
        { name: 'City', operate: 'TOLERATION', type: 3, text: { value: 'x' } },
      ),
      { hostname: 'node-1', InnerIP: '10.0.0.1' },
    ],
  ])('%s', (_, constraint, expected) => {
    expect(capturedAttributes(offer, aVersion(constraint === undefined ? {} : { constraint }))).toEqual(
      expected,
    );
  });
});
