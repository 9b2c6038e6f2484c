import { anApplication } from '@bcs/testing/builders';
import type { SimAgentSpec } from '@bcs/testing/cluster';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, V4 } from '../helpers/app.js';
import { createSimApp, type SimApp } from '../helpers/sim-app.js';

// Agent settings through the API take effect before the write answers (issue 9 §1), and the cluster views show
// them at once. In-process on a simulated cluster with a manual clock: the engine's tick (1 s) never runs
// between a write and what follows.

const agent = (hostname: string, innerIp: string): SimAgentSpec => ({
  hostname,
  innerIp,
  attributes: [{ name: 'zone', type: 'TEXT', text: { value: 'a' } }],
});

let t: SimApp;
beforeEach(async () => {
  t = await createSimApp({ agents: [agent('web-1', '10.0.0.1'), agent('web-2', '10.0.0.2')] });
});
afterEach(() => t.close());

const api = () => request(t.app.callback());
const get = (path: string) => api().get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);
const post = (path: string, body?: unknown) =>
  api()
    .post(`${V4}${path}`)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);
const put = (path: string, body: unknown) =>
  api()
    .put(`${V4}${path}`)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);

/** The API document's application, with `instance` half-cpu instances and the given constraint. */
function app(name: string, instance: number, constraint?: unknown) {
  const body = anApplication({ metadata: { name }, spec: { instance } } as never) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    constraint?: unknown;
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.5', memory: '100' } };
  if (constraint !== undefined) body.constraint = constraint;
  else delete body.constraint;
  return body;
}

async function hostsOf(name: string): Promise<string[]> {
  const res = await get(`/namespaces/defaultGroup/applications/${name}/taskgroups`);
  expect(res.status).toBe(200);
  return (res.body.data as { HostName: string }[]).map((tg) => tg.HostName);
}

const uniqueHost = { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] };

describe('agent-setting writes apply before they answer', () => {
  it('POST /agentsettings/disable: an application created right after lands only elsewhere', async () => {
    await t.advance(2500);
    expect((await post('/agentsettings/disable?ips=10.0.0.1')).status).toBe(200);
    expect((await post('/namespaces/defaultGroup/applications', app('web', 3))).status).toBe(200);
    await t.advance(100, 50);
    expect(await hostsOf('web')).toEqual(['web-2', 'web-2', 'web-2']);
  });

  it('PUT /agentsettings/taint: an intolerant application created right after avoids the host', async () => {
    await t.advance(2500);
    const taint = await put('/agentsettings/taint', [{ innerIP: '10.0.0.1', noSchedule: { k: 'v' } }]);
    expect(taint.status).toBe(200);
    expect((await post('/namespaces/defaultGroup/applications', app('web', 3))).status).toBe(200);
    await t.advance(100, 50);
    expect(await hostsOf('web')).toEqual(['web-2', 'web-2', 'web-2']);
  });

  it('POST /agentsettings/enable: the host takes the next placement', async () => {
    await post('/agentsettings/disable?ips=10.0.0.1');
    await t.advance(2500);
    expect((await post('/agentsettings/enable?ips=10.0.0.1')).status).toBe(200);
    expect((await post('/namespaces/defaultGroup/applications', app('web', 2, uniqueHost))).status).toBe(200);
    await t.advance(100, 50);
    expect((await hostsOf('web')).sort()).toEqual(['web-1', 'web-2']);
  });
});

describe('cluster views', () => {
  beforeEach(async () => {
    // An application with one instance on each agent, so the engine has seen an offer from both.
    await post('/namespaces/defaultGroup/applications', app('seen', 2, uniqueHost));
    await t.advance(3000);
  });

  it('GET /cluster/resources shows disabled and the setting attributes right after the writes', async () => {
    await post('/agentsettings/disable?ips=10.0.0.1');
    await post('/agentsettings/update', {
      ips: ['10.0.0.1'],
      name: 'rack',
      valuetype: 103,
      text: { value: 'r1' },
    });
    const res = await get('/cluster/resources');
    expect(res.status).toBe(200);
    const [web1, web2] = res.body.data.agents;
    expect(web1).toMatchObject({ hostname: 'web-1', disabled: true });
    expect(web1.attributes).toContainEqual({ name: 'rack', type: 103, text: { value: 'r1' } });
    expect(web1.host_attributes).not.toContainEqual(expect.objectContaining({ name: 'rack' }));
    expect(web2).toMatchObject({ hostname: 'web-2', disabled: false });
  });

  it('GET /cluster/current/offers leaves out a disabled host and merges setting attributes', async () => {
    await post('/agentsettings/disable?ips=10.0.0.2');
    await post('/agentsettings/update', {
      ips: ['10.0.0.1'],
      name: 'weight',
      valuetype: 101,
      scalar: { value: 2 },
    });
    const res = await get('/cluster/current/offers');
    expect(res.status).toBe(200);
    expect(res.body.data.map((o: { hostname: string }) => o.hostname)).toEqual(['web-1']);
    const [offer] = res.body.data;
    expect(offer.attributes).toEqual([
      { name: 'InnerIP', type: 3, text: { value: '10.0.0.1' } },
      { name: 'zone', type: 3, text: { value: 'a' } },
      { name: 'weight', type: 0, scalar: { value: 2 } },
    ]);
  });

  it("GET /cluster/current/offers uses the document's numeric types for resources and attributes", async () => {
    const res = await get('/cluster/current/offers');
    expect(res.body.data).toHaveLength(2);
    for (const offer of res.body.data) {
      expect(offer).toMatchObject({
        id: { value: expect.any(String) },
        framework_id: { value: expect.any(String) },
        agent_id: { value: expect.any(String) },
        deltaResource: { Cpus: 0, Mem: 0, Disk: 0 },
      });
      const types = Object.fromEntries(
        (offer.resources as { name: string; type: unknown }[]).map((r) => [r.name, r.type]),
      );
      expect(types).toEqual({ cpus: 0, mem: 0, disk: 0, ports: 1 });
      for (const attribute of offer.attributes) expect(typeof attribute.type).toBe('number');
    }
  });
});
