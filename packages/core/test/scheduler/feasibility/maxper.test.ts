import { describe, expect, it } from 'vitest';
import { createMaxPerChecker } from '../../../src/scheduler/feasibility/maxper.js';
import { aContext, anOffer, aRequest, aTaskGroup, aVersion } from '../helpers.js';

const ctx = aContext([
  aTaskGroup({ index: 0, attributes: { City: 'sz' } }),
  aTaskGroup({ index: 1, attributes: { City: 'sz' } }),
  aTaskGroup({ index: 2, attributes: { City: 'sh' } }),
]);
const request = aRequest(aVersion());
const maxPer = (value: string) =>
  createMaxPerChecker({ name: 'City', operate: 'MAXPER', type: 3, text: { value } });

describe('MAXPER', () => {
  it.each<[string, string, Parameters<typeof anOffer>[0], true | string]>([
    ['sh has 1 < 2', '2', { attributes: { City: 'sh' } }, true],
    ['sz has 2, not < 2', '2', { attributes: { City: 'sz' } }, 'constraint MAXPER(City)'],
    ['gz has 0 < 2', '2', { attributes: { City: 'gz' } }, true],
    ['a limit that is not a number', 'two', { attributes: { City: 'gz' } }, 'constraint MAXPER(City)'],
    ['no City', '2', {}, 'constraint MAXPER(City)'],
    ['sz with limit 3', '3', { attributes: { City: 'sz' } }, true],
  ])('%s → %s', (_, limit, spec, expected) => {
    const verdict = maxPer(limit).check(anOffer(spec), ctx, request);
    expect(verdict === true ? true : verdict.reason).toBe(expected);
  });
});
