import { aContainer, anApplication, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { isOnlyResourceChange, sameVersionContent } from '../../src/convert/compare-versions.js';
import {
  flattenEnv,
  normaliseProtocol,
  type ToVersionOptions,
  toVersion,
  withHealthCheckDefaults,
} from '../../src/convert/definition-to-version.js';
import type { ContainerSpec, Version } from '../../src/resources/version.js';
import { parseApplication, parseProcessApplication } from '../../src/validation/application.js';

const T0 = Date.UTC(2026, 10, 24, 6, 4, 0);
const NANOS = '1795500240000000000';

type Body = ReturnType<typeof anApplication>;

/** The version of `body` (the document's example, with changes), as the create service makes it. */
function versionOf(body: Body, options: Partial<ToVersionOptions> = {}): Version {
  const definition =
    body.kind === 'process'
      ? parseProcessApplication(body, 'defaultGroup')
      : parseApplication(body, 'defaultGroup');
  return toVersion(definition, { id: NANOS, now: T0, raw: body, ...options });
}

/** The document's example with its one container replaced by `container` overrides. */
const withContainer = (overrides: Parameters<typeof aContainer>[0]) =>
  anApplication({ spec: { template: { spec: { containers: [aContainer(overrides)] } } } });

const containerOf = (body: Body): ContainerSpec => versionOf(body).containers[0] as ContainerSpec;

describe('toVersion', () => {
  it("converts the API document's createApplication example", () => {
    const body = anApplication();
    const version = versionOf(body);
    expect(version).toEqual({
      id: NANOS,
      appId: 'app-test',
      namespace: 'defaultGroup',
      kind: 'application',
      instances: 2,
      labels: { podname: 'app-test' },
      annotations: {},
      restartPolicy: { policy: 'Never', interval: 5, backoff: 10, maxtimes: 0, hostRetainTime: 0 },
      killGracePeriod: 5,
      networkMode: 'BRIDGE',
      networkType: 'BRIDGE',
      containers: [
        {
          name: '',
          image: 'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
          command: '',
          args: [],
          env: [],
          ports: [{ name: 'test-port', containerPort: 9999, hostPort: 0, protocol: 'HTTP' }],
          healthChecks: expect.any(Array),
          resources: { cpus: 2, mem: 100, disk: 0 },
          limits: { cpus: 2, mem: 100, disk: 0 },
          privileged: false,
          forcePull: true,
          parameters: [],
          volumes: [],
        },
      ],
      raw: body,
      createdAt: T0,
    });
    expect(version.containers[0]?.healthChecks.map((c) => c.type)).toEqual([
      'HTTP',
      'REMOTE_HTTP',
      'REMOTE_TCP',
    ]);
    expect('constraint' in version).toBe(false);
  });

  it.each<[string, Body, Partial<ToVersionOptions>, Partial<Version>]>([
    [
      'restartPolicy absent → OnFailure, zeros',
      anApplication({ restartPolicy: undefined }),
      {},
      { restartPolicy: { policy: 'OnFailure', interval: 0, backoff: 0, maxtimes: 0, hostRetainTime: 0 } },
    ],
    [
      'restartPolicy numbers kept',
      anApplication({ restartPolicy: { policy: 'Always', maxtimes: 3, hostRetainTime: 60 } }),
      {},
      { restartPolicy: { policy: 'Always', interval: 5, backoff: 10, maxtimes: 3, hostRetainTime: 60 } },
    ],
    ['killPolicy absent → 0', anApplication({ killPolicy: undefined }), {}, { killGracePeriod: 0 }],
    [
      'labels: metadata overlaid by template (a template label wins)',
      anApplication({
        metadata: { labels: { a: '1', b: '1' } },
        spec: { template: { metadata: { labels: { b: '2', c: '3' } } } },
      }),
      {},
      { labels: { podname: 'app-test', a: '1', b: '2', c: '3' } },
    ],
    [
      'requestip labels and annotations lose their spaces',
      anApplication({
        metadata: {
          labels: { 'io.tencent.bcs.netsvc.requestip.0': '10.0.0.1, 10.0.0.2', other: 'a b' },
          annotations: { 'x.io.tencent.bcs.netsvc.requestip.1': ' 10.0.0.3 ', note: 'x y' },
        },
      }),
      {},
      {
        labels: {
          podname: 'app-test',
          'io.tencent.bcs.netsvc.requestip.0': '10.0.0.1,10.0.0.2',
          other: 'a b',
        },
        annotations: { 'x.io.tencent.bcs.netsvc.requestip.1': '10.0.0.3', note: 'x y' },
      },
    ],
    [
      'namespace from the options (the URL)',
      anApplication({ metadata: { namespace: undefined } }),
      { namespace: 'prod' },
      { namespace: 'prod' },
    ],
    [
      'namespace absent everywhere → defaultGroup',
      anApplication({ metadata: { namespace: undefined } }),
      {},
      { namespace: 'defaultGroup' },
    ],
    [
      'a constraint with items is kept',
      anApplication({
        constraint: { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] },
      }),
      {},
      { constraint: { intersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] } },
    ],
    [
      'networkMode in capitals',
      anApplication({ spec: { template: { spec: { networkMode: 'host' } } } }),
      {},
      { networkMode: 'HOST' },
    ],
    [
      'networkMode empty → BRIDGE',
      anApplication({ spec: { template: { spec: { networkMode: '' } } } }),
      {},
      { networkMode: 'BRIDGE' },
    ],
    [
      'a named network is kept as written',
      anApplication({ spec: { template: { spec: { networkMode: 'Macvlan-Net' } } } }),
      {},
      { networkMode: 'Macvlan-Net' },
    ],
    [
      'networkType absent → ""',
      anApplication({ spec: { template: { spec: { networkType: undefined } } } }),
      {},
      { networkType: '' },
    ],
  ])('%s', (_, body, options, expected) => {
    expect(versionOf(body, options)).toMatchObject(expected);
  });

  it.each<[string, Body, Partial<ContainerSpec>]>([
    [
      'requests fall back to limits when requests.cpu is blank',
      withContainer({
        resources: { requests: { cpu: '', memory: '64' }, limits: { cpu: '1', memory: '128' } },
      }),
      { resources: { cpus: 1, mem: 128, disk: 0 }, limits: { cpus: 1, mem: 128, disk: 0 } },
    ],
    [
      'requests used when set',
      withContainer({
        resources: { requests: { cpu: '0.5', memory: '64' }, limits: { cpu: '1', memory: '128' } },
      }),
      { resources: { cpus: 0.5, mem: 64, disk: 0 }, limits: { cpus: 1, mem: 128, disk: 0 } },
    ],
    [
      'env: values, resource references (Go %f), duplicates (last value, first place)',
      withContainer({
        resources: { requests: { cpu: '0.5', memory: '64' }, limits: { cpu: '1', memory: '128' } },
        env: [
          { name: 'A', value: 'x' },
          { name: 'REQ_CPU', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
          { name: 'LIM_CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'REQ_MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
          { name: 'LIM_MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
          { name: 'EMPTY' },
          { name: 'A', value: 'y' },
        ],
      }),
      {
        env: [
          { name: 'A', value: 'y' },
          { name: 'REQ_CPU', value: '500.000000' },
          { name: 'LIM_CPU', value: '1000.000000' },
          { name: 'REQ_MEM', value: '64.000000' },
          { name: 'LIM_MEM', value: '128.000000' },
          { name: 'EMPTY', value: '' },
        ],
      },
    ],
    [
      'ports: hostPort kept, protocol in capitals, TCP when blank',
      withContainer({
        ports: [
          { name: 'a', containerPort: 80, hostPort: 31000, protocol: 'tcp' },
          { name: 'b', containerPort: 81 },
          { name: 'c', containerPort: 53, protocol: ' udp ' },
        ],
        healthChecks: [],
      }),
      {
        ports: [
          { name: 'a', containerPort: 80, hostPort: 31000, protocol: 'TCP' },
          { name: 'b', containerPort: 81, hostPort: 0, protocol: 'TCP' },
          { name: 'c', containerPort: 53, hostPort: 0, protocol: 'UDP' },
        ],
      },
    ],
    [
      'volumes: read-only or not',
      withContainer({
        volumes: [
          { name: 'a', volume: { hostPath: '/data', mountPath: '/data', readOnly: true } },
          { name: 'b', volume: { hostPath: '/logs', mountPath: '/var/log', subPath: 'x' } },
        ],
      }),
      {
        volumes: [
          { hostPath: '/data', mountPath: '/data', readOnly: true },
          { hostPath: '/logs', mountPath: '/var/log', readOnly: false },
        ],
      },
    ],
    [
      'health-check times default when 0 or absent',
      withContainer({
        healthChecks: [{ type: 'TCP', tcp: { port: 80 }, intervalSeconds: 5, timeoutSeconds: 0 }],
      }),
      {
        healthChecks: [
          {
            type: 'TCP',
            tcp: { port: 80 },
            delaySeconds: 10,
            intervalSeconds: 5,
            timeoutSeconds: 20,
            gracePeriodSeconds: 300,
          },
        ],
      },
    ],
    [
      'command, args, parameters, privileged, no forced pull',
      withContainer({
        name: 'web',
        command: '/bin/sh',
        args: ['-c', 'run'],
        parameters: [{ key: 'ulimit', value: 'nofile=1024' }],
        privileged: true,
        imagePullPolicy: 'IfNotPresent',
      }),
      {
        name: 'web',
        command: '/bin/sh',
        args: ['-c', 'run'],
        parameters: [{ key: 'ulimit', value: 'nofile=1024' }],
        privileged: true,
        forcePull: false,
      },
    ],
    [
      'no resources → zeros',
      withContainer({ resources: undefined }),
      { resources: { cpus: 0, mem: 0, disk: 0 } },
    ],
  ])('container: %s', (_, body, expected) => {
    expect(containerOf(body)).toMatchObject(expected);
  });

  it('converts a process application (image empty, startCmd as command, host network)', () => {
    const body = anApplication({
      kind: 'process',
      spec: {
        template: {
          spec: {
            containers: undefined,
            networkMode: undefined,
            processes: [
              {
                procName: 'gamesvr',
                startCmd: './start.sh',
                ports: [{ name: 'p', hostPort: 8080 }],
                env: [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
                healthChecks: [{ type: 'TCP', tcp: { port: 8080 } }],
                resources: { limits: { cpu: '1', memory: '64' } },
              },
            ],
          },
        },
      },
    });
    const version = versionOf(body);
    expect(version).toMatchObject({ kind: 'process', networkMode: 'HOST', instances: 2 });
    expect(version.containers).toEqual([
      {
        name: 'gamesvr',
        image: '',
        command: './start.sh',
        args: [],
        env: [{ name: 'CPU', value: '1000.000000' }],
        ports: [{ name: 'p', containerPort: 8080, hostPort: 8080, protocol: 'TCP' }],
        // Process checks keep their times as given (the defaults are for containers).
        healthChecks: [{ type: 'TCP', tcp: { port: 8080 } }],
        resources: { cpus: 1, mem: 64, disk: 0 },
        limits: { cpus: 1, mem: 64, disk: 0 },
        privileged: false,
        forcePull: false,
        parameters: [],
        volumes: [],
      },
    ]);
  });

  it('does not modify the definition', () => {
    const definition = parseApplication(anApplication(), 'defaultGroup');
    const before = structuredClone(definition);
    toVersion(definition, { id: NANOS, now: T0, raw: anApplication() });
    expect(definition).toEqual(before);
  });
});

describe('helpers', () => {
  it.each<[string | undefined, string]>([
    ['http', 'HTTP'],
    [undefined, 'TCP'],
    [' udp ', 'UDP'],
    ['', 'TCP'],
  ])('normaliseProtocol(%j) → %s', (protocol, expected) => {
    expect(normaliseProtocol(protocol)).toBe(expected);
  });

  it('flattenEnv: the doc example', () => {
    const requests = { cpus: 0.5, mem: 64, disk: 0 };
    expect(
      flattenEnv(
        [
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
          { name: 'A' },
        ],
        requests,
        { cpus: 0, mem: 0, disk: 0 },
      ),
    ).toEqual([
      { name: 'CPU', value: '500.000000' },
      { name: 'MEM', value: '64.000000' },
      { name: 'A', value: '' },
    ]);
  });

  it('withHealthCheckDefaults: the doc example', () => {
    expect(withHealthCheckDefaults({ type: 'HTTP', intervalSeconds: 5 })).toEqual({
      type: 'HTTP',
      delaySeconds: 10,
      intervalSeconds: 5,
      timeoutSeconds: 20,
      gracePeriodSeconds: 300,
    });
  });
});

/** Rows whose title names the expected result (their last element). */
function titled<R extends [string, ...unknown[]]>(rows: R[]): R[] {
  return rows.map((row) => [`${row[0]} → ${String(row[row.length - 1])}`, ...row.slice(1)] as R);
}

const CONFIGMAP = { name: 'cm', items: [{ type: 'env', dataKey: 'k', keyOrPath: 'K' }] };

describe('sameVersionContent', () => {
  it.each(
    titled<[string, Body, Body, Partial<ToVersionOptions>, boolean]>([
      ['the same body sent twice', anApplication(), anApplication(), { id: '2', now: T0 + 1000 }, true],
      [
        'key case differs (Go matched keys case-insensitively)',
        anApplication({ constraint: { IntersectionItem: [] } }),
        anApplication({ constraint: { IntersectionItem: undefined, intersectionItem: [] } }),
        {},
        true,
      ],
      [
        'only ignored fields differ (updatePolicy, apiVersion, unknown keys)',
        anApplication(),
        anApplication({ apiVersion: 'v5', updatePolicy: { updateDelay: 99 }, appname: 'other' }),
        {},
        true,
      ],
      [
        'namespace left out of the body (the URL gives it)',
        anApplication(),
        anApplication({ metadata: { namespace: undefined } }),
        { namespace: 'defaultGroup' },
        true,
      ],
      ['instances differ', anApplication(), anApplication({ spec: { instance: 3 } }), {}, false],
      ['image differs', anApplication(), withContainer({ image: 'nginx:2' }), {}, false],
      [
        'a label differs',
        anApplication(),
        anApplication({ metadata: { labels: { podname: 'x' } } }),
        {},
        false,
      ],
      [
        'a configmap item differs (held only in raw)',
        withContainer({ configmaps: [CONFIGMAP] }),
        withContainer({ configmaps: [{ ...CONFIGMAP, items: [{ ...CONFIGMAP.items[0], dataKey: 'k2' }] }] }),
        {},
        false,
      ],
      [
        'the container hostname differs (held only in raw)',
        anApplication(),
        withContainer({ hostname: 'h1' }),
        {},
        false,
      ],
    ]),
  )('%s', (_, a, b, options, expected) => {
    expect(sameVersionContent(versionOf(a), versionOf(b, options))).toBe(expected);
  });

  it('compares versions whose raw is not a definition by their content', () => {
    const a = versionOf(anApplication(), { raw: undefined });
    expect(sameVersionContent(a, { ...a, id: '9', createdAt: 0 })).toBe(true);
    expect(sameVersionContent(a, { ...a, instances: 5 })).toBe(false);
  });
});

const resources = (cpu: string, memory: string): JsonObject => ({ limits: { cpu, memory } });

describe('isOnlyResourceChange', () => {
  it.each(
    titled<[string, Body, Body, boolean]>([
      [
        'cpu increased',
        withContainer({ resources: resources('2', '100') }),
        withContainer({ resources: resources('4', '100') }),
        true,
      ],
      [
        'memory decreased (allowed, §15.7)',
        withContainer({ resources: resources('2', '100') }),
        withContainer({ resources: resources('2', '50') }),
        true,
      ],
      [
        'requests added',
        anApplication(),
        withContainer({ resources: { ...resources('2', '100'), requests: { cpu: '1', memory: '50' } } }),
        true,
      ],
      ['nothing changed', anApplication(), anApplication(), true],
      [
        'an env value following the cpu',
        withContainer({ env: [{ name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }] }),
        withContainer({
          resources: resources('3', '100'),
          env: [{ name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
        }),
        true,
      ],
      [
        'image changed too',
        anApplication(),
        withContainer({ image: 'nginx:2', resources: resources('4', '100') }),
        false,
      ],
      [
        'a plain env value changed',
        withContainer({ env: [{ name: 'A', value: '1' }] }),
        withContainer({ env: [{ name: 'A', value: '2' }] }),
        false,
      ],
      ['a label added', anApplication(), anApplication({ metadata: { labels: { extra: 'x' } } }), false],
      ['instances changed', anApplication(), anApplication({ spec: { instance: 3 } }), false],
      [
        'restart policy changed',
        anApplication(),
        anApplication({ restartPolicy: { policy: 'Always' } }),
        false,
      ],
      ['kill policy changed', anApplication(), anApplication({ killPolicy: { gracePeriod: 30 } }), false],
      ['a health check changed', anApplication(), withContainer({ healthChecks: [] }), false],
      [
        'a port changed',
        anApplication(),
        withContainer({ ports: [{ name: 'test-port', containerPort: 8080 }] }),
        false,
      ],
      [
        'a configmap added (empty items count too, §15.7)',
        anApplication(),
        withContainer({ configmaps: [{ name: 'cm', items: [] }] }),
        false,
      ],
      [
        'a constraint added',
        anApplication(),
        anApplication({
          constraint: { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] },
        }),
        false,
      ],
      [
        'a container added',
        anApplication(),
        anApplication({ spec: { template: { spec: { containers: [aContainer(), aContainer()] } } } }),
        false,
      ],
    ]),
  )('%s', (_, from, to, expected) => {
    expect(isOnlyResourceChange(versionOf(from), versionOf(to, { id: '2' }))).toBe(expected);
  });
});
