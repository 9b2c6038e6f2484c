import { aDeployment } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  normalizeDeployment,
  type RollingUpdateDefinition,
  type RollingUpdateSettings,
  resolveRollingUpdate,
} from '../../src/resources/deployment.js';
import { parseDeployment } from '../../src/validation/deployment.js';

const base: RollingUpdateDefinition = { upgradeDuration: 10, rollingOrder: 'CreateFirst' };
const settings = (fields: Partial<RollingUpdateSettings>): RollingUpdateSettings => ({
  maxUnavailable: 1,
  maxSurge: 1,
  upgradeDuration: 10,
  rollingManually: false,
  rollingOrder: 'CreateFirst',
  ...fields,
});

describe('resolveRollingUpdate', () => {
  it.each<[string, Partial<RollingUpdateDefinition>, RollingUpdateSettings]>([
    ['all defaults', {}, settings({})],
    [
      "the document's block",
      { maxUnavilable: 1, maxSurge: 1, upgradeDuration: 60, autoUpgrade: false, pause: false },
      settings({ upgradeDuration: 60, rollingManually: true }),
    ],
    [
      'both counts 0 → maxUnavailable 1',
      { maxUnavailable: 0, maxSurge: 0 },
      settings({ maxUnavailable: 1, maxSurge: 0 }),
    ],
    [
      'unavailable 0, surge 2',
      { maxUnavailable: 0, maxSurge: 2 },
      settings({ maxUnavailable: 0, maxSurge: 2 }),
    ],
    [
      'the document spelling',
      { maxUnavilable: 3, maxSurge: 0 },
      settings({ maxUnavailable: 3, maxSurge: 0 }),
    ],
    ['maxUnavailable wins', { maxUnavailable: 2, maxUnavilable: 5 }, settings({ maxUnavailable: 2 })],
    ['surge only', { maxSurge: 4 }, settings({ maxSurge: 4 })],
    ['rollingManually', { rollingManually: true }, settings({ rollingManually: true })],
    ['pause true', { pause: true }, settings({ rollingManually: true })],
    ['autoUpgrade false', { autoUpgrade: false }, settings({ rollingManually: true })],
    ['autoUpgrade true', { autoUpgrade: true, pause: false }, settings({})],
    ['rollingManually false', { rollingManually: false, autoUpgrade: true }, settings({})],
    ['DeleteFirst', { rollingOrder: 'DeleteFirst' }, settings({ rollingOrder: 'DeleteFirst' })],
  ])('%s', (_, fields, expected) => {
    expect(resolveRollingUpdate({ ...base, ...fields })).toEqual(expected);
  });
});

describe('normalizeDeployment', () => {
  it("resolves the document example's strategy and keeps the rest", () => {
    const definition = parseDeployment(aDeployment(), 'defaultGroup');
    const snapshot = structuredClone(definition);
    const normalized = normalizeDeployment(definition);
    expect(normalized.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingupdate: settings({ upgradeDuration: 60, rollingManually: true }),
    });
    expect(normalized.spec.template).toEqual(definition.spec.template);
    expect(normalized.metadata).toEqual(definition.metadata);
    expect(definition).toEqual(snapshot);
  });

  it('leaves out an absent strategy type', () => {
    const definition = parseDeployment(aDeployment({ spec: { strategy: undefined } }), 'defaultGroup');
    expect(normalizeDeployment(definition).spec.strategy).toEqual({ rollingupdate: settings({}) });
  });
});
