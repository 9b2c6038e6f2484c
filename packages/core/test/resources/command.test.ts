import { describe, expect, it } from 'vitest';
import {
  boundOutput,
  type CommandTaskStatus,
  commandExpiresAt,
  commandId,
  commandReserveMinutes,
  overallCommandStatus,
} from '../../src/resources/command.js';
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

describe('boundOutput', () => {
  it.each([
    ['abc', 10, 'abc'],
    ['a'.repeat(20), 10, `${'a'.repeat(10)}\n…[truncated: 20 bytes in all]`],
    ['ééé', 3, 'é\n…[truncated: 6 bytes in all]'],
  ])('(%j, %d) → %j', (text, limit, expected) => {
    expect(boundOutput(text, limit)).toBe(expected);
  });
});

describe('overallCommandStatus', () => {
  const of = (...statuses: CommandTaskStatus[]) => ({
    status: {
      taskgroups: [
        {
          taskgroupId: 'g',
          tasks: statuses.map((status, i) => ({ taskId: `t${i}`, status, message: '', commInspect: null })),
        },
      ],
    },
  });
  it.each<[CommandTaskStatus[], string]>([
    [['running', 'finish'], 'running'],
    [['staging'], 'running'],
    [['finish', 'finish'], 'finish'],
    [['finish', 'timeout'], 'failed'],
    [['failed'], 'failed'],
    [[], 'finish'],
  ])('%j → %s', (statuses, expected) => {
    expect(overallCommandStatus(of(...statuses))).toBe(expected);
  });
});
