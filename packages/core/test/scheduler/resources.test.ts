import { describe, expect, it } from 'vitest';
import type { ResourceAmounts } from '../../src/resources/application.js';
import type { ContainerSpec } from '../../src/resources/version.js';
import {
  demandOf,
  EXECUTOR_OVERHEAD,
  exceededResource,
  taskResourcesOf,
} from '../../src/scheduler/resources.js';
import { aContainer, aVersion } from './helpers.js';

const amounts = (cpus: number, mem: number, disk: number): ResourceAmounts => ({ cpus, mem, disk });

describe('taskResourcesOf', () => {
  it.each<[ResourceAmounts, ResourceAmounts]>([
    [amounts(0.5, 128, 0), amounts(0.5, 128, 0)],
    [amounts(0, 0, 0), amounts(0.01, 0, 0)],
    [amounts(0, 64, 0), amounts(0, 64, 0)],
  ])('%j → %j', (resources, expected) => {
    expect(taskResourcesOf({ resources })).toEqual(expected);
  });
});

describe('demandOf (overhead 0.01 / 64 / 64)', () => {
  it.each<[string, ContainerSpec[], ResourceAmounts]>([
    [
      'two containers',
      [aContainer({ resources: amounts(0.5, 128, 0) }), aContainer({ resources: amounts(1, 256, 100) })],
      amounts(1.51, 448, 164),
    ],
    [
      'one container asking for nothing',
      [aContainer({ resources: amounts(0, 0, 0) })],
      amounts(0.02, 64, 64),
    ],
    ['no containers', [], EXECUTOR_OVERHEAD],
  ])('%s → %j', (_, containers, expected) => {
    expect(demandOf(aVersion({ containers }))).toEqual(expected);
  });

  it('uses the overhead given', () => {
    expect(demandOf(aVersion(), amounts(0.1, 32, 1))).toEqual(amounts(1.1, 160, 1));
  });
});

describe('exceededResource', () => {
  it.each<[ResourceAmounts, ResourceAmounts, string | undefined]>([
    [amounts(1, 64, 64), amounts(1, 64, 64), undefined],
    [amounts(1.001, 64, 64), amounts(1, 64, 64), 'cpus'],
    [amounts(1, 65, 100), amounts(2, 64, 50), 'mem'],
    [amounts(0.3, 1, 1), amounts(0.1 + 0.2, 1, 1), undefined],
  ])('%j in %j → %s', (demand, available, expected) => {
    expect(exceededResource(demand, available)).toBe(expected);
  });
});
