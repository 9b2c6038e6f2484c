import { describe, expect, it } from 'vitest';
import { toBcsApplication } from '../../src/mappers/index.js';
import { anApp, aTaskGroup, aVersion, T0_SECONDS } from './fixtures.js';

const KEYS = [
  'Kind',
  'ID',
  'Name',
  'ObjectMeta',
  'DefineInstances',
  'Instances',
  'RunningInstances',
  'RunAs',
  'ClusterId',
  'Status',
  'SubStatus',
  'LastStatus',
  'Created',
  'UpdateTime',
  'Mode',
  'LastUpdateTime',
  'Message',
  'Pods',
];

describe('toBcsApplication', () => {
  const groups = [
    aTaskGroup(),
    aTaskGroup({ id: '1.app-test.defaultGroup.10001.1527839061316356270', index: 1, status: 'Staging' }),
  ];

  it("has exactly the original's keys", () => {
    expect(Object.keys(toBcsApplication(anApp(), groups, aVersion()))).toEqual(KEYS);
  });

  it('writes counts, names, times in seconds and the pod index', () => {
    expect(toBcsApplication(anApp({ lastStatus: 'Deploying' }), groups, aVersion())).toEqual({
      Kind: 'application',
      ID: 'app-test',
      Name: 'app-test',
      ObjectMeta: {
        name: 'app-test',
        namespace: 'defaultGroup',
        creationTimestamp: '2026-11-24T06:04:00Z',
        labels: { podname: 'app-test' },
      },
      DefineInstances: 2,
      Instances: 2,
      RunningInstances: 1,
      RunAs: 'defaultGroup',
      ClusterId: '10001',
      Status: 'Running',
      SubStatus: 'Unknown',
      LastStatus: 'Deploying',
      Created: T0_SECONDS,
      UpdateTime: T0_SECONDS + 60,
      Mode: '',
      LastUpdateTime: T0_SECONDS + 60,
      Message: 'application is running',
      Pods: [
        { name: '0.app-test.defaultGroup.10001.1527839061316356269' },
        { name: '1.app-test.defaultGroup.10001.1527839061316356270' },
      ],
    });
  });

  it.each<[string, Parameters<typeof toBcsApplication>, Record<string, unknown>]>([
    [
      'no taskgroups: cluster Unnamed, no pods',
      [anApp(), []],
      { ClusterId: 'Unnamed', Instances: 0, Pods: [] },
    ],
    [
      'cluster from the options',
      [anApp(), [aTaskGroup()], undefined, { clusterId: 'BCS-K8S-1' }],
      { ClusterId: 'BCS-K8S-1' },
    ],
    [
      'rolling sub-status',
      [anApp({ status: 'RollingUpdate', subStatus: 'RollingUpdateUp' }), []],
      { SubStatus: 'RollingUpdateUp' },
    ],
    ['no last status → ""', [anApp(), []], { LastStatus: '' }],
  ])('%s', (_, args, expected) => {
    expect(toBcsApplication(...args)).toMatchObject(expected);
  });

  it('leaves labels out of ObjectMeta without a version', () => {
    expect(toBcsApplication(anApp(), []).ObjectMeta).toEqual({
      name: 'app-test',
      namespace: 'defaultGroup',
      creationTimestamp: '2026-11-24T06:04:00Z',
    });
  });
});
