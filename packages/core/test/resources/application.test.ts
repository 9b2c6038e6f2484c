import { describe, expect, it } from 'vitest';
import {
  type ContainerResources,
  parseResourceQuantity,
  type ResourceAmounts,
  resourceLimits,
  resourceRequests,
} from '../../src/resources/application.js';

describe('parseResourceQuantity', () => {
  it.each<[string | undefined, number]>([
    ['2', 2],
    [' 0.5 ', 0.5],
    ['.5', 0.5],
    ['', 0],
    [undefined, 0],
    ['abc', 0],
    ['-1', 0],
    ['100', 100],
  ])('%j → %d', (value, expected) => {
    expect(parseResourceQuantity(value)).toBe(expected);
  });
});

describe('resourceRequests', () => {
  it.each<[string, ContainerResources | undefined, ResourceAmounts]>([
    ['limits only → limits', { limits: { cpu: '2', memory: '100' } }, { cpus: 2, mem: 100, disk: 0 }],
    [
      'requests and limits → requests',
      { requests: { cpu: '0.5', memory: '64' }, limits: { cpu: '1', memory: '128' } },
      { cpus: 0.5, mem: 64, disk: 0 },
    ],
    [
      'blank requests.cpu → the whole limits list',
      { requests: { cpu: '', memory: '64' }, limits: { cpu: '1', memory: '128', storage: '10' } },
      { cpus: 1, mem: 128, disk: 10 },
    ],
    [
      'requests without cpu, no limits → requests',
      { requests: { memory: '64' } },
      { cpus: 0, mem: 64, disk: 0 },
    ],
    [
      'blank requests.cpu and blank limits.cpu → requests',
      { requests: { memory: '64' }, limits: { cpu: ' ', memory: '128' } },
      { cpus: 0, mem: 64, disk: 0 },
    ],
    ['no resources → zeros', undefined, { cpus: 0, mem: 0, disk: 0 }],
    ['empty resources → zeros', {}, { cpus: 0, mem: 0, disk: 0 }],
    [
      "the deployment example's limits",
      { limits: { cpu: '0.1', memory: '1' } },
      { cpus: 0.1, mem: 1, disk: 0 },
    ],
  ])('%s', (_, resources, expected) => {
    expect(resourceRequests(resources === undefined ? {} : { resources })).toEqual(expected);
  });
});

describe('resourceLimits', () => {
  it.each<[ContainerResources | undefined, ResourceAmounts]>([
    [{ limits: { cpu: '0.1', memory: '1' } }, { cpus: 0.1, mem: 1, disk: 0 }],
    [{ requests: { cpu: '1' } }, { cpus: 0, mem: 0, disk: 0 }],
    [undefined, { cpus: 0, mem: 0, disk: 0 }],
  ])('%j → %j', (resources, expected) => {
    expect(resourceLimits(resources === undefined ? {} : { resources })).toEqual(expected);
  });
});
