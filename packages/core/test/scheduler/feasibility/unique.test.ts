import { describe, expect, it } from 'vitest';
import { createUniqueChecker } from '../../../src/scheduler/feasibility/unique.js';
import { aContext, anOffer, aRequest, aTaskGroup, aVersion } from '../helpers.js';

const checker = createUniqueChecker({ name: 'InnerIP', operate: 'UNIQUE' });
const ctx = aContext([
  aTaskGroup({ attributes: { InnerIP: '10.0.0.1' } }),
  aTaskGroup({ appId: 'other', hostname: 'node-2', attributes: { InnerIP: '10.0.0.2' } }),
]);
const request = aRequest(aVersion());

describe('UNIQUE', () => {
  it('is named after its attribute', () => {
    expect(checker.name).toBe('constraint UNIQUE(InnerIP)');
    expect(checker.static).toBe(false);
  });

  it.each<[string, Parameters<typeof anOffer>[0], true | string]>([
    ['another IP', { innerIp: '10.0.0.2' }, true],
    ['the IP of a live taskgroup', { innerIp: '10.0.0.1' }, 'constraint UNIQUE(InnerIP)'],
    ['no InnerIP', {}, 'constraint UNIQUE(InnerIP)'],
    ['an IP used by another application only', { innerIp: '10.0.0.2' }, true],
    ['InnerIP as a SET', { attributes: { InnerIP: ['10.0.0.3'] } }, 'constraint UNIQUE(InnerIP)'],
  ])('%s → %s', (_, spec, expected) => {
    const verdict = checker.check(anOffer(spec), ctx, request);
    expect(verdict === true ? true : verdict.reason).toBe(expected);
  });

  it('ignores ended taskgroups', () => {
    const ended = aContext([aTaskGroup({ status: 'Failed', attributes: { InnerIP: '10.0.0.1' } })]);
    expect(checker.check(anOffer({ innerIp: '10.0.0.1' }), ended, request)).toBe(true);
  });

  it('compares hostname with the stored host when the attribute was not captured', () => {
    const byHost = createUniqueChecker({ name: 'hostname', operate: 'UNIQUE' });
    const live = aContext([aTaskGroup({ hostname: 'node-1', attributes: {} })]);
    expect(byHost.check(anOffer({ hostname: 'node-1' }), live, request)).not.toBe(true);
    expect(byHost.check(anOffer({ hostname: 'node-2' }), live, request)).toBe(true);
  });

  it('never equates a text with a scalar', () => {
    const byRack = createUniqueChecker({ name: 'rack', operate: 'UNIQUE' });
    const live = aContext([aTaskGroup({ attributes: { rack: 1 } })]);
    expect(byRack.check(anOffer({ attributes: { rack: '1' } }), live, request)).toBe(true);
    expect(byRack.check(anOffer({ attributes: { rack: 1 } }), live, request)).not.toBe(true);
  });
});
