import { describe, expect, it } from 'vitest';
import {
  type AppFootprintInput,
  availabilityMargin,
  deadlineAt,
  failuresSince,
  footprintOf,
  isOverFailureLimit,
  nextStepAt,
  type RolloutBounds,
  resolveRolloutBounds,
  scaleDownTarget,
  scaleUpTarget,
  surgeRoom,
  unixSeconds,
} from '../../src/rollout/fenceposts.js';

// The worked examples of each doc comment, in order (style 32).

const app = (desired: number, total = desired, available = total): AppFootprintInput => ({
  desired,
  total,
  available,
});
const cap3: RolloutBounds = { surgeCap: 3, minAvailable: 1 };

describe('resolveRolloutBounds', () => {
  it.each<[number, number, number, RolloutBounds]>([
    [2, 1, 1, { surgeCap: 3, minAvailable: 1 }],
    [10, 3, 0, { surgeCap: 13, minAvailable: 10 }],
    [1, 0, 1, { surgeCap: 1, minAvailable: 0 }],
    [2, 0, 3, { surgeCap: 2, minAvailable: 0 }],
    [0, 2, 1, { surgeCap: 2, minAvailable: 0 }],
  ])('desired %i, maxSurge %i, maxUnavailable %i → %o', (desired, maxSurge, maxUnavailable, bounds) => {
    expect(resolveRolloutBounds(desired, { maxSurge, maxUnavailable })).toEqual(bounds);
  });
});

describe('footprintOf', () => {
  it.each<[string, AppFootprintInput, number]>([
    ['scaling up', app(3, 1), 3],
    ['two being killed', app(1, 3), 3],
  ])('%s → %i', (_name, input, expected) => {
    expect(footprintOf(input)).toBe(expected);
  });
});

describe('surgeRoom', () => {
  it.each<[string, AppFootprintInput, AppFootprintInput, number]>([
    ['old 2/2, new 0/0', app(2), app(0), 1],
    ['old 1 with 2 being killed, new 1', app(1, 3), app(1), 0],
    ['old 0/0, new 1/1', app(0), app(1), 2],
  ])('cap 3: %s → %i', (_name, old, next, expected) => {
    expect(surgeRoom(cap3, old, next)).toBe(expected);
  });
});

describe('availabilityMargin', () => {
  it.each<[number, number, number]>([
    [2, 0, 1],
    [0, 0, -1],
  ])('floor 1: old %i available, new %i → %i', (old, next, expected) => {
    expect(availabilityMargin(cap3, app(2, 2, old), app(0, 0, next))).toBe(expected);
  });
});

describe('scaleUpTarget', () => {
  it.each<[number, number, number, number]>([
    [0, 2, 1, 1],
    [1, 2, 5, 2],
    [2, 2, 0, 2],
  ])('desired %i, goal %i, room %i → %i', (desired, goal, room, expected) => {
    expect(scaleUpTarget(app(desired), goal, room)).toBe(expected);
  });
});

describe('scaleDownTarget', () => {
  it.each<[string, AppFootprintInput, number, number]>([
    ['desired 2, available 2, margin 1', app(2, 2, 2), 1, 1],
    ['desired 2, available 2, margin 2', app(2, 2, 2), 2, 0],
    ['desired 2, available 0 (failing), margin 0', app(2, 2, 0), 0, 0],
    ['desired 3, available 3, margin −1', app(3, 3, 3), -1, 3],
    ['already at the goal', app(0, 1, 0), 5, 0],
  ])('%s, goal 0 → %i', (_name, input, margin, expected) => {
    expect(scaleDownTarget(input, 0, margin)).toBe(expected);
  });
});

describe('failures and time', () => {
  it.each<[number, number, number]>([
    [2, 5, 3],
    [4, 1, 0],
  ])('failuresSince(%i, %i) → %i', (baseline, observed, expected) => {
    expect(failuresSince(baseline, observed)).toBe(expected);
  });

  it.each<[number, number, boolean]>([
    [3, 3, false],
    [3, 4, true],
    [0, 1, true],
  ])('isOverFailureLimit: %i allowed, %i seen → %s', (allowed, seen, expected) => {
    expect(isOverFailureLimit(seen, allowed)).toBe(expected);
  });

  it.each<[number | undefined, number, number | undefined]>([
    [10_000, 10, 20_000],
    [10_000, 0, 10_000],
    [undefined, 10, undefined],
  ])('nextStepAt(%s, %i s) → %s', (lastStepAt, seconds, expected) => {
    expect(nextStepAt(lastStepAt, seconds)).toBe(expected);
  });

  it.each<[number, number, number, number]>([
    [0, 360_000, 0, 360_000],
    [5_000, 60_000, 10, 75_000],
  ])('deadlineAt(%i, %i ms, %i s) → %i', (since, deadlineMs, extra, expected) => {
    expect(deadlineAt(since, deadlineMs, extra)).toBe(expected);
  });

  it('unixSeconds rounds down', () => {
    expect(unixSeconds(1_700_000_000_999)).toBe(1_700_000_000);
  });
});
