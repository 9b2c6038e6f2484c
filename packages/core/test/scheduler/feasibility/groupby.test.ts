import { describe, expect, it } from 'vitest';
import type { TaskGroup } from '../../../src/resources/taskgroup.js';
import { createGroupByChecker } from '../../../src/scheduler/feasibility/groupby.js';
import { aContext, anOffer, aRequest, aTaskGroup, aVersion } from '../helpers.js';

const checker = createGroupByChecker({
  name: 'City',
  operate: 'GROUPBY',
  type: 4,
  set: { item: ['sz', 'sh'] },
});
const request = aRequest(aVersion());
const live = (...cities: string[]): TaskGroup[] =>
  cities.map((City, index) => aTaskGroup({ index, attributes: { City } }));

describe('GROUPBY', () => {
  it.each<[string, TaskGroup[], Parameters<typeof anOffer>[0], true | string]>([
    ['nothing live, sz (limit 1)', [], { attributes: { City: 'sz' } }, true],
    ['one in sz, sz (limit 1)', live('sz'), { attributes: { City: 'sz' } }, 'constraint GROUPBY(City)'],
    ['one in sz, sh', live('sz'), { attributes: { City: 'sh' } }, true],
    ['sz and sh, sz (limit 2)', live('sz', 'sh'), { attributes: { City: 'sz' } }, true],
    ['gz is no group', [], { attributes: { City: 'gz' } }, 'constraint GROUPBY(City)'],
    ['no City', [], {}, 'constraint GROUPBY(City)'],
    ['City as a scalar', [], { attributes: { City: 1 } }, 'constraint GROUPBY(City)'],
  ])('%s → %s', (_, taskGroups, spec, expected) => {
    const verdict = checker.check(anOffer(spec), aContext(taskGroups), request);
    expect(verdict === true ? true : verdict.reason).toBe(expected);
  });

  it('counts only live taskgroups in the limit (§15.9)', () => {
    // Three dead taskgroups in sz would lift the original's limit to ceil((4 + 1) / 2) = 3.
    const dead = [0, 1, 2].map((index) =>
      aTaskGroup({ index, status: 'Failed', attributes: { City: 'sz' } }),
    );
    const taskGroups = [...dead, aTaskGroup({ index: 3, attributes: { City: 'sz' } })];
    expect(checker.check(anOffer({ attributes: { City: 'sz' } }), aContext(taskGroups), request)).not.toBe(
      true,
    );
  });
});
