import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../src/errors.js';
import {
  type CustomResourceTarget,
  crdImmutableIssues,
  parseCustomResource,
  parseCustomResourceDefinition,
} from '../../src/validation/custom-resource.js';

/** spec/api-v4.md createcrd (comments removed). */
const crontabCrd = () => ({
  apiVersion: 'v4',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'logcollector.bkbcs.tencent.com' },
  spec: {
    group: 'bkbcs.tencent.com',
    versions: [{ name: 'v1', served: true, storage: true }],
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
  },
});

/** spec/api-v4.md customresource, "CRD案例说明". */
const bkLogConfigCrd = () => ({
  apiVersion: 'v4',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'bklogconfig.bkbcs.tencent.com' },
  spec: {
    group: 'bkbcs.tencent.com',
    versions: [{ name: 'v2', served: true, storage: true }],
    scope: 'Namespaced',
    names: { plural: 'bklogconfigs', singular: 'bklogconfig', kind: 'BKLogConfig' },
  },
});

/** spec/api-v4.md customresource, bklog.json. */
const bkLogConfig = () => ({
  apiVersion: 'bkbcs.tencent.com/v2',
  kind: 'BKLogConfig',
  metadata: { name: 'myappconfig', namespace: 'global' },
  spec: {
    selector: { app: 'loadbalance' },
    stdout: false,
    logpath: 'bcs-lb/logs/bcss-loadbalance.log',
    dataid: 123456,
    level: 3,
  },
});

const namespacedTarget: CustomResourceTarget = {
  group: 'bkbcs.tencent.com',
  version: 'v2',
  kind: 'BKLogConfig',
  scope: 'Namespaced',
  namespace: 'global',
};
const clusterTarget: CustomResourceTarget = { ...namespacedTarget, scope: 'Cluster', namespace: undefined };

function failure(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

function paths(error: ValidationError): string[] {
  for (const issue of error.issues) expect(issue.rule).not.toBe('');
  return error.issues.map((issue) => issue.path);
}

type Crd = ReturnType<typeof crontabCrd>;
const withSpec = (patch: Partial<Crd['spec']>): Crd => ({
  ...crontabCrd(),
  spec: { ...crontabCrd().spec, ...patch },
});
const withNames = (patch: Partial<Crd['spec']['names']>): Crd =>
  withSpec({ names: { ...crontabCrd().spec.names, ...patch } });

describe('parseCustomResourceDefinition', () => {
  it.each([
    ['logcollector (plural crontabs)', crontabCrd()],
    ['bklogconfig (plural bklogconfigs)', bkLogConfigCrd()],
  ])("accepts the document's example %s", (_, body) => {
    expect(parseCustomResourceDefinition(body)).toEqual(body);
  });

  it('defaults scope to Namespaced and takes the all-lowercase kind', () => {
    const { scope: _, ...spec } = crontabCrd().spec;
    const definition = parseCustomResourceDefinition({
      ...crontabCrd(),
      kind: 'customresourcedefinition',
      spec,
    });
    expect(definition.spec.scope).toBe('Namespaced');
    expect(definition.kind).toBe('customresourcedefinition');
  });

  it('takes a Cluster scope, shortNames and keys in any case', () => {
    const { scope: _, names, ...spec } = crontabCrd().spec;
    const { spec: __, ...rest } = crontabCrd();
    const body = { ...rest, Spec: { ...spec, Scope: 'Cluster', Names: { ...names, ShortNames: ['ct'] } } };
    const definition = parseCustomResourceDefinition(body);
    expect(definition.spec.scope).toBe('Cluster');
    expect(definition.spec.names.shortNames).toEqual(['ct']);
  });

  it.each([
    ['kind', { ...crontabCrd(), kind: 'CRD' }],
    ['kind', { ...crontabCrd(), kind: 'customResourceDefinition' }],
    ['metadata.name', { ...crontabCrd(), metadata: { name: 'logcollector.other.com' } }],
    ['metadata.name', { ...crontabCrd(), metadata: { name: 'LogCollector.bkbcs.tencent.com' } }],
    ['metadata.name', { ...crontabCrd(), metadata: { name: 'bkbcs.tencent.com' } }],
    ['metadata.name', { ...crontabCrd(), metadata: { name: 'a.b.bkbcs.tencent.com' } }],
    ['spec.group', withSpec({ group: 'bkbcs' })],
    ['spec.group', withSpec({ group: 'BKBCS.tencent.com' })],
    ['spec.names.plural', withNames({ plural: 'CronTabs' })],
    ['spec.names.singular', withNames({ singular: 'cron_tab' })],
    ['spec.names.kind', withNames({ kind: 'crontab' })],
    ['spec.names.kind', withNames({ kind: 'Cron-Tab' })],
    ['spec.scope', withSpec({ scope: 'Global' })],
    ['spec.versions', withSpec({ versions: [] })],
    ['spec.versions[0].served', withSpec({ versions: [{ name: 'v1', storage: true } as never] })],
    ['spec.versions[0].name', withSpec({ versions: [{ name: 'V1', served: true, storage: true }] })],
  ])('names %s', (path, body) => {
    const error = failure(() => parseCustomResourceDefinition(body));
    expect(error.code).toBe(ErrorCode.InvalidData);
    expect(paths(error)).toContain(path);
  });

  it('needs unique version names, exactly one storage version and a served one', () => {
    const versions = [
      { name: 'v1', served: false, storage: true },
      { name: 'v1', served: false, storage: true },
    ];
    expect(paths(failure(() => parseCustomResourceDefinition(withSpec({ versions }))))).toEqual([
      'spec.versions[1].name',
      'spec.versions',
      'spec.versions',
    ]);
    const none = [{ name: 'v1', served: true, storage: false }];
    expect(paths(failure(() => parseCustomResourceDefinition(withSpec({ versions: none }))))).toEqual([
      'spec.versions',
    ]);
  });

  it('checks the URL name on update', () => {
    expect(
      paths(failure(() => parseCustomResourceDefinition(crontabCrd(), 'other.bkbcs.tencent.com'))),
    ).toEqual(['metadata.name']);
    expect(parseCustomResourceDefinition(crontabCrd(), 'logcollector.bkbcs.tencent.com').metadata.name).toBe(
      'logcollector.bkbcs.tencent.com',
    );
  });
});

describe('crdImmutableIssues', () => {
  const stored = parseCustomResourceDefinition(crontabCrd());
  it.each([
    [[], crontabCrd()],
    [[], withNames({ singular: 'ct', kind: 'CronTab2' })],
    [[], withSpec({ versions: [{ name: 'v2', served: true, storage: true }] })],
    [['spec.group'], { ...withSpec({ group: 'other.com' }), metadata: { name: 'logcollector.other.com' } }],
    [['spec.names.plural'], withNames({ plural: 'crons' })],
    [['spec.scope'], withSpec({ scope: 'Cluster' })],
  ])('%j', (expected, body) => {
    const issues = crdImmutableIssues(stored, parseCustomResourceDefinition(body));
    expect(issues.map((issue) => issue.path)).toEqual(expected);
  });
});

describe('parseCustomResource', () => {
  it("accepts the document's BKLogConfig and keeps spec and extra fields as sent", () => {
    const body = { ...bkLogConfig(), spec: { ...bkLogConfig().spec, Stdout: true }, extra: { A: 1 } };
    expect(parseCustomResource(body, namespacedTarget)).toEqual(body);
  });

  it('takes a body without namespace under a URL namespace', () => {
    const body = { ...bkLogConfig(), metadata: { name: 'myappconfig' } };
    expect(parseCustomResource(body, namespacedTarget).metadata).toEqual({ name: 'myappconfig' });
  });

  it.each([
    ['apiVersion', { apiVersion: 'bkbcs.tencent.com/v1' }, namespacedTarget],
    ['apiVersion', { apiVersion: 'v2' }, namespacedTarget],
    ['kind', { kind: 'bklogconfig' }, namespacedTarget],
    ['metadata.name', { metadata: { name: 'my.app' } }, namespacedTarget],
    ['metadata.namespace', { metadata: { name: 'a', namespace: 'other' } }, namespacedTarget],
    ['metadata.namespace', { metadata: { name: 'a' } }, { ...namespacedTarget, namespace: undefined }],
    ['metadata.namespace', {}, clusterTarget],
    ['metadata.name', {}, { ...namespacedTarget, name: 'other' }],
    ['metadata', { metadata: undefined }, namespacedTarget],
  ])('names %s', (path, patch, target) => {
    const error = failure(() => parseCustomResource({ ...bkLogConfig(), ...patch }, target));
    expect(error.code).toBe(ErrorCode.InvalidData);
    expect(paths(error)).toEqual([path]);
  });

  it('takes a Cluster resource without namespace', () => {
    const body = { ...bkLogConfig(), metadata: { name: 'myappconfig' } };
    expect(parseCustomResource(body, clusterTarget).metadata.name).toBe('myappconfig');
  });
});
