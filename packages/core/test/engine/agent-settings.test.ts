import type { SimAgentSpec } from '@bcs/testing/cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentSettingService, type MesosAttribute } from '../../src/index.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// Agent settings take effect at once (issue 9 §1): a placement decided after a setting write answered honours
// it. The engine's tick is 1 s; every check below lets only 100 ms of simulated time pass after the write, so no
// tick runs in between (the old engine re-read the settings on its tick only).

let h: Harness | undefined;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

function agent(hostname: string, innerIp: string, zone: string): SimAgentSpec {
  const attributes: MesosAttribute[] = [{ name: 'zone', type: 'TEXT', text: { value: zone } }];
  return { hostname, innerIp, attributes };
}
const WEB1 = agent('web-1', '10.0.0.1', 'a');
const WEB2 = agent('web-2', '10.0.0.2', 'a');

const settings = (harness: Harness) => harness.container.resolve(AgentSettingService);

/** A harness on web-1 and web-2, subscribed and idle (offers declined, the engine suppressed). */
async function idleCluster(): Promise<Harness> {
  const harness = await createHarness({ agents: [WEB1, WEB2] });
  await harness.advance(2500);
  return harness;
}

/** Creates `app-test` with `instances` 0.5-cpu instances (and `constraint`), lets 100 ms pass, returns hosts. */
async function placeWithin100ms(
  harness: Harness,
  instances: number,
  constraint?: Record<string, unknown>,
): Promise<(string | undefined)[]> {
  const body = smallApp({
    spec: { instance: instances },
    ...(constraint === undefined ? {} : { constraint }),
  });
  await harness.apps.create(NS, body);
  await harness.advance(100, 50);
  return harness.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.hostname);
}

const uniqueHost = { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] };

describe('agent settings take effect before the write answers', () => {
  it('disable: nothing placed in the next 100 ms lands on the disabled host', async () => {
    h = await idleCluster();
    await settings(h).disable(['10.0.0.1']);
    const hosts = await placeWithin100ms(h, 4);
    expect(hosts).toEqual(['web-2', 'web-2', 'web-2', 'web-2']);
  });

  it('taint noSchedule: an intolerant taskgroup placed in the next 100 ms avoids the tainted host', async () => {
    h = await idleCluster();
    await settings(h).taint([{ innerIP: '10.0.0.2', noSchedule: { dedicated: 'db' } }]);
    const hosts = await placeWithin100ms(h, 4);
    expect(hosts).toEqual(['web-1', 'web-1', 'web-1', 'web-1']);
  });

  it('attribute update: a constraint on it counts in the next 100 ms', async () => {
    h = await idleCluster();
    await settings(h).update({ ips: ['10.0.0.2'], name: 'zone', valuetype: 103, text: { value: 'b' } });
    const cluster = {
      IntersectionItem: [
        { unionData: [{ name: 'zone', operate: 'CLUSTER', type: 3, text: { value: 'b' } }] },
      ],
    };
    const hosts = await placeWithin100ms(h, 3, cluster);
    expect(hosts).toEqual(['web-2', 'web-2', 'web-2']);
  });

  it('attribute set (POST /agentsettings): a constraint on it counts in the next 100 ms', async () => {
    h = await idleCluster();
    await settings(h).set([{ innerIP: '10.0.0.1', strings: { rack: { value: 'r1' } } }]);
    const cluster = {
      IntersectionItem: [
        { unionData: [{ name: 'rack', operate: 'CLUSTER', type: 3, text: { value: 'r1' } }] },
      ],
    };
    const hosts = await placeWithin100ms(h, 2, cluster);
    expect(hosts).toEqual(['web-1', 'web-1']);
  });

  it('enable: the host takes placements in the next 100 ms', async () => {
    h = await idleCluster();
    await settings(h).disable(['10.0.0.1']);
    await h.advance(2000);
    await settings(h).enable(['10.0.0.1']);
    const hosts = await placeWithin100ms(h, 2, uniqueHost);
    expect([...hosts].sort()).toEqual(['web-1', 'web-2']);
  });

  it('delete: a deleted disabling setting no longer holds the host back in the next 100 ms', async () => {
    h = await idleCluster();
    await settings(h).set([{ innerIP: '10.0.0.1', disabled: true }]);
    await h.advance(2000);
    await settings(h).delete(['10.0.0.1']);
    const hosts = await placeWithin100ms(h, 2, uniqueHost);
    expect([...hosts].sort()).toEqual(['web-1', 'web-2']);
  });

  it('an enable lets a taskgroup already Pending for want of a host be placed without waiting for a tick', async () => {
    h = await idleCluster();
    await settings(h).disable(['10.0.0.1']);
    await h.apps.create(NS, smallApp({ spec: { instance: 2 }, constraint: uniqueHost }));
    await h.advance(6000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running', 'Pending']);
    await settings(h).enable(['10.0.0.1']);
    await h.advance(100, 50);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.hostname)).toEqual(['web-2', 'web-1']);
  });
});

/** A harness whose engine has had an offer from each agent (an app with one instance on each runs). */
async function seenCluster(): Promise<Harness> {
  const harness = await createHarness({ agents: [WEB1, WEB2] });
  await harness.apps.create(
    NS,
    smallApp({ appname: 'seen', metadata: { name: 'seen' }, spec: { instance: 2 }, constraint: uniqueHost }),
  );
  await harness.advance(3000);
  return harness;
}

describe('cluster views show settings at once', () => {
  it('GET cluster/resources: disabled and the setting attributes, right after the write', async () => {
    h = await seenCluster();
    await settings(h).disable(['10.0.0.1']);
    await settings(h).update({ ips: ['10.0.0.1'], name: 'rack', valuetype: 101, scalar: { value: 3 } });
    await settings(h).update({ ips: ['10.0.0.1'], name: 'zone', valuetype: 103, text: { value: 'z' } });
    const [web1, web2] = h.clusterView.resources().agents;
    expect(web1).toMatchObject({ hostname: 'web-1', ip: '10.0.0.1', disabled: true });
    expect(web2).toMatchObject({ hostname: 'web-2', disabled: false });
    // host_attributes stay the agent's own; attributes are what placement uses.
    expect(web1!.host_attributes.find((a) => a.name === 'zone')).toEqual({
      name: 'zone',
      type: 103,
      text: { value: 'a' },
    });
    expect(web1!.attributes.filter((a) => a.name === 'zone' || a.name === 'rack')).toEqual([
      { name: 'zone', type: 103, text: { value: 'z' } },
      { name: 'rack', type: 101, scalar: { value: 3 } },
    ]);
    expect(web2!.attributes).toEqual(web2!.host_attributes);
  });

  it('GET cluster/current/offers: leaves out disabled hosts at once, and shows them again once enabled', async () => {
    h = await seenCluster();
    expect(h.clusterView.offers().map((o) => o.hostname)).toEqual(['web-1', 'web-2']);
    await settings(h).disable(['10.0.0.2']);
    expect(h.clusterView.offers().map((o) => o.hostname)).toEqual(['web-1']);
    await settings(h).enable(['10.0.0.2']);
    expect(h.clusterView.offers().map((o) => o.hostname)).toEqual(['web-1', 'web-2']);
  });

  it('GET cluster/current/offers: setting attributes merged, taints as a NoSchedule SET, numeric types', async () => {
    h = await seenCluster();
    await settings(h).set([
      {
        innerIP: '10.0.0.1',
        strings: { zone: { value: 'z' }, rack: { value: 'r1' } },
        scalars: { weight: { value: 2 } },
        noSchedule: { dedicated: 'db' },
      },
    ]);
    const [web1, web2] = h.clusterView.offers();
    expect(web1!.attributes).toEqual([
      { name: 'InnerIP', type: 3, text: { value: '10.0.0.1' } },
      { name: 'zone', type: 3, text: { value: 'z' } },
      { name: 'rack', type: 3, text: { value: 'r1' } },
      { name: 'weight', type: 0, scalar: { value: 2 } },
      { name: 'NoSchedule', type: 2, set: { item: ['dedicated=db'] } },
    ]);
    expect(web2!.attributes).toEqual([
      { name: 'InnerIP', type: 3, text: { value: '10.0.0.2' } },
      { name: 'zone', type: 3, text: { value: 'a' } },
    ]);
    const types = Object.fromEntries(web1!.resources.map((r) => [r.name, r.type]));
    expect(types).toEqual({ cpus: 0, mem: 0, disk: 0, ports: 1 });
    expect(web1!.deltaResource).toEqual({ Cpus: 0, Mem: 0, Disk: 0 });
  });
});
