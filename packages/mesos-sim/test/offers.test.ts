import { ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { defaultInnerIp, SimulatedCluster } from '../src/index.js';
import { firstOffer, portsOf, scalarOf, startCluster, T0 } from './harness.js';

describe('SimulatedCluster offers', () => {
  it('offers every agent on the first tick after SUBSCRIBED and HEARTBEAT, in the API example shape', async () => {
    const h = await startCluster({ agents: 2 });
    expect(h.types()).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    await h.advance(0);
    expect(h.types()).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
    const m = h.cluster.masterId;
    const offer = h.offers().find((o) => o.agent_id.value === `${m}-S0`)!;
    expect(offer).toEqual({
      id: { value: expect.stringMatching(new RegExp(`^${m}-O[01]$`)) },
      framework_id: { value: `${m}-0000` },
      agent_id: { value: `${m}-S0` },
      hostname: 'sim-agent-0',
      url: {
        scheme: 'http',
        address: { hostname: 'sim-agent-0', ip: '127.0.0.1', port: 5051 },
        path: '/slave(1)',
      },
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 30878 }, role: '*' },
        { name: 'disk', type: 'SCALAR', scalar: { value: 795945 }, role: '*' },
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
      ],
      attributes: [{ name: 'InnerIP', type: 'TEXT', text: { value: '127.0.0.1' } }],
    });
    expect(
      h
        .offers()
        .map((o) => o.id.value)
        .sort(),
    ).toEqual([`${m}-O0`, `${m}-O1`]);
    expect(h.cluster.outstandingOffers()).toHaveLength(2);
  });

  it('an outstanding offer blocks a new one for its agent', async () => {
    const h = await startCluster();
    await h.advance(0);
    await h.advance(10_000);
    expect(h.offers()).toHaveLength(1);
  });

  it('re-offers a declined agent after the default 5 s filter, on the 1 s round cadence', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.call({ type: 'DECLINE', decline: { offer_ids: [offer.id] } });
    await h.advance(4000);
    expect(h.offers()).toHaveLength(1);
    await h.advance(1000);
    expect(h.offers()).toHaveLength(2);
    expect(h.offers()[1]!.id.value).not.toBe(offer.id.value);
  });

  it.each([
    ['refuse_seconds 0 (no filter)', 0, 1000],
    ['a negative refuse_seconds (the 5 s default)', -1, 5000],
    ['refuse_seconds 2.5', 2.5, 3000],
  ])('DECLINE with %s re-offers after %i ms', async (_label, refuse, expectedMs) => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.call({
      type: 'DECLINE',
      decline: { offer_ids: [offer.id], filters: { refuse_seconds: refuse } },
    });
    await h.advance(expectedMs - 1000);
    expect(h.offers()).toHaveLength(1);
    await h.advance(1000);
    expect(h.offers()).toHaveLength(2);
  });

  it('offers what is left after a launch, minus used ports, with the running executor id', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1', cpus: 1, mem: 1024, ports: [31000, 31005] }], 0);
    await h.advance(1000);
    const next = h.offers()[1]!;
    expect(scalarOf(next, 'cpus')).toBeCloseTo(2.9, 9);
    expect(scalarOf(next, 'mem')).toBe(30878 - 1024 - 32);
    expect(scalarOf(next, 'disk')).toBe(795945 - 10);
    expect(portsOf(next)).toEqual([
      { begin: 31001, end: 31004 },
      { begin: 31006, end: 32000 },
    ]);
    expect(next.executor_ids).toEqual([{ value: 'grp-1' }]);
  });

  it('filters the unused part of an accepted offer; freed resources lift the filter', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }], 60);
    await h.advance(30_000);
    expect(h.offers()).toHaveLength(1);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-1' } } });
    await h.ackUntil('t-1', 'TASK_KILLED');
    await h.advance(1000);
    expect(h.offers()).toHaveLength(2);
    expect(scalarOf(h.offers()[1]!, 'cpus')).toBe(4);
  });

  it('SUPPRESS stops offers until REVIVE, which also clears filters and offers on the next tick', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.call({ type: 'SUPPRESS' });
    await h.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 3600 } } });
    await h.advance(10_000);
    expect(h.offers()).toHaveLength(1);
    await h.call({ type: 'REVIVE' });
    await h.advance(0);
    expect(h.offers()).toHaveLength(2);
  });

  it('rescindAll() sends RESCIND for every outstanding offer; the next round offers again', async () => {
    const h = await startCluster({ agents: 2 });
    await h.advance(0);
    const before = h.events.length;
    h.cluster.rescindAll();
    await h.advance(0);
    const ids = h.offers().map((o) => o.id.value);
    expect(h.events.slice(before)).toEqual(
      expect.arrayContaining(ids.map((value) => ({ type: 'RESCIND', rescind: { offer_id: { value } } }))),
    );
    expect(h.cluster.outstandingOffers()).toEqual([]);
    await h.advance(1000);
    expect(h.offers()).toHaveLength(4);
  });

  it('does not offer an agent with less than 0.01 cpus and 32 MB mem free', async () => {
    const h = await startCluster({
      agents: [
        { cpus: 0.005, mem: 31 },
        { cpus: 0.01, mem: 0 },
      ],
    });
    await h.advance(0);
    expect(h.offers().map((o) => o.hostname)).toEqual(['sim-agent-1']);
  });

  it('puts allocation_info on offers to MULTI_ROLE frameworks', async () => {
    const h = await startCluster(
      {},
      { user: 'u', name: 'n', roles: ['batch'], capabilities: [{ type: 'MULTI_ROLE' }] },
    );
    const offer = await firstOffer(h);
    expect(offer.resources.every((r) => r.allocation_info?.role === 'batch')).toBe(true);
    expect((offer as { allocation_info?: unknown }).allocation_info).toEqual({ role: 'batch' });
  });

  it('builds agents from specs: hostname, InnerIP attribute, extra attributes, resources', async () => {
    const h = await startCluster({
      agents: [
        {
          hostname: 'node-a',
          innerIp: '10.0.0.7',
          cpus: 8,
          mem: 2048,
          disk: 100,
          ports: [{ begin: 8000, end: 8009 }],
          attributes: [{ name: 'City', type: 'TEXT', text: { value: 'shenzhen' } }],
        },
      ],
    });
    const offer = await firstOffer(h);
    expect(offer.hostname).toBe('node-a');
    expect(offer.attributes).toEqual([
      { name: 'InnerIP', type: 'TEXT', text: { value: '10.0.0.7' } },
      { name: 'City', type: 'TEXT', text: { value: 'shenzhen' } },
    ]);
    expect([scalarOf(offer, 'cpus'), scalarOf(offer, 'mem'), scalarOf(offer, 'disk')]).toEqual([
      8, 2048, 100,
    ]);
    expect(portsOf(offer)).toEqual([{ begin: 8000, end: 8009 }]);
    expect(h.cluster.agents()[0]).toMatchObject({ hostname: 'node-a', innerIp: '10.0.0.7' });
  });

  // The doc comment's worked examples.
  it.each([
    [0, '127.0.0.1'],
    [253, '127.0.0.254'],
    [254, '127.0.1.1'],
    [9999, '127.0.39.94'],
    [254 * 256, '127.1.0.1'],
  ])('defaultInnerIp(%i) is %s', (index, ip) => {
    expect(defaultInnerIp(index)).toBe(ip);
  });

  it('numbers 300 default agents sim-agent-<i> with unique InnerIPs', () => {
    const cluster = new SimulatedCluster({ clock: new ManualClock(T0), agents: 300 });
    const agents = cluster.agents();
    expect(agents[254]).toMatchObject({ hostname: 'sim-agent-254', innerIp: '127.0.1.1' });
    expect(new Set(agents.map((a) => a.innerIp)).size).toBe(300);
  });

  it('rejects invalid options with RangeError', () => {
    const clock = new ManualClock();
    expect(() => new SimulatedCluster({ clock, agents: -1 })).toThrow(RangeError);
    expect(() => new SimulatedCluster({ clock, offerIntervalMs: 0 })).toThrow(RangeError);
    expect(() => new SimulatedCluster({ clock, startupMs: -5 })).toThrow(RangeError);
    expect(() => new SimulatedCluster({ clock, agents: [{ cpus: -1 }] })).toThrow(RangeError);
    expect(() => new SimulatedCluster({ clock, agents: [{ ports: [{ begin: 5, end: 4 }] }] })).toThrow(
      RangeError,
    );
  });
});
