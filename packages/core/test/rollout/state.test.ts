import { describe, expect, it } from 'vitest';
import type { TaskGroupStatus } from '../../src/resources/taskgroup.js';
import {
  type AppCounts,
  appCountsOf,
  type CountedTaskGroup,
  createRolloutState,
  DEFAULT_ROLLOUT_DEADLINE_MS,
  DEFAULT_ROLLOUT_MAX_FAILOVERS,
  rolloutAppName,
} from '../../src/rollout/state.js';
import { settingsOf, T0 } from './helpers.js';

const tg = (status: TaskGroupStatus, restarts = 0, killRequestedAt?: number): CountedTaskGroup =>
  killRequestedAt === undefined ? { status, restarts } : { status, restarts, killRequestedAt };

describe('appCountsOf', () => {
  it.each<[string, number, CountedTaskGroup[], AppCounts]>([
    [
      'the doc example: Running, Running being killed, Failed with 1 restart',
      2,
      [tg('Running'), tg('Running', 0, T0), tg('Failed', 1)],
      { desired: 2, total: 3, running: 2, available: 1, failed: 2 },
    ],
    [
      'Pending and Staging exist but are not available',
      2,
      [tg('Pending'), tg('Staging')],
      { desired: 2, total: 2, running: 0, available: 0, failed: 0 },
    ],
    [
      'a restarted instance counts its failure once',
      1,
      [tg('Pending', 1)],
      { desired: 1, total: 1, running: 0, available: 0, failed: 1 },
    ],
    ['no taskgroups', 0, [], { desired: 0, total: 0, running: 0, available: 0, failed: 0 }],
  ])('%s', (_name, desired, taskGroups, expected) => {
    expect(appCountsOf(desired, taskGroups)).toEqual(expected);
  });

  it('asks the engine whether a Running taskgroup is healthy', () => {
    const unhealthy = { ...tg('Running'), healthy: false };
    const counts = appCountsOf(2, [tg('Running'), unhealthy], (t) => !('healthy' in t));
    expect(counts).toMatchObject({ running: 2, available: 1 });
  });
});

describe('createRolloutState', () => {
  const input = {
    namespace: 'ns',
    name: 'web',
    desired: 3,
    oldDesired: 2,
    settings: settingsOf(),
    oldApp: 'web',
    newApp: 'web-v1767600000',
    now: T0,
  };

  it('starts rolling with no step, the defaults filled in', () => {
    const { now: _now, ...fields } = input;
    expect(createRolloutState(input)).toStrictEqual({
      ...fields,
      phase: 'rolling',
      stepsCompleted: 0,
      idleSince: T0,
      pauseRequested: false,
      failureBaseline: 0,
      maxFailovers: DEFAULT_ROLLOUT_MAX_FAILOVERS,
      deadlineMs: DEFAULT_ROLLOUT_DEADLINE_MS,
      forced: false,
      message: 'rolling update from web to web-v1767600000 started',
      startedAt: T0,
      updatedAt: T0,
    });
  });

  it.each<[{ maxFailovers?: number; maxRetries?: number } | undefined, number]>([
    [{ maxFailovers: 5, maxRetries: 2 }, 5],
    [{ maxRetries: 2 }, 2],
    [{ maxFailovers: 0 }, 0],
    [undefined, DEFAULT_ROLLOUT_MAX_FAILOVERS],
  ])('updatePolicy %o → maxFailovers %i', (updatePolicy, expected) => {
    expect(createRolloutState({ ...input, updatePolicy }).maxFailovers).toBe(expected);
  });
});

describe('rolloutAppName', () => {
  it('is <name>-v<unix seconds>', () => {
    expect(rolloutAppName('web', 1_700_000_000_999)).toBe('web-v1700000000');
  });
});
