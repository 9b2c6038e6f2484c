import { aService } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AppState,
  computeEndpoints,
  EndpointService,
  ErrorCode,
  type Service,
  ServiceService,
  type TaskGroup,
  type Version,
} from '../../src/index.js';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';
import { rejectionOf } from '../helpers/core.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

async function setUp(agents = 2): Promise<{ endpoints: EndpointService; services: ServiceService }> {
  h = await createHarness({ agents });
  return { endpoints: h.container.resolve(EndpointService), services: h.container.resolve(ServiceService) };
}

const unique = {
  constraint: { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] },
};

describe('EndpointService on the simulated cluster', () => {
  it("lists the doc app's 2 Running taskgroups for the doc service (podname: app-test, port test-port)", async () => {
    const { endpoints, services } = await setUp();
    const service = await services.create(NS, aService());
    await h.apps.create(NS, smallApp());
    await h.advance(3000);
    const tgs = h.apps.get(NS, 'app-test').taskGroups;
    expect(tgs.map((tg) => tg.status)).toEqual(['Running', 'Running']);

    const result = await endpoints.endpoints(NS, 'service-test');
    expect(result.kind).toBe('service');
    expect(result.metadata).toEqual(service.metadata);
    expect(result.eps).toEqual(
      tgs.map((tg) => ({
        networkMode: 'BRIDGE',
        nodeIP: tg.agentIp,
        // The simulated executor reports the agent's IP as the container's.
        containerIP: tg.agentIp,
        targetRef: { kind: 'taskgroup', id: tg.id, name: tg.name, namespace: NS, image: '' },
        ports: [
          {
            name: 'test-port',
            hostPort: tg.tasks[0]!.portMappings[0]!.hostPort,
            containerPort: 9999,
            hostIP: tg.agentIp,
            protocol: 'HTTP',
          },
        ],
      })),
    );
    expect(new Set(result.eps.map((ep) => ep.nodeIP))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
    for (const ep of result.eps) expect(ep.ports[0]!.hostPort).toBeGreaterThanOrEqual(31000);
  });

  it('leaves out a taskgroup once its agent is lost (Lost or Failed is not a member; the original kept Lost, §15.15)', async () => {
    const { endpoints, services } = await setUp();
    await services.create(NS, aService());
    await h.apps.create(NS, smallApp());
    await h.advance(3000);
    const [first, second] = h.apps.get(NS, 'app-test').taskGroups;
    expect((await endpoints.endpoints(NS, 'service-test')).eps).toHaveLength(2);

    h.cluster.loseAgent(first!.hostname!);
    await h.advance(1000);
    // Restart policy Never (the document's): the instance stays. The framework is PARTITION_AWARE, so a removed
    // agent's tasks come as TASK_GONE (Failed); TASK_UNREACHABLE (Lost) is left out the same way.
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Failed', 'Running']);
    const after = await endpoints.endpoints(NS, 'service-test');
    expect(after.eps.map((ep) => ep.targetRef.id)).toEqual([second!.id]);
  });

  it('leaves out Pending taskgroups', async () => {
    const { endpoints, services } = await setUp(1);
    await services.create(NS, aService());
    await h.apps.create(NS, smallApp({ spec: { instance: 3 }, ...unique }));
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual([
      'Running',
      'Pending',
      'Pending',
    ]);
    const result = await endpoints.endpoints(NS, 'service-test');
    expect(result.eps.map((ep) => ep.targetRef.name)).toEqual(['app-test-0']);
  });

  it('gives one port per task port mapping whose name is a service port name', async () => {
    const { endpoints, services } = await setUp(1);
    await services.create(
      NS,
      aService({
        spec: {
          ports: [
            { name: 'test-port', protocol: 'tcp', servicePort: 8899 },
            { name: 'metrics', protocol: 'tcp', servicePort: 9100 },
            { name: 'not-exposed', protocol: 'tcp', servicePort: 9200 },
          ],
        },
      }),
    );
    const ports = [
      { containerPort: 9999, name: 'test-port', protocol: 'HTTP' },
      { containerPort: 8080, name: 'admin', protocol: 'TCP' },
      { containerPort: 9100, name: 'metrics', protocol: 'TCP' },
    ];
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { ports, healthChecks: [] }));
    await h.advance(3000);
    const [ep] = (await endpoints.endpoints(NS, 'service-test')).eps;
    expect(ep!.ports.map((p) => [p.name, p.containerPort, p.protocol])).toEqual([
      ['test-port', 9999, 'HTTP'],
      ['metrics', 9100, 'TCP'],
    ]);
    expect(new Set(ep!.ports.map((p) => p.hostPort)).size).toBe(2);
  });

  it.each([
    ['without a selector', { spec: { selector: undefined } }],
    // deepMerge merges objects, so the one pair is deleted to leave `{}`.
    ['with an empty selector', { spec: { selector: { podname: undefined } } }],
    ['selecting a label the app lacks too', { spec: { selector: { podname: 'app-test', tier: 'web' } } }],
    ['selecting another value', { spec: { selector: { podname: 'app-other' } } }],
  ])('has no endpoints for a service %s', async (_label, overrides) => {
    const { endpoints, services } = await setUp();
    await services.create(NS, aService(overrides));
    await h.apps.create(NS, smallApp());
    await h.advance(3000);
    expect((await endpoints.endpoints(NS, 'service-test')).eps).toEqual([]);
  });

  it('selects on template labels too, and only in its own namespace', async () => {
    const { endpoints, services } = await setUp();
    await services.create(NS, aService({ spec: { selector: { podname: 'app-test', tier: 'web' } } }));
    await services.create('other', aService({ metadata: { namespace: 'other' } }));
    await h.apps.create(NS, smallApp({ spec: { template: { metadata: { labels: { tier: 'web' } } } } }));
    await h.advance(3000);
    expect((await endpoints.endpoints(NS, 'service-test')).eps).toHaveLength(2);
    expect((await endpoints.endpoints('other', 'service-test')).eps).toEqual([]);
  });

  it('answers NotFound for a missing service', async () => {
    const { endpoints } = await setUp();
    expect((await rejectionOf(endpoints.endpoints(NS, 'nope'))).code).toBe(ErrorCode.NotFound);
  });
});

describe('computeEndpoints: container IPs', () => {
  const service = {
    apiVersion: 'v4',
    kind: 'service',
    metadata: { name: 's', namespace: NS, creationTimestamp: '2026-11-24T06:00:00Z' },
    spec: { selector: { app: 'a' }, ports: [{ name: 'p', servicePort: 80 }] },
  } as Service;
  const stateOf = (networkMode: string, kind: 'application' | 'process', containerIp?: string): AppState => {
    const version = {
      id: '1',
      appId: 'a',
      namespace: NS,
      kind,
      networkMode,
      labels: { app: 'a' },
    } as unknown as Version;
    const taskGroup = {
      id: '0.a.defaultGroup.c.1',
      name: 'a-0',
      namespace: NS,
      index: 0,
      versionId: '1',
      status: 'Running',
      agentIp: '10.0.0.1',
      tasks: [
        {
          portMappings: [{ name: 'p', containerPort: 80, hostPort: 0, protocol: 'TCP' }],
          ...(containerIp === undefined ? {} : { containerIp }),
        },
      ],
    } as unknown as TaskGroup;
    return {
      app: { id: 'a', namespace: NS, versionId: '1' } as AppState['app'],
      versions: new Map([['1', version]]),
      taskGroups: new Map([[taskGroup.id, taskGroup]]),
    };
  };

  it.each([
    ['reported, BRIDGE', 'BRIDGE', 'application', '172.17.0.2', '172.17.0.2'],
    ['not reported, HOST: the agent', 'HOST', 'application', undefined, '10.0.0.1'],
    ['not reported, a process: the agent', '', 'process', undefined, '10.0.0.1'],
    ['not reported, BRIDGE: empty', 'BRIDGE', 'application', undefined, ''],
  ] as const)('%s', (_label, networkMode, kind, reported, expected) => {
    const [ep] = computeEndpoints(service, [stateOf(networkMode, kind, reported)]).eps;
    expect(ep!.containerIP).toBe(expected);
    expect(ep!.nodeIP).toBe('10.0.0.1');
    // No host port bound (hostPort 0), so no hostIP.
    expect(ep!.ports).toEqual([{ name: 'p', hostPort: 0, containerPort: 80, protocol: 'TCP' }]);
  });
});
