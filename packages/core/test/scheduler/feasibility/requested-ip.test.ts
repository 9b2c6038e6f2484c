import { describe, expect, it } from 'vitest';
import {
  parseRequestedIp,
  type RequestedIp,
  requestedIpChecker,
  requestedIpsOf,
} from '../../../src/scheduler/feasibility/requested-ip.js';
import { aContext, anOffer, aRequest, aVersion } from '../helpers.js';

const key = (i: number) => `io.tencent.bcs.netsvc.requestip.${i}`;
const version = aVersion({ labels: { [key(0)]: '10.0.0.5|hostname=node-1', [key(1)]: '10.0.0.6' } });
const check = (index: number, spec: Parameters<typeof anOffer>[0], v = version) => {
  const verdict = requestedIpChecker.check(anOffer(spec), aContext(), aRequest(v, index));
  return verdict === true ? true : verdict.reason;
};

describe('parseRequestedIp', () => {
  it.each<[string, RequestedIp]>([
    ['10.0.0.5', { ip: '10.0.0.5', patterns: [] }],
    [
      '10.0.0.5|hostname=node-1;node-2',
      { ip: '10.0.0.5', attribute: 'hostname', patterns: ['node-1', 'node-2'] },
    ],
    [' 10.0.0.5 | City = sz ', { ip: '10.0.0.5', attribute: 'City', patterns: ['sz'] }],
    ['10.0.0.5|node-*', { ip: '10.0.0.5', attribute: 'hostname', patterns: ['node-*'] }],
  ])('%j → %j', (value, expected) => {
    expect(parseRequestedIp(value)).toEqual(expected);
  });
});

describe('requested IP', () => {
  it.each<[string, number, Parameters<typeof anOffer>[0], true | string]>([
    ['index 0 on node-1', 0, { hostname: 'node-1' }, true],
    ['index 0 on node-2', 0, { hostname: 'node-2' }, 'requested-ip'],
    ['index 1 anywhere', 1, { hostname: 'node-2' }, true],
    ['index 2 has no entry', 2, { hostname: 'node-1' }, 'requested-ip'],
  ])('%s → %s', (_, index, spec, expected) => {
    expect(check(index, spec)).toBe(expected);
  });

  it.each<[string, Parameters<typeof anOffer>[0], true | string]>([
    ['rack r12 matches r1*', { attributes: { rack: 'r12' } }, true],
    ['no rack attribute', {}, 'requested-ip'],
    ['rack as a scalar', { attributes: { rack: 12 } }, 'requested-ip'],
  ])('filter rack=r1*: %s → %s', (_, spec, expected) => {
    const byRack = aVersion({ annotations: { [key(0)]: '10.0.0.7|rack=r1*' } });
    expect(check(0, spec, byRack)).toBe(expected);
  });

  it('passes every offer without entries', () => {
    expect(check(7, {}, aVersion())).toBe(true);
  });

  it('lets request labels override version entries', () => {
    const request = aRequest(version, 0, { labels: { [key(0)]: '10.0.0.9' } });
    expect(requestedIpsOf(request).get(0)).toEqual({ ip: '10.0.0.9', patterns: [] });
  });
});
