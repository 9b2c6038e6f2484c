import { aContainer, anApplication, type DeepPartial, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../src/errors.js';
import { parseApplication } from '../../src/validation/application.js';

const NS = 'defaultGroup';
const C0 = 'spec.template.spec.containers[0]';

/** The issue paths of parsing `body` (a `ValidationError` with code `InvalidData`); empty when it passes. */
function bodyPaths(body: JsonObject): string[] {
  try {
    parseApplication(body, NS);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(ErrorCode.InvalidData);
    return (error as ValidationError).issues.map((issue) => issue.path);
  }
  return [];
}

/** The issue paths of parsing an application whose only container is `aContainer(overrides)`. */
function containerPaths(overrides: DeepPartial<JsonObject>): string[] {
  return bodyPaths(anApplication({ spec: { template: { spec: { containers: [aContainer(overrides)] } } } }));
}

const check = (fields: JsonObject): JsonObject => ({ delaySeconds: 10, ...fields });

describe('containers', () => {
  it.each<[string, DeepPartial<JsonObject>]>([
    ['image', { image: '' }],
    ['image', { image: undefined }],
    ['image', { image: 'has space:v1' }],
    ['image', { image: 7 }],
    ['command', { command: ['ps'] }],
    ['args[0]', { args: [1] }],
    ['parameters[0].key', { parameters: [{ key: '', value: 'v' }] }],
    ['privileged', { privileged: 'yes' }],
    ['env[0].name', { env: [{ name: '', value: 'v' }] }],
    [
      'env[0].valueFrom.resourceFieldRef.resource',
      { env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.storage' } } }] },
    ],
    ['volumes[0].volume.mountPath', { volumes: [{ name: 'v', volume: { hostPath: '/a', mountPath: '' } }] }],
    [
      'configmaps[0].items[0].type',
      { configmaps: [{ name: 'cm', items: [{ type: 'dir', dataKey: 'k', keyOrPath: '/k' }] }] },
    ],
    ['secrets[0].secretName', { secrets: [{ items: [] }] }],
  ])('refuses %s: %j', (field, overrides) => {
    expect(containerPaths(overrides)).toEqual([`${C0}.${field}`]);
  });

  it.each(['requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory'])(
    'accepts env from %s',
    (resource) => {
      expect(
        containerPaths({ env: [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource } } }] }),
      ).toEqual([]);
    },
  );

  it('accepts configmap, secret and volume references', () => {
    const overrides = {
      volumes: [{ name: 'data', volume: { hostPath: '/data', mountPath: '/data', readOnly: true } }],
      configmaps: [{ name: 'cm', items: [{ type: 'file', dataKey: 'item-one', keyOrPath: '/etc/a.conf' }] }],
      secrets: [{ secretName: 's', items: [{ type: 'env', dataKey: 'secret-subkey', keyOrPath: 'SECRET' }] }],
    };
    expect(containerPaths(overrides)).toEqual([]);
  });
});

describe('resources', () => {
  it.each(['2', '0.5', '.5', '1.', ' 3 ', '', '100'])('accepts quantity %j', (cpu) => {
    expect(
      containerPaths({ resources: { limits: { cpu }, requests: { cpu, memory: cpu, storage: cpu } } }),
    ).toEqual([]);
  });

  it.each<[string, JsonObject]>([
    ['limits.cpu', { limits: { cpu: 'abc' } }],
    ['limits.cpu', { limits: { cpu: '-1' } }],
    ['limits.memory', { limits: { memory: 100 } }],
    ['limits.memory', { limits: { memory: '1Gi' } }],
    ['requests.storage', { requests: { storage: '1e3' } }],
    ['requests.cpu', { requests: { cpu: '0,5' } }],
    ['extendedResources[0].Value', { extendedResources: [{ Name: 'gpu', Value: -1 }] }],
  ])('names %s when it is not a number', (field, resources) => {
    expect(containerPaths({ resources })).toEqual([`${C0}.resources.${field}`]);
  });
});

describe('ports', () => {
  it.each<[string, JsonObject[]]>([
    ['ports[0].containerPort', [{ name: 'p', containerPort: 65536 }]],
    ['ports[0].containerPort', [{ name: 'p', containerPort: -1 }]],
    ['ports[0].containerPort', [{ name: 'p', containerPort: 80.5 }]],
    ['ports[0].containerPort', [{ name: 'p' }]],
    ['ports[0].hostPort', [{ name: 'p', containerPort: 80, hostPort: 70000 }]],
    ['ports[0].name', [{ containerPort: 80 }]],
    [
      'ports[1].name',
      [
        { name: 'p', containerPort: 80 },
        { name: 'p', containerPort: 81 },
      ],
    ],
  ])('refuses %s: %j', (field, ports) => {
    expect(containerPaths({ ports, healthChecks: [] })).toEqual([`${C0}.${field}`]);
  });

  it.each([0, 1, 65535])('accepts port number %d', (port) => {
    expect(containerPaths({ ports: [{ name: 'test-port', containerPort: port, hostPort: port }] })).toEqual(
      [],
    );
  });
});

describe('health checks', () => {
  it("accepts the deployment example's legacy check without type", () => {
    const legacy = { protocol: 'tcp', path: '/http/path/only', delaySeconds: 10, gracePeriodSeconds: 12 };
    expect(containerPaths({ healthChecks: [legacy] })).toEqual([]);
  });

  it.each<[string, JsonObject]>([
    ['COMMAND', check({ type: 'COMMAND', command: { value: 'curl -f localhost' } })],
    ['TCP by port', check({ type: 'TCP', tcp: { port: 9999 } })],
    ['HTTP by port name', check({ type: 'HTTP', http: { port: 0, portName: 'test-port', path: '/' } })],
    ['REMOTE_TCP by port name', check({ type: 'REMOTE_TCP', tcp: { portName: 'test-port' } })],
  ])('accepts %s', (_, healthCheck) => {
    expect(containerPaths({ healthChecks: [healthCheck] })).toEqual([]);
  });

  it.each<[string, JsonObject[]]>([
    ['healthChecks[0].type', [check({ type: 'UDP' })]],
    ['healthChecks[0].delaySeconds', [check({ type: 'TCP', tcp: { port: 1 }, delaySeconds: -1 })]],
    ['healthChecks[0].command.value', [check({ type: 'COMMAND' })]],
    ['healthChecks[0].command.value', [check({ type: 'COMMAND', command: { value: ' ' } })]],
    ['healthChecks[0].http', [check({ type: 'HTTP', tcp: { port: 80 } })]],
    ['healthChecks[0].tcp', [check({ type: 'REMOTE_TCP' })]],
    ['healthChecks[0].http.portName', [check({ type: 'HTTP', http: { portName: 'nope' } })]],
    ['healthChecks[0].tcp.port', [check({ type: 'TCP', tcp: { port: 0 } })]],
    ['healthChecks[0].http.port', [check({ type: 'HTTP', http: { port: 65536 } })]],
    [
      'healthChecks[1].type',
      [check({ type: 'HTTP', http: { port: 80 } }), check({ type: 'TCP', tcp: { port: 80 } })],
    ],
    [
      'healthChecks[1].type',
      [check({ type: 'REMOTE_TCP', tcp: { port: 80 } }), check({ type: 'REMOTE_TCP', tcp: { port: 81 } })],
    ],
  ])('refuses %s', (field, healthChecks) => {
    expect(containerPaths({ healthChecks })).toEqual([`${C0}.${field}`]);
  });
});

describe('template spec', () => {
  it.each<[string, JsonObject]>([
    ['spec.template.spec.netLimit.egressLimit', { netLimit: { egressLimit: -1 } }],
    ['spec.template.spec.networkMode', { networkMode: 1 }],
    ['spec.template.spec.nodeSelector.zone', { nodeSelector: { zone: 1 } }],
    ['spec.template.metadata.labels.a', { metadata: { labels: { a: 1 } } }],
  ])('refuses %s', (path, fields) => {
    const { metadata, ...spec } = fields;
    const body = anApplication({
      spec: { template: { spec, ...(metadata === undefined ? {} : { metadata }) } },
    });
    expect(bodyPaths(body)).toEqual([path]);
  });
});
