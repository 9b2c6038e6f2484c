// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${bcs.*}` are BCS env templates, not JS ones.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import type { PortMapping } from '../../src/resources/taskgroup.js';
import { buildLaunchGroup, expandBcsTemplates, healthCheckOf } from '../../src/scheduler/launch.js';
import { placeTaskGroup } from '../../src/scheduler/placement.js';
import type { Placement } from '../../src/scheduler/types.js';
import type { HealthCheckDefinition } from '../../src/validation/pod-template.js';
import { aContainer, aContext, anOffer, aPort, aRequest, aVersion } from './helpers.js';

const TG = '0.web.ns.c.1700000000000000000';
const taskId = (i: number) => `1700000000000000000.${i}.0.web.ns.c`;

function placed(version: ReturnType<typeof aVersion>): Placement {
  const offer = anOffer({ hostname: 'node-1', innerIp: '10.0.0.1', ports: [[31000, 31009]] });
  return placeTaskGroup(aRequest(version), [offer], aContext()) as Placement;
}

describe('buildLaunchGroup', () => {
  it('builds a DEFAULT-executor LAUNCH_GROUP (BRIDGE, two containers)', () => {
    const version = aVersion({
      labels: { app: 'web' },
      killGracePeriod: 5,
      containers: [
        aContainer({
          name: 'app',
          image: 'nginx:1.25',
          command: '/bin/server',
          args: ['--port', '${bcs.ports.http}'],
          env: [{ name: 'NAME', value: '${bcs.appname}-${bcs.instanceid}@${bcs.hostip}' }],
          ports: [aPort('http', 80, 0)],
          healthChecks: [
            { type: 'REMOTE_HTTP', http: { port: 1 } },
            { type: 'HTTP', http: { portName: 'http', path: '/hc', scheme: 'HTTP' }, intervalSeconds: 30 },
          ] as HealthCheckDefinition[],
          volumes: [{ hostPath: '/data', mountPath: '/var/data', readOnly: true }],
        }),
        aContainer({ name: 'side', image: 'busybox', resources: { cpus: 0, mem: 0, disk: 0 } }),
      ],
    });
    const placement = placed(version);
    const operation = buildLaunchGroup({
      taskGroupId: TG,
      taskIds: [taskId(0), taskId(1)],
      version,
      placement,
      frameworkId: 'fw-1',
      clusterId: 'c',
    });
    expect(operation).toEqual({
      type: 'LAUNCH_GROUP',
      launch_group: {
        executor: {
          type: 'DEFAULT',
          executor_id: { value: TG },
          framework_id: { value: 'fw-1' },
          name: 'web-0',
          resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: 0.01 }, role: '*' },
            { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: '*' },
            { name: 'disk', type: 'SCALAR', scalar: { value: 64 }, role: '*' },
          ],
          container: {
            type: 'MESOS',
            network_infos: [
              {
                name: 'mesos-bridge',
                port_mappings: [{ host_port: 31000, container_port: 80, protocol: 'tcp' }],
              },
            ],
          },
        },
        task_group: {
          tasks: [
            {
              name: `1700000000000000000-${taskId(0)}`,
              task_id: { value: taskId(0) },
              agent_id: { value: 'agent-node-1' },
              resources: [
                { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
                { name: 'mem', type: 'SCALAR', scalar: { value: 128 }, role: '*' },
                {
                  name: 'ports',
                  type: 'RANGES',
                  ranges: { range: [{ begin: 31000, end: 31000 }] },
                  role: '*',
                },
              ],
              container: {
                type: 'MESOS',
                mesos: { image: { type: 'DOCKER', docker: { name: 'nginx:1.25' } } },
                volumes: [{ container_path: '/var/data', host_path: '/data', mode: 'RO' }],
              },
              command: {
                shell: false,
                value: '/bin/server',
                arguments: ['/bin/server', '--port', '${bcs.ports.http}'],
                environment: {
                  variables: [
                    { name: 'NAME', value: 'web-0@10.0.0.1' },
                    { name: 'PORT_http', value: '31000' },
                  ],
                },
              },
              health_check: {
                type: 'HTTP',
                http: { scheme: 'http', port: 80, path: '/hc' },
                interval_seconds: 30,
              },
              kill_policy: { grace_period: { nanoseconds: 5_000_000_000 } },
              labels: {
                labels: [
                  { key: 'app', value: 'web' },
                  { key: 'namespace', value: 'ns' },
                  { key: 'pod_name', value: 'web-0' },
                  { key: 'cluster', value: 'c' },
                ],
              },
            },
            {
              name: `1700000000000000000-${taskId(1)}`,
              task_id: { value: taskId(1) },
              agent_id: { value: 'agent-node-1' },
              resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.01 }, role: '*' }],
              container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'busybox' } } } },
              command: { shell: false },
              kill_policy: { grace_period: { nanoseconds: 5_000_000_000 } },
              labels: {
                labels: [
                  { key: 'app', value: 'web' },
                  { key: 'namespace', value: 'ns' },
                  { key: 'pod_name', value: 'web-0' },
                  { key: 'cluster', value: 'c' },
                ],
              },
            },
          ],
        },
      },
    });
    // Everything launched equals what placement charged.
    const charged = [operation.launch_group.executor, ...operation.launch_group.task_group.tasks]
      .flatMap((part) => part.resources)
      .filter((r) => r.name === 'cpus')
      .reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
    expect(charged).toBeCloseTo(placement.resources.cpus, 9);
  });

  it('joins HOST containers to no network and USER ones to the namespace network', () => {
    const host = aVersion({ networkMode: 'HOST' });
    expect(
      buildLaunchGroup({
        taskGroupId: TG,
        taskIds: [taskId(0)],
        version: host,
        placement: placed(host),
        frameworkId: 'f',
      }).launch_group.executor.container,
    ).toBeUndefined();
    const user = aVersion({ networkMode: 'USER' });
    expect(
      buildLaunchGroup({
        taskGroupId: TG,
        taskIds: [taskId(0)],
        version: user,
        placement: placed(user),
        frameworkId: 'f',
      }).launch_group.executor.container,
    ).toEqual({ type: 'MESOS', network_infos: [{ name: 'ns' }] });
    const named = aVersion({ networkMode: 'overlay-1' });
    expect(
      buildLaunchGroup({
        taskGroupId: TG,
        taskIds: [taskId(0)],
        version: named,
        placement: placed(named),
        frameworkId: 'f',
      }).launch_group.executor.container,
    ).toEqual({ type: 'MESOS', network_infos: [{ name: 'overlay-1' }] });
  });

  it('labels the requested IP and passes args alone to the entrypoint', () => {
    const version = aVersion({
      labels: { 'io.tencent.bcs.netsvc.requestip.0': '10.1.0.5' },
      containers: [aContainer({ args: ['-v'] })],
    });
    const [task] = buildLaunchGroup({
      taskGroupId: TG,
      taskIds: [taskId(0)],
      version,
      placement: placed(version),
      frameworkId: 'f',
    }).launch_group.task_group.tasks;
    expect(task?.labels?.labels).toContainEqual({
      key: 'io.tencent.bcs.netsvc.requestip',
      value: '10.1.0.5',
    });
    expect(task?.command).toEqual({ shell: false, arguments: ['-v'] });
  });

  it('refuses task ids that do not match the containers', () => {
    const version = aVersion();
    expect(() =>
      buildLaunchGroup({
        taskGroupId: TG,
        taskIds: [],
        version,
        placement: placed(version),
        frameworkId: 'f',
      }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
  });
});

describe('healthCheckOf', () => {
  const http80: PortMapping[] = [{ name: 'http', containerPort: 80, hostPort: 31000, protocol: 'tcp' }];
  it.each<[string, HealthCheckDefinition[], unknown]>([
    [
      'first local check, by port name',
      [
        { type: 'REMOTE_HTTP', http: { port: 1 } },
        { type: 'TCP', tcp: { portName: 'http' } },
      ],
      { type: 'TCP', tcp: { port: 80 } },
    ],
    [
      'HTTP with port, path and scheme',
      [{ type: 'HTTP', http: { port: 8080, path: '/hc', scheme: 'HTTP' } }],
      { type: 'HTTP', http: { scheme: 'http', port: 8080, path: '/hc' } },
    ],
    ['unresolved port name', [{ type: 'TCP', tcp: { portName: 'nope' } }], undefined],
    ['blank command', [{ type: 'COMMAND', command: { value: '  ' } }], undefined],
    [
      'command with times',
      [
        {
          type: 'COMMAND',
          command: { value: 'true' },
          delaySeconds: 10,
          timeoutSeconds: 0,
          consecutiveFailures: 3,
        },
      ],
      {
        type: 'COMMAND',
        command: { shell: true, value: 'true' },
        delay_seconds: 10,
        consecutive_failures: 3,
      },
    ],
    ['only remote checks', [{ type: 'REMOTE_TCP', tcp: { port: 1 } }], undefined],
    [
      'the first local check decides even when unresolved',
      [
        { type: 'TCP', tcp: { portName: 'nope' } },
        { type: 'TCP', tcp: { port: 81 } },
      ],
      undefined,
    ],
  ])('%s', (_, healthChecks, expected) => {
    expect(healthCheckOf({ healthChecks }, http80)).toEqual(expected);
  });
});

describe('expandBcsTemplates', () => {
  const vars = new Map([
    ['appname', 'web'],
    ['ports.http', '31000'],
  ]);
  it.each<[string, string]>([
    ['${bcs.appname}-x', 'web-x'],
    [':${bcs.ports.http}', ':31000'],
    ['${bcs.other}', '${bcs.other}'],
    ['$HOME', '$HOME'],
  ])('%j → %j', (text, expected) => {
    expect(expandBcsTemplates(text, vars)).toBe(expected);
  });
});
