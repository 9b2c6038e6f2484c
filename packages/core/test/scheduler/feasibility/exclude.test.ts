import { describe, expect, it } from 'vitest';
import { createExcludeChecker } from '../../../src/scheduler/feasibility/exclude.js';
import { aContext, anOffer, aRequest, aTaskGroup, aVersion } from '../helpers.js';

const checker = createExcludeChecker({
  name: 'hostname',
  operate: 'EXCLUDE',
  type: 4,
  set: { item: ['app:db'] },
});
const live = [
  aTaskGroup({ appId: 'db', namespace: 'data', hostname: 'node-1' }),
  aTaskGroup({ appId: 'cache', hostname: 'node-2' }),
];
// `cache` has no known labels: the original failed every offer then (§15.9).
const ctx = aContext(live, { labels: { 'data/db': { app: 'db' } } });

describe('EXCLUDE app:db', () => {
  it.each<[string, string, string, true | string]>([
    ['db runs on node-1', 'web', 'node-1', 'constraint EXCLUDE(hostname)'],
    ['an app without labels runs on node-2', 'web', 'node-2', true],
    ['nothing runs on node-3', 'web', 'node-3', true],
  ])('%s: %s on %s → %s', (_, appId, hostname, expected) => {
    const verdict = checker.check(anOffer({ hostname }), ctx, aRequest(aVersion({ appId })));
    expect(verdict === true ? true : verdict.reason).toBe(expected);
  });

  it('never excludes an application by its own taskgroups', () => {
    const request = aRequest(aVersion({ appId: 'db', namespace: 'data' }));
    expect(checker.check(anOffer({ hostname: 'node-1' }), ctx, request)).toBe(true);
  });

  it('sees taskgroups recorded later in the pass', () => {
    const fresh = aContext([], { labels: {} });
    const db = aRequest(aVersion({ appId: 'db', labels: { app: 'db' } }));
    expect(checker.check(anOffer({ hostname: 'node-4' }), fresh, aRequest(aVersion()))).toBe(true);
    fresh.record({
      request: db,
      offerId: 'o',
      agentId: 'a',
      hostname: 'node-4',
      resources: { cpus: 1, mem: 1, disk: 1 },
      portMappings: [[]],
      attributes: {},
      role: '*',
    });
    expect(checker.check(anOffer({ hostname: 'node-4' }), fresh, aRequest(aVersion()))).not.toBe(true);
  });
});
