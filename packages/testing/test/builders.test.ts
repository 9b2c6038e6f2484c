import {
  AdmissionWebhookService,
  AgentSettingService,
  type Clock,
  ConfigMapService,
  CustomResourceService,
  type DataReferenceGuard,
  directAgentSettingsSink,
  parseApplication,
  parseCommand,
  parseDeployment,
  SecretService,
  ServiceService,
  type Store,
  silentLogger,
} from '@bcs/core';
import { describe, expect, it } from 'vitest';
import {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aCommand,
  aConfigMap,
  aContainer,
  aCustomResourceDefinition,
  aDeployment,
  aListedAgentSetting,
  anAdmissionWebhook,
  anAgentSetting,
  anAgentSettingUpdate,
  anAgentTaintList,
  anApplication,
  anOffer,
  aSecret,
  aService,
  deepMerge,
  type JsonObject,
} from '../src/builders/index.js';
import { createMemoryStore, ManualClock } from '../src/fakes/index.js';

const builders: [string, (overrides?: JsonObject) => JsonObject][] = [
  ['aConfigMap', aConfigMap],
  ['aSecret', aSecret],
  ['aService', aService],
  ['anAdmissionWebhook', anAdmissionWebhook],
  ['anApplication', anApplication],
  ['aContainer', aContainer],
  ['aDeployment', aDeployment],
  ['aCommand', aCommand],
  ['anOffer', anOffer],
  ['anAgentSetting', anAgentSetting],
  ['aListedAgentSetting', aListedAgentSetting],
  ['anAgentSettingUpdate', anAgentSettingUpdate],
  ['aCustomResourceDefinition', aCustomResourceDefinition],
  ['aBkLogConfigDefinition', aBkLogConfigDefinition],
  ['aBkLogConfig', aBkLogConfig],
];

describe('deepMerge', () => {
  it.each<[string, JsonObject, JsonObject, JsonObject]>([
    ['merges nested objects', { a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    ['replaces arrays whole', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['adds keys', { a: 1 }, { b: { c: null } }, { a: 1, b: { c: null } }],
    ['replaces an object by a scalar', { a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
    ['replaces an array by an object', { a: [1] }, { a: { b: 1 } }, { a: { b: 1 } }],
  ])('%s', (_, base, overrides, expected) => {
    expect(deepMerge(base, overrides)).toEqual(expected);
  });

  it('removes a key whose override is undefined', () => {
    expect(deepMerge({ a: 1, b: { c: 2, d: 3 } }, { a: undefined, b: { c: undefined } })).toEqual({
      b: { d: 3 },
    });
  });

  it('modifies neither argument and shares no objects with them', () => {
    const base: JsonObject = { a: { b: [1] } };
    const overrides: JsonObject = { c: { d: [2] } };
    const merged = deepMerge(base, overrides);
    (merged.a as JsonObject).b = [9];
    ((merged.c as JsonObject).d as number[]).push(9);
    expect(base).toEqual({ a: { b: [1] } });
    expect(overrides).toEqual({ c: { d: [2] } });
  });
});

describe('builders', () => {
  it.each(builders)('%s returns a fresh deep copy each call', (_, build) => {
    const first = build();
    first.mutated = true;
    for (const value of Object.values(first)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        (value as JsonObject).mutated = true;
    }
    const second = build();
    expect(second).not.toHaveProperty('mutated');
    for (const value of Object.values(second)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        expect(value).not.toHaveProperty('mutated');
    }
  });

  it.each(builders)('%s deep-merges overrides', (_, build) => {
    expect(build({ extra: { nested: [1] } })).toEqual({ ...build(), extra: { nested: [1] } });
  });

  it("keeps the document's key casing verbatim", () => {
    const application = anApplication();
    expect(application).toHaveProperty('appname', 'app-test');
    expect(application).toHaveProperty('updatePolicy.MaxRetries', 10);
    expect(application).toHaveProperty('constraint.IntersectionItem', []);
    expect(application).toHaveProperty('spec.template.spec.networkType', 'BRIDGE');
    expect(aDeployment()).toHaveProperty('spec.strategy.rollingupdate.maxUnavilable', 1);
    expect(anOffer()).toHaveProperty('agent_id.value', '6cd1b3e9-3f95-44fe-b804-10d273903ee9-S0');
  });

  it('anAgentTaintList returns a fresh array', () => {
    const first = anAgentTaintList();
    first.pop();
    expect(anAgentTaintList()).toHaveLength(2);
  });
});

describe('builders pass the core validators', () => {
  // Services are built by hand: @bcs/testing does not depend on tsyringe.
  const store = (): Store => createMemoryStore();
  const clock = (): Clock => new ManualClock(0);
  const guard: DataReferenceGuard = { run: (work) => work(), referencedBy: () => [] };

  type NamespacedService = { validate(namespace: string, body: unknown): unknown };
  it.each<[string, () => NamespacedService, () => JsonObject]>([
    ['aConfigMap', () => new ConfigMapService(store(), clock(), guard, silentLogger), aConfigMap],
    ['aSecret', () => new SecretService(store(), clock(), guard, silentLogger), aSecret],
    ['aService', () => new ServiceService(store(), clock(), silentLogger), aService],
    [
      'anAdmissionWebhook',
      () => new AdmissionWebhookService(store(), clock(), silentLogger),
      anAdmissionWebhook,
    ],
  ])('%s', (_, make, build) => {
    expect(() => make().validate('defaultGroup', build())).not.toThrow();
  });

  it('anApplication', () => {
    expect(parseApplication(anApplication(), 'defaultGroup').metadata.name).toBe('app-test');
  });

  it('aDeployment', () => {
    expect(parseDeployment(aDeployment(), 'defaultGroup').metadata.name).toBe('deployment-test');
  });

  it('aCommand', () => {
    expect(parseCommand(aCommand(), 'application', 'test', 'testapp').spec.command).toEqual(['ps -aux']);
  });

  it('anAgentSetting, aListedAgentSetting, anAgentSettingUpdate and anAgentTaintList', async () => {
    const settings = new AgentSettingService(createMemoryStore(), directAgentSettingsSink);
    await settings.set([anAgentSetting(), aListedAgentSetting({ innerIP: '127.0.0.2' })]);
    await settings.update(anAgentSettingUpdate());
    await settings.taint(anAgentTaintList());
    expect((await settings.get('127.0.0.1')).noSchedule).toEqual({ key1: 'value1' });
  });

  it('aCustomResourceDefinition, aBkLogConfigDefinition and aBkLogConfig', async () => {
    const resources = new CustomResourceService(store(), clock());
    await resources.createDefinition(aCustomResourceDefinition());
    await resources.createDefinition(aBkLogConfigDefinition());
    const ref = await resources.resolve('bkbcs.tencent.com', 'v2', ['global', 'bklogconfigs']);
    expect((await resources.create(ref, aBkLogConfig())).metadata.name).toBe('myappconfig');
  });
});
