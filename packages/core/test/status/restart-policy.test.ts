import { describe, expect, it } from 'vitest';
import type { TaskGroupStatus } from '../../src/resources/taskgroup.js';
import type { RestartPolicySpec } from '../../src/resources/version.js';
import {
  MAX_RESTART_DELAY_SECONDS,
  planRestart,
  type RestartPlan,
  restartDelaySeconds,
} from '../../src/status/restart-policy.js';

const T = Date.UTC(2026, 10, 24, 6, 4, 0);
const S = 1000;
const MIN = 60 * S;

const policy = (overrides: Partial<RestartPolicySpec> = {}): RestartPolicySpec => ({
  policy: 'OnFailure',
  interval: 5,
  backoff: 10,
  maxtimes: 3,
  hostRetainTime: 0,
  ...overrides,
});

const restart = (delaySeconds: number, restarts: number): RestartPlan => ({
  restart: true,
  delayMs: delaySeconds * S,
  notBefore: T + delaySeconds * S,
  restarts,
});
const no = (reason: string): RestartPlan => ({ restart: false, reason });

describe('planRestart', () => {
  // The worked examples of the doc comment, in order.
  it.each<[string, RestartPolicySpec, TaskGroupStatus, number, number | undefined, RestartPlan]>([
    ['OnFailure, Failed, first restart', policy(), 'Failed', 0, undefined, restart(5, 1)],
    ['OnFailure, Lost counts as a failure (§15.1)', policy(), 'Lost', 2, T - MIN, restart(25, 3)],
    ['limit reached within 30 min', policy(), 'Failed', 3, T - 10 * MIN, no('restart limit 3 reached')],
    ['count reset after 30 min', policy(), 'Failed', 3, T - 30 * MIN, restart(5, 1)],
    [
      'OnFailure does not restart Finish',
      policy(),
      'Finish',
      0,
      undefined,
      no('restart policy OnFailure does not restart a taskgroup in Finish'),
    ],
    ['Always restarts Finish', policy({ policy: 'Always' }), 'Finish', 0, undefined, restart(5, 1)],
    [
      'Never restarts nothing',
      policy({ policy: 'Never' }),
      'Failed',
      0,
      undefined,
      no('restart policy Never does not restart a taskgroup in Failed'),
    ],
    [
      'Killed is never restarted',
      policy({ policy: 'Always' }),
      'Killed',
      0,
      undefined,
      no('restart policy Always does not restart a taskgroup in Killed'),
    ],
    [
      'Error is never restarted',
      policy({ policy: 'Always' }),
      'Error',
      0,
      undefined,
      no('restart policy Always does not restart a taskgroup in Error'),
    ],
    [
      'the delay is capped at 86400 − 480 s',
      policy({ maxtimes: 0, interval: 60, backoff: 3600 }),
      'Failed',
      30,
      T - MIN,
      restart(85_920, 31),
    ],
    // Edges around the examples.
    ['just under 30 min: no reset', policy(), 'Failed', 3, T - 30 * MIN + 1, no('restart limit 3 reached')],
    ['one below the limit', policy(), 'Lost', 2, T - MIN, restart(25, 3)],
    ['maxtimes 0 is unlimited', policy({ maxtimes: 0 }), 'Failed', 100, T - MIN, restart(1005, 101)],
    ['Always restarts Lost', policy({ policy: 'Always' }), 'Lost', 1, T - MIN, restart(15, 2)],
    ['no last restart: count kept', policy({ maxtimes: 0 }), 'Failed', 4, undefined, restart(45, 5)],
    [
      'zero interval and backoff: at once',
      policy({ interval: 0, backoff: 0 }),
      'Failed',
      2,
      T,
      restart(0, 3),
    ],
  ])('%s', (_, restartPolicy, status, restarts, lastRestartAt, expected) => {
    expect(planRestart({ policy: restartPolicy, status, restarts, lastRestartAt, now: T })).toEqual(expected);
  });
});

describe('restartDelaySeconds', () => {
  it.each<[number, number, number, number]>([
    [5, 10, 0, 5],
    [5, 10, 2, 25],
    [60, 3600, 30, MAX_RESTART_DELAY_SECONDS],
    [0, 0, 9, 0],
  ])('interval %d, backoff %d, %d earlier → %d s', (interval, backoff, restarts, seconds) => {
    expect(restartDelaySeconds({ interval, backoff }, restarts)).toBe(seconds);
  });

  it('caps at 85920 s', () => {
    expect(MAX_RESTART_DELAY_SECONDS).toBe(85_920);
  });
});
