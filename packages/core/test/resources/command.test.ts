import { describe, expect, it } from 'vitest';
import { commandExpiresAt, commandId, commandReserveMinutes } from '../../src/resources/command.js';
import type { CommandTargetKind } from '../../src/validation/command.js';

describe('commandReserveMinutes', () => {
  it.each([
    [60, 60],
    [0, 10080],
    [10080, 10080],
  ])('reserveTime %d → %d minutes', (reserveTime, minutes) => {
    expect(commandReserveMinutes({ reserveTime })).toBe(minutes);
  });
});

describe('commandExpiresAt', () => {
  it.each([
    [0, 60, 3_600_000],
    [1_000, 0, 1_000 + 10080 * 60_000],
  ])('created %d ms, reserveTime %d → %d', (createdAt, reserveTime, expected) => {
    expect(commandExpiresAt(createdAt, { reserveTime })).toBe(expected);
  });
});

describe('commandId', () => {
  it.each<[CommandTargetKind, string, string, string, string]>([
    ['Application', 'test', 'testapp', '1547437542873435715', 'Application-test-testapp-1547437542873435715'],
    ['Deployment', 'ns', 'web', '1', 'deployment-ns-web-1'],
  ])('(%s, %s, %s, %s) → %s', (kind, namespace, name, nanos, id) => {
    expect(commandId(kind, namespace, name, nanos)).toBe(id);
  });
});
