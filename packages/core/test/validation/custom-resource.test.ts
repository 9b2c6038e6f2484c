import {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aCustomResourceDefinition,
  type DeepPartial,
  type JsonObject,
} from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  type CustomResourceTarget,
  crdImmutableIssues,
  parseCustomResource,
  parseCustomResourceDefinition,
} from '../../src/validation/custom-resource.js';
import { pathsOf } from '../helpers/core.js';

const namespacedTarget: CustomResourceTarget = {
  group: 'bkbcs.tencent.com',
  version: 'v2',
  kind: 'BKLogConfig',
  scope: 'Namespaced',
  namespace: 'global',
};
const clusterTarget: CustomResourceTarget = { ...namespacedTarget, scope: 'Cluster', namespace: undefined };

/** The createcrd example with `spec` fields replaced (deep-merged; arrays and scalars replace whole). */
const withSpec = (spec: DeepPartial<JsonObject>) => aCustomResourceDefinition({ spec });
/** The createcrd example with `spec.names` fields replaced. */
const withNames = (names: DeepPartial<JsonObject>) => withSpec({ names });

describe('parseCustomResourceDefinition', () => {
  it.each([
    ['logcollector (plural crontabs)', aCustomResourceDefinition()],
    ['bklogconfig (plural bklogconfigs)', aBkLogConfigDefinition()],
  ])("accepts the document's example %s", (_, body) => {
    expect(parseCustomResourceDefinition(body)).toEqual(body);
  });

  it('defaults scope to Namespaced and takes the all-lowercase kind', () => {
    const definition = parseCustomResourceDefinition(
      aCustomResourceDefinition({ kind: 'customresourcedefinition', spec: { scope: undefined } }),
    );
    expect(definition.spec.scope).toBe('Namespaced');
    expect(definition.kind).toBe('customresourcedefinition');
  });

  it('takes a Cluster scope, shortNames and keys in any case', () => {
    const { spec, ...rest } = aCustomResourceDefinition();
    const { scope: _, names, ...others } = spec as JsonObject;
    const Names = { ...(names as JsonObject), ShortNames: ['ct'] };
    const body = { ...rest, Spec: { ...others, Scope: 'Cluster', Names } };
    const definition = parseCustomResourceDefinition(body);
    expect(definition.spec.scope).toBe('Cluster');
    expect(definition.spec.names.shortNames).toEqual(['ct']);
  });

  it.each([
    ['kind', { ...aCustomResourceDefinition(), kind: 'CRD' }],
    ['kind', { ...aCustomResourceDefinition(), kind: 'customResourceDefinition' }],
    ['metadata.name', { ...aCustomResourceDefinition(), metadata: { name: 'logcollector.other.com' } }],
    [
      'metadata.name',
      { ...aCustomResourceDefinition(), metadata: { name: 'LogCollector.bkbcs.tencent.com' } },
    ],
    ['metadata.name', { ...aCustomResourceDefinition(), metadata: { name: 'bkbcs.tencent.com' } }],
    ['metadata.name', { ...aCustomResourceDefinition(), metadata: { name: 'a.b.bkbcs.tencent.com' } }],
    ['spec.group', withSpec({ group: 'bkbcs' })],
    ['spec.group', withSpec({ group: 'BKBCS.tencent.com' })],
    ['spec.names.plural', withNames({ plural: 'CronTabs' })],
    ['spec.names.singular', withNames({ singular: 'cron_tab' })],
    ['spec.names.kind', withNames({ kind: 'crontab' })],
    ['spec.names.kind', withNames({ kind: 'Cron-Tab' })],
    ['spec.scope', withSpec({ scope: 'Global' })],
    ['spec.versions', withSpec({ versions: [] })],
    ['spec.versions[0].served', withSpec({ versions: [{ name: 'v1', storage: true }] })],
    ['spec.versions[0].name', withSpec({ versions: [{ name: 'V1', served: true, storage: true }] })],
  ])('names %s', (path, body) => {
    expect(pathsOf(() => parseCustomResourceDefinition(body))).toContain(path);
  });

  it('needs unique version names, exactly one storage version and a served one', () => {
    const versions = [
      { name: 'v1', served: false, storage: true },
      { name: 'v1', served: false, storage: true },
    ];
    expect(pathsOf(() => parseCustomResourceDefinition(withSpec({ versions })))).toEqual([
      'spec.versions[1].name',
      'spec.versions',
      'spec.versions',
    ]);
    const none = [{ name: 'v1', served: true, storage: false }];
    expect(pathsOf(() => parseCustomResourceDefinition(withSpec({ versions: none })))).toEqual([
      'spec.versions',
    ]);
  });

  it('checks the URL name on update', () => {
    expect(
      pathsOf(() => parseCustomResourceDefinition(aCustomResourceDefinition(), 'other.bkbcs.tencent.com')),
    ).toEqual(['metadata.name']);
    expect(
      parseCustomResourceDefinition(aCustomResourceDefinition(), 'logcollector.bkbcs.tencent.com').metadata
        .name,
    ).toBe('logcollector.bkbcs.tencent.com');
  });
});

describe('crdImmutableIssues', () => {
  const stored = parseCustomResourceDefinition(aCustomResourceDefinition());
  it.each([
    [[], aCustomResourceDefinition()],
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
    const body = aBkLogConfig({ spec: { Stdout: true }, extra: { A: 1 } });
    expect(parseCustomResource(body, namespacedTarget)).toEqual(body);
  });

  it('takes a body without namespace under a URL namespace', () => {
    const body = aBkLogConfig({ metadata: { namespace: undefined } });
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
    expect(pathsOf(() => parseCustomResource({ ...aBkLogConfig(), ...patch }, target))).toEqual([path]);
  });

  it('takes a Cluster resource without namespace', () => {
    const body = aBkLogConfig({ metadata: { namespace: undefined } });
    expect(parseCustomResource(body, clusterTarget).metadata.name).toBe('myappconfig');
  });
});
