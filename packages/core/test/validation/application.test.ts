import { aContainer, anApplication, type DeepPartial, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  applicationIssues,
  applicationValidator,
  parseApplication,
  parseProcessApplication,
} from '../../src/validation/application.js';
import { pathsOf } from '../helpers/core.js';

const NS = 'defaultGroup';
const withTemplateSpec = (spec: DeepPartial<JsonObject>) => anApplication({ spec: { template: { spec } } });
const withContainer = (overrides: DeepPartial<JsonObject>) =>
  withTemplateSpec({ containers: [aContainer(overrides)] });

describe('application definition', () => {
  it("accepts the document's createApplication example", () => {
    const definition = parseApplication(anApplication(), NS);
    expect(definition.metadata).toEqual({
      annotations: {},
      labels: { podname: 'app-test' },
      name: 'app-test',
      namespace: 'defaultGroup',
    });
    expect(definition.spec.instance).toBe(2);
    expect(definition.spec.template.spec.containers?.[0]?.image).toBe(
      'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
    );
    expect(definition.restartPolicy).toEqual({ policy: 'Never', interval: 5, backoff: 10 });
    expect(definition.killPolicy).toEqual({ gracePeriod: 5 });
  });

  it('folds the document key casing onto canonical names (MaxRetries, IntersectionItem, networkType)', () => {
    const definition = parseApplication(anApplication(), NS);
    expect(definition.updatePolicy).toEqual({
      updateDelay: 10,
      maxRetries: 10,
      maxFailovers: 10,
      action: '',
    });
    expect(definition.constraint?.intersectionItem).toEqual([]);
    expect(definition.spec.template.spec.networktype).toBe('BRIDGE');
    expect(definition.spec.template.spec).not.toHaveProperty('networkType');
    expect(definition.updatePolicy).not.toHaveProperty('MaxRetries');
  });

  it('ignores unknown keys such as the document’s appname', () => {
    expect(() =>
      parseApplication(anApplication({ appname: 'x', spec: { extra: { a: 1 } } }), NS),
    ).not.toThrow();
  });

  it('does not modify its input', () => {
    const body = anApplication();
    parseApplication(body, NS);
    expect(body).toEqual(anApplication());
  });

  it('defaults restartPolicy to OnFailure, as the driver did', () => {
    expect(parseApplication(anApplication({ restartPolicy: undefined }), NS).restartPolicy).toEqual({
      policy: 'OnFailure',
    });
    expect(
      parseApplication(anApplication({ restartPolicy: { policy: undefined } }), NS).restartPolicy,
    ).toEqual({
      policy: 'OnFailure',
      interval: 5,
      backoff: 10,
    });
  });

  it('accepts a namespace-less body (the URL namespace is used)', () => {
    expect(() =>
      parseApplication(anApplication({ metadata: { namespace: undefined } }), 'other'),
    ).not.toThrow();
  });

  it.each([0, 1, 100])('accepts instance %d', (instance) => {
    expect(parseApplication(anApplication({ spec: { instance } }), NS).spec.instance).toBe(instance);
  });

  it.each(['Always', 'OnFailure', 'Never'])('accepts restart policy %s', (policy) => {
    expect(parseApplication(anApplication({ restartPolicy: { policy } }), NS).restartPolicy?.policy).toBe(
      policy,
    );
  });

  it.each<[string, DeepPartial<JsonObject>]>([
    ['kind', { kind: 'Application' }],
    ['kind', { kind: 'process' }],
    ['kind', { kind: undefined }],
    ['metadata', { metadata: undefined }],
    ['metadata.name', { metadata: { name: 'app.test' } }],
    ['metadata.name', { metadata: { name: undefined } }],
    ['metadata.name', { metadata: { name: '' } }],
    ['metadata.namespace', { metadata: { namespace: 'bad.ns' } }],
    ['metadata.labels.podname', { metadata: { labels: { podname: 1 } } }],
    ['spec', { spec: undefined }],
    ['spec.instance', { spec: { instance: -1 } }],
    ['spec.instance', { spec: { instance: 1.5 } }],
    ['spec.instance', { spec: { instance: '2' } }],
    ['spec.instance', { spec: { instance: undefined } }],
    ['spec.template', { spec: { template: undefined } }],
    ['spec.template.spec', { spec: { template: { spec: undefined } } }],
    ['restartPolicy.policy', { restartPolicy: { policy: 'Sometimes' } }],
    ['restartPolicy.interval', { restartPolicy: { interval: -1 } }],
    ['restartPolicy.backoff', { restartPolicy: { backoff: 0.5 } }],
    ['restartPolicy.maxtimes', { restartPolicy: { maxtimes: -1 } }],
    ['restartPolicy.hostRetainTime', { restartPolicy: { hostRetainTime: -1 } }],
    ['killPolicy.gracePeriod', { killPolicy: { gracePeriod: -5 } }],
    ['updatePolicy.maxRetries', { updatePolicy: { MaxRetries: -1 } }],
    ['updatePolicy.updateDelay', { updatePolicy: { updateDelay: 'soon' } }],
    ['constraint.intersectionItem', { constraint: { IntersectionItem: {} } }],
  ])('refuses %s: %j', (path, overrides) => {
    expect(pathsOf(() => parseApplication(anApplication(overrides), NS))).toContain(path);
  });

  it('refuses a namespace other than the URL’s', () => {
    expect(pathsOf(() => parseApplication(anApplication(), 'other'))).toEqual(['metadata.namespace']);
  });

  it.each([[[]], ['app'], [null], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(pathsOf(() => parseApplication(body, NS))).toEqual(['']);
  });

  it('refuses an application without containers', () => {
    const body = anApplication();
    const spec = ((body.spec as JsonObject).template as JsonObject).spec as JsonObject;
    delete spec.containers;
    expect(pathsOf(() => parseApplication(body, NS))).toEqual(['spec.template.spec.containers']);
    expect(pathsOf(() => parseApplication(withTemplateSpec({ containers: [] }), NS))).toEqual([
      'spec.template.spec.containers',
    ]);
  });

  it('refuses processes in an application', () => {
    const body = withTemplateSpec({ processes: [{ procName: 'p' }] });
    expect(pathsOf(() => parseApplication(body, NS))).toEqual(['spec.template.spec.processes']);
  });

  it('reports every broken rule at once', () => {
    const body = anApplication({ metadata: { name: 'a.b' }, spec: { instance: -1 } });
    expect(pathsOf(() => parseApplication(body, NS))).toEqual(['metadata.name', 'spec.instance']);
  });

  it('names the container field of a resource that is not a number', () => {
    const body = withContainer({ resources: { limits: { cpu: 'two', memory: '100' } } });
    expect(pathsOf(() => parseApplication(body, NS))).toEqual([
      'spec.template.spec.containers[0].resources.limits.cpu',
    ]);
  });

  it('runs constraint rules (IntersectionItem, document casing)', () => {
    const body = anApplication({
      constraint: {
        IntersectionItem: [
          { UnionData: [{ name: 'hostname', operate: 'MAXPER', type: 3, text: { value: 'x' } }] },
        ],
      },
    });
    expect(pathsOf(() => parseApplication(body, NS))).toEqual([
      'constraint.intersectionItem[0].unionData[0].text.value',
    ]);
  });
});

describe('applicationIssues', () => {
  it('is empty for the document example', () => {
    expect(applicationIssues(applicationValidator.parse(anApplication()))).toEqual([]);
  });
});

describe('process application definition', () => {
  const processBody = () =>
    anApplication({
      kind: 'process',
      spec: {
        template: {
          spec: {
            containers: undefined,
            processes: [
              {
                procName: 'gamesvr',
                workPath: '/data/gamesvr',
                uris: [{ Value: 'http://repo/gamesvr.tgz', OutputDir: '/data' }],
                startCmd: './start.sh',
                ports: [{ name: 'game', hostPort: 0 }],
                resources: { limits: { cpu: '1', memory: '64' } },
              },
            ],
          },
        },
      },
    });

  it('accepts kind process with processes', () => {
    const definition = parseProcessApplication(processBody(), NS);
    expect(definition.kind).toBe('process');
    expect(definition.spec.template.spec.processes?.[0]?.uris).toEqual([
      { value: 'http://repo/gamesvr.tgz', outputDir: '/data' },
    ]);
  });

  it('refuses kind application on the process variant, and a process without processes', () => {
    expect(pathsOf(() => parseProcessApplication(anApplication(), NS))).toEqual(['kind']);
    const noProcesses = anApplication({ kind: 'process' });
    expect(pathsOf(() => parseProcessApplication(noProcesses, NS))).toEqual([
      'spec.template.spec.processes',
      'spec.template.spec.containers',
    ]);
  });

  it('requires procName', () => {
    const body = processBody();
    const spec = ((body.spec as JsonObject).template as JsonObject).spec as JsonObject;
    spec.processes = [{ startCmd: './start.sh' }];
    expect(pathsOf(() => parseProcessApplication(body, NS))).toEqual([
      'spec.template.spec.processes[0].procName',
    ]);
  });
});
