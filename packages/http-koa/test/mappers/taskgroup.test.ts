import { describe, expect, it } from 'vitest';
import { toBcsTask, toBcsTaskGroup } from '../../src/mappers/index.js';
import { aTask, aTaskGroup, aVersion, NANOS, T0_SECONDS } from './fixtures.js';

const TASKGROUP_KEYS = [
  'Kind',
  'ID',
  'Name',
  'AppID',
  'RunAs',
  'ObjectMeta',
  'AgentID',
  'ExecutorID',
  'Status',
  'LastStatus',
  'InstanceID',
  'Taskgroup',
  'KillPolicy',
  'RestartPolicy',
  'VersionName',
  'LastUpdateTime',
  'Attributes',
  'StartTime',
  'UpdateTime',
  'ReschededTimes',
  'LastReschedTime',
  'HostName',
  'Message',
  'LaunchResource',
  'CurrResource',
  'BcsEventMsg',
];

const TASK_KEYS = [
  'Kind',
  'ID',
  'Name',
  'Hostame',
  'Command',
  'Arguments',
  'Image',
  'Network',
  'NetworkType',
  'PortMappings',
  'Privileged',
  'Parameters',
  'ForcePullImage',
  'Volumes',
  'Env',
  'Labels',
  'DataClass',
  'Cpuset',
  'HealthChecks',
  'HealthCheckStatus',
  'Healthy',
  'IsChecked',
  'ConsecutiveFailureTimes',
  'LocalMaxConsecutiveFailures',
  'OfferId',
  'AgentId',
  'AgentHostname',
  'AgentIPAddress',
  'Status',
  'LastStatus',
  'UpdateTime',
  'StatusData',
  'AppId',
  'RunAs',
  'KillPolicy',
  'Uris',
  'LastUpdateTime',
  'Message',
  'NetLimit',
];

describe('toBcsTaskGroup', () => {
  it("has exactly the original's keys", () => {
    expect(Object.keys(toBcsTaskGroup(aTaskGroup(), aVersion()))).toEqual(TASKGROUP_KEYS);
  });

  it('writes ids, policies, attributes, resources and times in seconds', () => {
    const tg = toBcsTaskGroup(aTaskGroup(), aVersion());
    expect(tg).toMatchObject({
      Kind: 'application',
      ID: '0.app-test.defaultGroup.10001.1527839061316356269',
      Name: 'app-test-0',
      AppID: 'app-test',
      RunAs: 'defaultGroup',
      ObjectMeta: {
        name: '0.app-test.defaultGroup.10001.1527839061316356269',
        labels: { podname: 'app-test' },
      },
      AgentID: 'agent-1',
      ExecutorID: '0.app-test.defaultGroup.10001.1527839061316356269',
      Status: 'Running',
      LastStatus: 'Starting',
      InstanceID: 0,
      KillPolicy: { gracePeriod: 5 },
      RestartPolicy: { policy: 'Never', interval: 5, backoff: 10, maxtimes: 0, hostRetainTime: 0 },
      VersionName: NANOS,
      Attributes: [
        { name: 'InnerIP', type: 3, text: { value: '10.0.0.1' } },
        { name: 'cpus', type: 0, scalar: { value: 8 } },
      ],
      LastUpdateTime: T0_SECONDS + 2,
      StartTime: T0_SECONDS + 1,
      UpdateTime: T0_SECONDS + 2,
      ReschededTimes: 1,
      LastReschedTime: T0_SECONDS - 5,
      HostName: 'host-1',
      LaunchResource: { Cpus: 2, Mem: 100, Disk: 0 },
      CurrResource: { Cpus: 2, Mem: 100, Disk: 0 },
      BcsEventMsg: null,
    });
    expect(tg.Taskgroup).toHaveLength(1);
  });

  it.each<[string, Parameters<typeof toBcsTaskGroup>, Record<string, unknown>]>([
    [
      'a pending taskgroup: no agent, never started',
      [aTaskGroup({ status: 'Pending', agentId: undefined, hostname: undefined, startedAt: undefined })],
      { Status: 'Pending', AgentID: '', HostName: '', StartTime: 0 },
    ],
    [
      'never restarted',
      [aTaskGroup({ restarts: 0, lastRestartAt: undefined })],
      { ReschededTimes: 0, LastReschedTime: 0 },
    ],
    ['no version: null policies', [aTaskGroup()], { KillPolicy: null, RestartPolicy: null }],
  ])('%s', (_, args, expected) => {
    expect(toBcsTaskGroup(...args)).toMatchObject(expected);
  });
});

describe('toBcsTask', () => {
  it("has exactly the original's keys, Hostame [sic] included", () => {
    const task = toBcsTask(aTask(), aTaskGroup(), aVersion());
    expect(Object.keys(task)).toEqual(TASK_KEYS);
    expect(task).toHaveProperty('Hostame', '');
    expect(task).not.toHaveProperty('Hostname');
  });

  it('writes the container, placement and times in seconds', () => {
    expect(toBcsTask(aTask(), aTaskGroup(), aVersion())).toMatchObject({
      ID: `${NANOS}.0.0.app-test.defaultGroup.10001`,
      Name: `${NANOS}-${NANOS}.0.0.app-test.defaultGroup.10001`,
      Image: 'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
      Network: 'BRIDGE',
      NetworkType: 'BRIDGE',
      PortMappings: [{ ContainerPort: 9999, HostPort: 31000, Name: 'test-port', Protocol: 'HTTP' }],
      ForcePullImage: true,
      Env: {},
      Labels: { podname: 'app-test' },
      DataClass: {
        Resources: { Cpus: 2, Mem: 100, Disk: 0 },
        LimitResources: { Cpus: 2, Mem: 100, Disk: 0 },
      },
      Healthy: true,
      HealthCheckStatus: [
        { type: 'HTTP', result: true, message: '' },
        { type: 'REMOTE_HTTP', result: true, message: '' },
        { type: 'REMOTE_TCP', result: true, message: '' },
      ],
      LocalMaxConsecutiveFailures: 10,
      AgentId: 'agent-1',
      AgentHostname: 'host-1',
      AgentIPAddress: '10.0.0.1',
      Status: 'Running',
      LastStatus: 'Starting',
      UpdateTime: T0_SECONDS + 1,
      LastUpdateTime: T0_SECONDS + 1,
      StatusData: '',
      AppId: 'app-test',
      RunAs: 'defaultGroup',
      KillPolicy: { gracePeriod: 5 },
      Message: 'container running',
    });
  });

  it.each<[string, Parameters<typeof toBcsTask>, Record<string, unknown>]>([
    [
      'unknown: Healthy (as the original started it) but not checked',
      [aTask(), aTaskGroup(), aVersion()],
      { Healthy: true, IsChecked: false, ConsecutiveFailureTimes: 0 },
    ],
    [
      'unhealthy: each check shows its own result and message, unreported ones true',
      [
        aTask({
          healthy: false,
          health: {
            state: 'unhealthy',
            message: 'connection refused',
            changedAt: 1_000,
            checks: {
              local: { result: true, message: '', since: 0 },
              REMOTE_TCP: { result: false, message: 'connection refused', since: 1_000 },
            },
            consecutiveFailures: 2,
          },
        }),
        aTaskGroup(),
        aVersion(),
      ],
      {
        Healthy: false,
        IsChecked: true,
        ConsecutiveFailureTimes: 2,
        HealthCheckStatus: [
          { type: 'HTTP', result: true, message: '' },
          { type: 'REMOTE_HTTP', result: true, message: '' },
          { type: 'REMOTE_TCP', result: false, message: 'connection refused' },
        ],
      },
    ],
    [
      'a known container IP goes into StatusData',
      [aTask({ containerIp: '172.17.0.2' }), aTaskGroup()],
      { StatusData: '{"IPAddress":"172.17.0.2"}' },
    ],
    [
      'no version: empty container fields',
      [aTask(), aTaskGroup()],
      {
        Command: '',
        Arguments: [],
        Env: {},
        HealthChecks: [],
        DataClass: { Resources: null, LimitResources: null },
      },
    ],
  ])('%s', (_, args, expected) => {
    expect(toBcsTask(...args)).toMatchObject(expected);
  });
});
