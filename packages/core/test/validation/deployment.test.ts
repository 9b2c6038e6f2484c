import { aContainer, aDeployment, type DeepPartial, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_UPGRADE_DURATION_SECONDS,
  deploymentIssues,
  deploymentValidator,
  parseDeployment,
} from '../../src/validation/deployment.js';
import { pathsOf } from '../helpers/core.js';

const NS = 'defaultGroup';
const R = 'spec.strategy.rollingupdate';

const withRolling = (rollingupdate: DeepPartial<JsonObject>) =>
  aDeployment({ spec: { strategy: { rollingupdate } } });

describe('deployment definition', () => {
  it("accepts the document's createDeployment example, legacy health check included", () => {
    const definition = parseDeployment(aDeployment(), NS);
    expect(definition.metadata.name).toBe('deployment-test');
    expect(definition.spec.selector).toEqual({ podname: 'deployment-test' });
    expect(definition.spec.template?.spec.containers?.[0]?.healthChecks?.[0]).toMatchObject({
      protocol: 'tcp',
    });
    // The strategy is kept as the document writes it: the `maxUnavilable` spelling and the document-only
    // `autoUpgrade` and `pause` included.
    expect(definition.spec.strategy).toEqual((aDeployment().spec as JsonObject).strategy);
  });

  it('folds the document key casing onto canonical names', () => {
    const definition = parseDeployment(aDeployment(), NS);
    expect(definition.updatePolicy?.maxRetries).toBe(10);
    expect(definition.constraint?.intersectionItem).toEqual([]);
    expect(definition.spec.template?.spec.networktype).toBe('BRIDGE');
    const body = aDeployment();
    (body.spec as JsonObject).strategy = { RollingUpdate: { MaxSurge: 3, RollingOrder: 'DeleteFirst' } };
    expect(parseDeployment(body, NS).spec.strategy.rollingupdate).toMatchObject({
      maxSurge: 3,
      rollingOrder: 'DeleteFirst',
    });
  });

  it('accepts a deployment without a template (it adopts an application)', () => {
    expect(parseDeployment(aDeployment({ spec: { template: undefined } }), NS).spec.template).toBeUndefined();
  });

  it('defaults an absent strategy: CreateFirst, 10 s between steps', () => {
    const definition = parseDeployment(aDeployment({ spec: { strategy: undefined } }), NS);
    expect(definition.spec.strategy).toEqual({
      rollingupdate: { upgradeDuration: DEFAULT_UPGRADE_DURATION_SECONDS, rollingOrder: 'CreateFirst' },
    });
    expect(DEFAULT_UPGRADE_DURATION_SECONDS).toBe(10);
  });

  it('accepts both spellings of maxUnavailable when they agree', () => {
    expect(() => parseDeployment(withRolling({ maxUnavailable: 1 }), NS)).not.toThrow();
  });

  it('accepts a template that runs processes', () => {
    const body = aDeployment({
      spec: {
        template: { spec: { containers: undefined, processes: [{ procName: 'p', startCmd: './start' }] } },
      },
    });
    expect(() => parseDeployment(body, NS)).not.toThrow();
  });

  it.each<[string, DeepPartial<JsonObject>]>([
    ['kind', { kind: 'Deployment' }],
    ['metadata.name', { metadata: { name: 'deployment.test' } }],
    ['spec.instance', { spec: { instance: -1 } }],
    ['spec.instance', { spec: { instance: 'two' } }],
    ['spec.selector.podname', { spec: { selector: { podname: 1 } } }],
    ['spec.pauseDeployment', { spec: { pauseDeployment: 'no' } }],
    [`${R}.rollingOrder`, { spec: { strategy: { rollingupdate: { rollingOrder: 'Random' } } } }],
    [`${R}.maxSurge`, { spec: { strategy: { rollingupdate: { maxSurge: -1 } } } }],
    [`${R}.maxUnavilable`, { spec: { strategy: { rollingupdate: { maxUnavilable: 1.5 } } } }],
    [`${R}.maxUnavailable`, { spec: { strategy: { rollingupdate: { maxUnavailable: '1' } } } }],
    [`${R}.upgradeDuration`, { spec: { strategy: { rollingupdate: { upgradeDuration: -1 } } } }],
    [`${R}.rollingManually`, { spec: { strategy: { rollingupdate: { rollingManually: 'yes' } } } }],
    [`${R}.autoUpgrade`, { spec: { strategy: { rollingupdate: { autoUpgrade: 0 } } } }],
    [`${R}.maxUnavailable`, { spec: { strategy: { rollingupdate: { maxUnavailable: 2 } } } }],
    ['spec.template.spec.containers', { spec: { template: { spec: { containers: [] } } } }],
    [
      'spec.template.spec.containers[0].image',
      { spec: { template: { spec: { containers: [aContainer({ image: '' })] } } } },
    ],
    ['restartPolicy.policy', { restartPolicy: { policy: 'Sometimes' } }],
    ['updatePolicy.maxFailovers', { updatePolicy: { maxFailovers: -1 } }],
    [
      'constraint.intersectionItem[0].unionData[0].text.value',
      {
        constraint: {
          IntersectionItem: [
            { unionData: [{ name: 'h', operate: 'MAXPER', type: 3, text: { value: 'x' } }] },
          ],
        },
      },
    ],
  ])('refuses %s: %j', (path, overrides) => {
    expect(pathsOf(() => parseDeployment(aDeployment(overrides), NS))).toEqual([path]);
  });

  it('refuses a namespace other than the URL’s', () => {
    expect(pathsOf(() => parseDeployment(aDeployment(), 'other'))).toEqual(['metadata.namespace']);
  });
});

describe('deploymentIssues', () => {
  it('is empty for the document example', () => {
    expect(deploymentIssues(deploymentValidator.parse(aDeployment()))).toEqual([]);
  });

  it('accepts each rolling order', () => {
    for (const rollingOrder of ['CreateFirst', 'DeleteFirst']) {
      expect(
        parseDeployment(withRolling({ rollingOrder }), NS).spec.strategy.rollingupdate.rollingOrder,
      ).toBe(rollingOrder);
    }
  });
});
