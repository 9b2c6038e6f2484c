import { describe, expect, it } from 'vitest';
import { compileStack, runStages } from '../../src/scheduler/stack.js';
import { aContext, anOffer, aRequest, aVersion, constraintOf } from './helpers.js';

describe('compileStack', () => {
  const version = aVersion({
    constraint: constraintOf(
      { name: 'InnerIP', operate: 'UNIQUE' },
      { name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'sz' } },
    ),
  });

  it('orders the stages cheap first, as documented', () => {
    expect(compileStack(version).stages.map((stage) => stage.name)).toEqual([
      'disabled',
      'taints',
      'retain-host',
      'resources',
      'ip-resources',
      'constraint UNIQUE(InnerIP)',
      'constraint CLUSTER(City)',
      'requested-ip',
      'ports',
    ]);
  });

  it('splits static from dynamic stages and compiles once per version', () => {
    const stack = compileStack(version);
    expect(stack.staticStages.map((stage) => stage.name)).toEqual([
      'disabled',
      'taints',
      'constraint CLUSTER(City)',
    ]);
    expect(compileStack(version)).toBe(stack);
  });

  it('reports the first stage that rejects', () => {
    const offer = anOffer({ cpus: 0.1, setting: { disabled: true } });
    expect(runStages(compileStack(version).stages, offer, aContext(), aRequest(version))).toEqual({
      reason: 'disabled',
    });
  });
});
