import { describe, expect, it } from 'vitest';
import { isNoFit, placeTaskGroup, planPlacements } from '../../src/scheduler/placement.js';
import type { Placement } from '../../src/scheduler/types.js';
import {
  aContainer,
  aContext,
  anOffer,
  aPort,
  aRequest,
  aTaskGroup,
  aVersion,
  constraintOf,
  offersOn,
} from './helpers.js';

const hosts = (placements: readonly Placement[]) => placements.map((p) => p.hostname);
const requests = (version: ReturnType<typeof aVersion>, count: number) =>
  Array.from({ length: count }, (_, i) => aRequest(version, i));

describe('planPlacements', () => {
  it('places 4 UNIQUE(InnerIP) instances over 3 agents: 3 placed, 1 unplaced naming UNIQUE', () => {
    const version = aVersion({ constraint: constraintOf({ name: 'InnerIP', operate: 'UNIQUE' }) });
    const plan = planPlacements(requests(version, 4), offersOn(3), aContext());
    expect(hosts(plan.placements).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(plan.unplaced).toHaveLength(1);
    expect(plan.unplaced[0]?.request.index).toBe(3);
    expect(plan.unplaced[0]?.reason).toBe('no agent fits: constraint UNIQUE(InnerIP) rejected 3 agents');
  });

  it('places several taskgroups on one offer, consuming it as it goes', () => {
    const plan = planPlacements(requests(aVersion(), 4), [anOffer({ cpus: 4 })], aContext());
    expect(plan.placements.map((p) => p.offerId)).toEqual(['offer-node-1', 'offer-node-1', 'offer-node-1']);
    // Each takes 1 cpu + 0.01 for its executor: 4 − 3 × 1.01 = 0.97 left.
    expect(plan.offers[0]?.cpus).toBe(0.97);
    expect(plan.unplaced.map((u) => u.reason)).toEqual(['no agent fits: cpus rejected 1 agent']);
  });

  it('never hands out a host port twice on one agent across a batch', () => {
    const version = aVersion({
      containers: [aContainer({ resources: { cpus: 0.1, mem: 1, disk: 0 }, ports: [aPort('http', 80, 0)] })],
    });
    const plan = planPlacements(requests(version, 4), [anOffer({ ports: [[31000, 31002]] })], aContext());
    expect(plan.placements.map((p) => p.portMappings[0]?.[0]?.hostPort)).toEqual([31000, 31001, 31002]);
    expect(plan.unplaced.map((u) => u.reason)).toEqual(['no agent fits: ports rejected 1 agent']);
  });

  it('reserves fixed host ports: a second taskgroup wanting 31000 goes elsewhere', () => {
    const version = aVersion({
      containers: [
        aContainer({ resources: { cpus: 0.1, mem: 1, disk: 0 }, ports: [aPort('http', 80, 31000)] }),
      ],
    });
    const plan = planPlacements(requests(version, 3), offersOn(2), aContext());
    expect(hosts(plan.placements).sort()).toEqual(['node-1', 'node-2']);
    expect(plan.unplaced[0]?.reason).toBe('no agent fits: ports rejected 2 agents');
  });

  it('spreads over equal agents before stacking them (emptiest first)', () => {
    const plan = planPlacements(requests(aVersion(), 4), offersOn(2), aContext());
    expect(hosts(plan.placements)).toEqual(['node-1', 'node-2', 'node-1', 'node-2']);
  });

  it('breaks ties by offer order without a seed, reproducibly with one', () => {
    const offers = offersOn(5);
    const unseeded = placeTaskGroup(aRequest(aVersion()), offers, aContext()) as Placement;
    expect(unseeded.hostname).toBe('node-1');
    const seeded = (seed: number) =>
      (placeTaskGroup(aRequest(aVersion()), offers, aContext([], { seed })) as Placement).hostname;
    expect(seeded(7)).toBe(seeded(7));
    const chosen = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(seeded));
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('prefers the emptier agent by the agents’ totals', () => {
    const busy = { ...anOffer({ hostname: 'busy', cpus: 2, mem: 1024 }), totalCpus: 8, totalMem: 4096 };
    const idle = { ...anOffer({ hostname: 'idle', cpus: 2, mem: 1024 }), totalCpus: 2, totalMem: 1024 };
    expect((placeTaskGroup(aRequest(aVersion()), [busy, idle], aContext()) as Placement).hostname).toBe(
      'idle',
    );
  });

  it('spreads GROUPBY evenly across the batch', () => {
    const version = aVersion({
      constraint: constraintOf({ name: 'City', operate: 'GROUPBY', type: 4, set: { item: ['sz', 'sh'] } }),
    });
    const offers = [
      anOffer({ hostname: 'a', attributes: { City: 'sz' } }),
      anOffer({ hostname: 'b', attributes: { City: 'sz' } }),
      anOffer({ hostname: 'c', attributes: { City: 'sh' } }),
    ];
    const plan = planPlacements(requests(version, 4), offers, aContext());
    const cities = plan.placements.map((p) => p.attributes.City);
    expect(cities.filter((c) => c === 'sz')).toHaveLength(2);
    expect(cities.filter((c) => c === 'sh')).toHaveLength(2);
  });

  it('re-decides a remembered no-fit once something was placed (GROUPBY limit grows)', () => {
    const grouped = aVersion({
      id: 'g',
      constraint: constraintOf({ name: 'City', operate: 'GROUPBY', type: 4, set: { item: ['sz', 'sh'] } }),
    });
    const free = aVersion({ id: 'f' });
    const offers = [anOffer({ hostname: 'a', attributes: { City: 'sz' } })];
    const plan = planPlacements(
      [aRequest(grouped, 0), aRequest(grouped, 1), aRequest(free, 2), aRequest(grouped, 3)],
      offers,
      aContext(),
    );
    expect(plan.placements.map((p) => p.request.index)).toEqual([0, 2, 3]);
    expect(plan.unplaced.map((u) => u.reason)).toEqual([
      'no agent fits: constraint GROUPBY(City) rejected 1 agent',
    ]);
  });

  it('stops after maxPlacements and reports the requests it did not try as deferred', () => {
    const version = aVersion({});
    const plan = planPlacements(requests(version, 5), offersOn(2), aContext(), 2);
    expect(plan.placements.map((p) => p.request.index)).toEqual([0, 1]);
    expect(plan.unplaced).toEqual([]);
    expect(plan.deferred).toBe(3);
  });

  it('caps MAXPER across the batch', () => {
    const version = aVersion({
      constraint: constraintOf({ name: 'hostname', operate: 'MAXPER', type: 3, text: { value: '2' } }),
    });
    const plan = planPlacements(requests(version, 5), offersOn(2), aContext());
    expect(plan.placements).toHaveLength(4);
    expect(plan.unplaced[0]?.reason).toBe('no agent fits: constraint MAXPER(hostname) rejected 2 agents');
  });

  it('applies EXCLUDE to taskgroups of other applications placed earlier in the batch', () => {
    const db = aVersion({ appId: 'db', labels: { app: 'db' } });
    const web = aVersion({
      constraint: constraintOf({ name: 'hostname', operate: 'EXCLUDE', type: 4, set: { item: ['app:db'] } }),
    });
    const plan = planPlacements([aRequest(db), aRequest(web)], offersOn(2), aContext());
    const [dbHost, webHost] = hosts(plan.placements);
    expect(dbHost).toBeDefined();
    expect(webHost).toBeDefined();
    expect(webHost).not.toBe(dbHost);
  });

  it('counts live taskgroups of the cluster', () => {
    const version = aVersion({ constraint: constraintOf({ name: 'InnerIP', operate: 'UNIQUE' }) });
    const live = [aTaskGroup({ hostname: 'node-1', attributes: { InnerIP: '10.0.0.1' } })];
    const plan = planPlacements(requests(version, 2), offersOn(2), aContext(live));
    expect(hosts(plan.placements)).toEqual(['node-2']);
  });

  it('takes a container IP per USER taskgroup', () => {
    const version = aVersion({ networkMode: 'USER' });
    const offers = [anOffer({ attributes: { 'ip-resources': 1 } })];
    const plan = planPlacements(requests(version, 2), offers, aContext());
    expect(plan.placements).toHaveLength(1);
    expect(plan.offers[0]?.ipResources).toBe(0);
    expect(plan.unplaced[0]?.reason).toBe('no agent fits: ip-resources rejected 1 agent');
  });

  it('keeps a restarted instance on its host until the deadline', () => {
    const request = aRequest(aVersion(), 0, { retainHost: 'node-2', retainHostUntil: 100 });
    const offers = [anOffer({ hostname: 'node-1', cpus: 8 }), anOffer({ hostname: 'node-2', cpus: 2 })];
    const before = placeTaskGroup(request, offers, aContext([], { now: 99 })) as Placement;
    const after = placeTaskGroup(
      request,
      [
        { ...offers[0]!, totalCpus: 8 },
        { ...offers[1]!, totalCpus: 8 },
      ],
      aContext([], { now: 100 }),
    ) as Placement;
    expect(before.hostname).toBe('node-2');
    expect(after.hostname).toBe('node-1');
  });

  it('carries the requested IP and the captured attributes', () => {
    const version = aVersion({
      labels: { 'io.tencent.bcs.netsvc.requestip.0': '10.1.0.5|hostname=node-2' },
      constraint: constraintOf({ name: 'City', operate: 'UNIQUE' }),
    });
    const offers = [
      anOffer({ hostname: 'node-1', innerIp: '10.0.0.1', attributes: { City: 'sz' } }),
      anOffer({ hostname: 'node-2', innerIp: '10.0.0.2', attributes: { City: 'sh', rack: 4 } }),
    ];
    const placement = placeTaskGroup(aRequest(version), offers, aContext()) as Placement;
    expect(placement).toMatchObject({
      offerId: 'offer-node-2',
      agentId: 'agent-node-2',
      hostname: 'node-2',
      innerIp: '10.0.0.2',
      requestedIp: '10.1.0.5',
      role: '*',
      resources: { cpus: 1.01, mem: 192, disk: 64 },
      portMappings: [[]],
      attributes: { City: 'sh', hostname: 'node-2', InnerIP: '10.0.0.2' },
    });
  });

  it('lists every rejecting stage in the no-fit, each agent under its first', () => {
    const version = aVersion({ constraint: constraintOf({ name: 'InnerIP', operate: 'UNIQUE' }) });
    const live = [0, 1, 2].map((i) =>
      aTaskGroup({ index: i, hostname: `node-${i + 1}`, attributes: { InnerIP: `10.0.0.${i + 1}` } }),
    );
    const offers = [
      ...offersOn(3),
      anOffer({ hostname: 'small', innerIp: '10.0.0.9', cpus: 0.5 }),
      anOffer({ hostname: 'off', innerIp: '10.0.0.8', setting: { disabled: true } }),
    ];
    const result = placeTaskGroup(aRequest(version, 3), offers, aContext(live));
    expect(isNoFit(result)).toBe(true);
    expect(result).toEqual({
      reason:
        'no agent fits: constraint UNIQUE(InnerIP) rejected 3 agents; cpus rejected 1 agent; disabled rejected 1 agent',
      rejections: { 'constraint UNIQUE(InnerIP)': 3, cpus: 1, disabled: 1 },
    });
  });

  it('says so when there are no offers', () => {
    expect(placeTaskGroup(aRequest(aVersion()), [], aContext())).toEqual({
      reason: 'no agent fits: no offers',
      rejections: {},
    });
  });

  it('visits only offers the static stages accept', () => {
    const version = aVersion({
      constraint: constraintOf({ name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'sz' } }),
    });
    const offers = [
      ...offersOn(50, { attributes: { City: 'sh' } }),
      anOffer({ hostname: 'only', attributes: { City: 'sz' }, cpus: 16 }),
    ];
    const plan = planPlacements(requests(version, 3), offers, aContext());
    expect(hosts(plan.placements)).toEqual(['only', 'only', 'only']);
  });

  it('does not record a single placement in the context', () => {
    const version = aVersion({ constraint: constraintOf({ name: 'InnerIP', operate: 'UNIQUE' }) });
    const ctx = aContext();
    const first = placeTaskGroup(aRequest(version), offersOn(1), ctx) as Placement;
    expect(placeTaskGroup(aRequest(version, 1), offersOn(1), ctx)).toMatchObject({
      hostname: first.hostname,
    });
    ctx.record(first);
    expect(isNoFit(placeTaskGroup(aRequest(version, 1), offersOn(1), ctx))).toBe(true);
  });
});
