import { describe, expect, it } from 'vitest';
import type { TaskGroupStatus } from '../../src/resources/taskgroup.js';
import { LiveIndex, valueKey } from '../../src/scheduler/live-index.js';
import { isLive } from '../../src/status/lifecycle.js';
import { aTaskGroup } from './helpers.js';

describe('isLive', () => {
  it.each<[TaskGroupStatus, string | undefined, boolean]>([
    ['Running', 'node-1', true],
    ['Staging', 'node-1', true],
    ['Lost', 'node-1', true],
    ['Finish', 'node-1', false],
    ['Failed', 'node-1', false],
    ['Killed', 'node-1', false],
    ['Error', 'node-1', false],
    ['Pending', 'node-1', false],
    ['Running', undefined, false],
  ])('%s on %s → %s', (status, hostname, expected) => {
    const { hostname: _, ...base } = aTaskGroup({ status });
    expect(isLive(hostname === undefined ? base : { ...base, hostname })).toBe(expected);
  });
});

describe('LiveIndex', () => {
  it('counts values per application and attribute, and grows with add', () => {
    const index = new LiveIndex(
      [
        aTaskGroup({ attributes: { City: 'sz' } }),
        aTaskGroup({ index: 1, attributes: { City: 'sz' }, agentIp: '10.0.0.9' }),
        aTaskGroup({ appId: 'other', attributes: { City: 'sz' } }),
      ],
      () => undefined,
    );
    expect(index.liveCount('ns/web')).toBe(2);
    expect(index.valueCount('ns/web', 'City', valueKey('sz'))).toBe(2);
    expect(index.valueCount('ns/web', 'InnerIP', valueKey('10.0.0.9'))).toBe(1);
    index.add('ns/web', 'node-2', undefined, { City: 'sz' }, {});
    expect(index.valueCount('ns/web', 'City', valueKey('sz'))).toBe(3);
    expect(index.liveCount('ns/web')).toBe(3);
    expect(index.valueCount('ns/none', 'City', valueKey('sz'))).toBe(0);
  });

  it('finds hosts of other applications by label, asking for labels once per app', () => {
    const asked: string[] = [];
    const index = new LiveIndex(
      [aTaskGroup({ appId: 'db', hostname: 'n1' }), aTaskGroup({ appId: 'db', index: 1, hostname: 'n2' })],
      (ns, app) => {
        asked.push(`${ns}/${app}`);
        return { tier: 'data' };
      },
    );
    expect(index.excludedBy('tier', 'data', 'n1', 'ns/web')).toBe(true);
    expect(index.excludedBy('tier', 'data', 'n3', 'ns/web')).toBe(false);
    expect(index.excludedBy('tier', 'data', 'n1', 'ns/db')).toBe(false);
    expect(asked).toEqual(['ns/db']);
  });

  it('counts placements added before its first query, and not what the caller appends to its array later', () => {
    const live = [aTaskGroup({ attributes: { City: 'sz' } })];
    const index = new LiveIndex(live, () => undefined);
    index.add('ns/web', 'node-2', undefined, { City: 'sz' }, {});
    index.add('ns/web', 'node-3', undefined, { City: 'gz' }, {});
    live.push(aTaskGroup({ index: 5, attributes: { City: 'sz' } }));
    expect(index.liveCount('ns/web')).toBe(3);
    expect(index.valueCount('ns/web', 'City', valueKey('sz'))).toBe(2);
    expect(index.valueCount('ns/web', 'City', valueKey('gz'))).toBe(1);
    index.add('ns/web', 'node-4', undefined, { City: 'gz' }, {});
    expect(index.valueCount('ns/web', 'City', valueKey('gz'))).toBe(2);
  });
});
