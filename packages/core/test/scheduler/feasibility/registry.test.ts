import { describe, expect, it } from 'vitest';
import { compileConstraint, constraintCheckerFor } from '../../../src/scheduler/feasibility/registry.js';
import type { Constraint, ConstraintData } from '../../../src/validation/constraint.js';
import { CONSTRAINT_OPERATORS } from '../../../src/validation/constraint.js';
import { aContext, anOffer, aRequest, aVersion } from '../helpers.js';

describe('constraint registry', () => {
  it.each(CONSTRAINT_OPERATORS)('has a checker for %s', (operate) => {
    const checker = constraintCheckerFor({ name: 'x', operate, type: 3, text: { value: '1' } });
    expect(checker.name).toBe(`constraint ${operate}(x)`);
  });

  it('rejects every offer for an unknown operator, in one place', () => {
    const checker = constraintCheckerFor({ name: 'x', operate: 'NEAR' } as unknown as ConstraintData);
    expect(checker.check(anOffer(), aContext(), aRequest(aVersion()))).toEqual({
      reason: 'unknown operator NEAR',
    });
  });

  it.each<[string, Constraint, string[]]>([
    [
      'two items',
      {
        intersectionItem: [
          { unionData: [{ name: 'InnerIP', operate: 'UNIQUE' }] },
          { unionData: [{ name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'sz' } }] },
        ],
      },
      ['constraint UNIQUE(InnerIP)', 'constraint CLUSTER(City)'],
    ],
    [
      'one OR item',
      {
        intersectionItem: [
          {
            unionData: [
              { name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'sz' } },
              { name: 'hostname', operate: 'LIKE', type: 3, text: { value: 'web-*' } },
            ],
          },
        ],
      },
      ['constraint CLUSTER(City) or constraint LIKE(hostname)'],
    ],
    [
      'a TOLERATION-only item',
      {
        intersectionItem: [
          { unionData: [{ name: 'gpu', operate: 'TOLERATION', type: 3, text: { value: 'y' } }] },
        ],
      },
      [],
    ],
    ['no items', {}, []],
  ])('compiles %s', (_, constraint, names) => {
    expect(compileConstraint(constraint).map((checker) => checker.name)).toEqual(names);
  });

  it('ORs the elements of an item and ignores TOLERATION in it', () => {
    const [item] = compileConstraint({
      intersectionItem: [
        {
          unionData: [
            { name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'sz' } },
            { name: 'hostname', operate: 'LIKE', type: 3, text: { value: 'web-*' } },
            { name: 'gpu', operate: 'TOLERATION', type: 3, text: { value: 'y' } },
          ],
        },
      ],
    });
    const check = (spec: Parameters<typeof anOffer>[0]) =>
      item?.check(anOffer(spec), aContext(), aRequest(aVersion()));
    expect(check({ hostname: 'db-1', attributes: { City: 'sz' } })).toBe(true);
    expect(check({ hostname: 'web-1', attributes: { City: 'sh' } })).toBe(true);
    expect(check({ hostname: 'db-1', attributes: { City: 'sh' } })).toEqual({
      reason: 'constraint CLUSTER(City) or constraint LIKE(hostname)',
    });
    expect(item?.static).toBe(true);
  });
});
