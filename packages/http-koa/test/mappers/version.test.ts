import { anApplication } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { toBcsVersion } from '../../src/mappers/index.js';
import { aVersion, NANOS } from './fixtures.js';

const KEYS = [
  'ID',
  'Name',
  'ObjectMeta',
  'PodObjectMeta',
  'Instances',
  'RunAs',
  'Container',
  'Process',
  'Labels',
  'KillPolicy',
  'RestartPolicy',
  'Constraints',
  'Uris',
  'Ip',
  'Mode',
  'Kind',
  'raw_json',
];

const CONTAINER_KEYS = [
  'Type',
  'Docker',
  'Volumes',
  'Resources',
  'LimitResoures',
  'DataClass',
  'ConfigMaps',
  'Secrets',
  'HealthChecks',
  'NetLimit',
];

describe('toBcsVersion', () => {
  it("has exactly the original's keys, LimitResoures [sic] included", () => {
    const version = toBcsVersion(aVersion());
    expect(Object.keys(version)).toEqual(KEYS);
    expect(Object.keys(version.Container[0] ?? {})).toEqual(CONTAINER_KEYS);
  });

  it('writes the app name as ID, the version id as Name, and the definition as raw_json', () => {
    expect(toBcsVersion(aVersion())).toMatchObject({
      ID: 'app-test',
      Name: NANOS,
      RunAs: 'defaultGroup',
      Instances: 2,
      Labels: { podname: 'app-test' },
      KillPolicy: { gracePeriod: 5 },
      RestartPolicy: { policy: 'Never', interval: 5, backoff: 10, maxtimes: 0, hostRetainTime: 0 },
      Constraints: null,
      Kind: 'application',
      Process: [],
      raw_json: anApplication(),
    });
  });

  it('writes each container in Go shape', () => {
    expect(toBcsVersion(aVersion()).Container[0]).toMatchObject({
      Docker: {
        Image: 'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
        ForcePullImage: true,
        Network: 'BRIDGE',
        PortMappings: [{ ContainerPort: 9999, HostPort: 0, Name: 'test-port', Protocol: 'HTTP' }],
        Env: {},
      },
      Resources: { Cpus: 2, Mem: 100, Disk: 0 },
      LimitResoures: { Cpus: 2, Mem: 100, Disk: 0 },
    });
  });

  it('writes configmap and secret references as commtypes.ConfigMap / Secret (omitempty fields left out)', () => {
    const base = aVersion();
    const [container] = base.containers;
    const configMaps = [
      {
        name: 'cm',
        items: [
          { type: 'file' as const, dataKey: 'a', keyOrPath: '/etc/a', readOnly: true, user: 'app' },
          { type: 'env' as const, dataKey: 'b', keyOrPath: 'B', readOnly: false, user: '' },
        ],
      },
    ];
    const secrets = [
      {
        secretName: 's',
        items: [{ type: 'env' as const, dataKey: 'k', keyOrPath: 'K', readOnly: false, user: '' }],
      },
    ];
    const version = { ...base, containers: [{ ...container!, configMaps, secrets }] };
    const [bcs] = toBcsVersion(version).Container;
    expect(bcs!.ConfigMaps).toEqual([
      {
        name: 'cm',
        items: [
          { type: 'file', dataKey: 'a', dataKeyAlias: '', keyOrPath: '/etc/a', readOnly: true, user: 'app' },
          { type: 'env', dataKey: 'b', dataKeyAlias: '', keyOrPath: 'B' },
        ],
      },
    ]);
    expect(bcs!.Secrets).toEqual([
      { secretName: 's', items: [{ type: 'env', dataKey: 'k', keyOrPath: 'K' }] },
    ]);
    expect(toBcsVersion(base).Container[0]).toMatchObject({ ConfigMaps: [], Secrets: [] });

    const process = toBcsVersion({ ...version, kind: 'process' }).Process[0]!;
    expect(process.configmaps).toEqual(bcs!.ConfigMaps);
    expect(process.secrets).toEqual(bcs!.Secrets);
    expect(toBcsVersion({ ...base, kind: 'process' }).Process[0]).not.toHaveProperty('configmaps');
  });
});
