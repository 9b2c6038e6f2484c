import { anApplication, aService } from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, type ScenarioServer, startScenario } from '../helpers/scenario.js';

// Service endpoints through HTTP, in process on LevelDB with the command's default simulated cluster on a manual
// clock (3 agents, InnerIP 127.0.0.1-3, ports 31000-32000): the API document's service selects the document's
// application (`podname: app-test`, port `test-port`).

const NS = 'defaultGroup';
const APP = `/namespaces/${NS}/applications`;
const ENDPOINTS = `/namespaces/${NS}/services/service-test/endpoints`;

/** The document's application with half a cpu per instance (its 2 cpus would fill the agents). */
function small(instances: number) {
  const body = anApplication({ spec: { instance: instances } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.5', memory: '64' } };
  return body;
}

interface TaskGroupView {
  ID: string;
  Status: string;
  Taskgroup: { AgentIPAddress: string; PortMappings: { Name: string; HostPort: number }[] }[];
}

describe('service endpoints through HTTP', { timeout: 60_000 }, () => {
  let server: ScenarioServer;
  beforeAll(async () => {
    server = await startScenario();
  });
  afterAll(() => server.dispose());

  const taskGroups = () => server.call('GET', `${APP}/app-test/taskgroups`);
  const running = (res: { body: Envelope }) =>
    ((res.body.data as TaskGroupView[] | null) ?? []).filter((tg) => tg.Status === 'Running');

  it('has no endpoints before the application exists', async () => {
    expect((await server.call('POST', `/namespaces/${NS}/services`, aService())).status).toBe(200);
    const res = await server.call('GET', ENDPOINTS);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, code: 0, data: { kind: 'service', eps: [] } });
    expect(res.body.data.metadata).toMatchObject({ name: 'service-test', namespace: NS });
  });

  it("lists the document's application's 2 Running taskgroups with their agent and test-port", async () => {
    expect((await server.call('POST', APP, small(2))).status).toBe(200);
    const tgs = running(await server.until(taskGroups, (res) => running(res).length === 2));
    const res = await server.until(
      () => server.call('GET', ENDPOINTS),
      (r) => r.body.data?.eps?.length === 2,
    );
    expect(res.status).toBe(200);
    const eps = res.body.data.eps as {
      networkMode: string;
      nodeIP: string;
      containerIP: string;
      targetRef: { kind: string; id: string; namespace: string; image: string };
      ports: { name: string; hostPort: number; containerPort: number; hostIP?: string; protocol: string }[];
    }[];
    expect(eps.map((ep) => ep.targetRef.id).sort()).toEqual(tgs.map((tg) => tg.ID).sort());
    // Two instances on two different agents (spread), each endpoint on its taskgroup's agent and host port.
    expect(new Set(eps.map((ep) => ep.nodeIP)).size).toBe(2);
    for (const ep of eps) {
      const tg = tgs.find((t) => t.ID === ep.targetRef.id)!;
      const task = tg.Taskgroup[0]!;
      const hostPort = task.PortMappings.find((p) => p.Name === 'test-port')!.HostPort;
      expect(ep).toEqual({
        networkMode: 'BRIDGE',
        nodeIP: task.AgentIPAddress,
        containerIP: task.AgentIPAddress,
        targetRef: { kind: 'taskgroup', id: tg.ID, name: expect.any(String), namespace: NS, image: '' },
        ports: [
          { name: 'test-port', hostPort, containerPort: 9999, hostIP: task.AgentIPAddress, protocol: 'HTTP' },
        ],
      });
      expect(['127.0.0.1', '127.0.0.2', '127.0.0.3']).toContain(ep.nodeIP);
      expect(hostPort).toBeGreaterThanOrEqual(31000);
      expect(hostPort).toBeLessThanOrEqual(32000);
    }
  });

  it('is served under the bcs-api gateway prefix too', async () => {
    const res = await server.call('GET', `/bcsapi/v4/scheduler/mesos${ENDPOINTS}`);
    expect(res.status).toBe(200);
    expect(res.body.data.eps).toHaveLength(2);
  });

  it('follows the application: scaled to 1, one endpoint', async () => {
    expect((await server.call('PUT', `${APP}/app-test/scale/1`)).status).toBe(200);
    const res = await server.until(
      () => server.call('GET', ENDPOINTS),
      (r) => r.body.data?.eps?.length === 1,
    );
    expect(res.body.data.eps[0].targetRef.name).toBe('app-test-0');
  });

  it.each([
    ['a missing service', `/namespaces/${NS}/services/nope/endpoints`, 404, 1405202, 'nope'],
    ['a dotted service name', `/namespaces/${NS}/services/a.b/endpoints`, 400, 1405007, 'name'],
    ['a dotted namespace', '/namespaces/bad.ns/services/service-test/endpoints', 400, 1405007, 'namespace'],
  ])('answers %s with HTTP %s', async (_label, path, status, code, field) => {
    const res = await server.call('GET', path);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ result: false, code, message: expect.any(String), data: null });
    expect(res.body.message).toContain(field);
  });
});
