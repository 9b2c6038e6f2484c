import {
  type HealthCheckKey,
  healthCheckKeysOf,
  healthStateOf,
  type TaskHealth,
  withHealthResult,
} from '@bcs/core';
import { describe, expect, it } from 'vitest';

const ok = { result: true, message: '', since: 0 };
const failed = { result: false, message: 'down', since: 0 };

describe('healthCheckKeysOf', () => {
  it.each([
    [
      ['REMOTE_TCP', 'HTTP', 'TCP'],
      ['REMOTE_TCP', 'local'],
    ],
    [['COMMAND'], ['local']],
    [[undefined], []],
    [['REMOTE_HTTP', 'REMOTE_HTTP'], ['REMOTE_HTTP']],
  ])('%j → %j', (types, keys) => {
    expect(healthCheckKeysOf(types.map((type) => (type === undefined ? {} : { type })) as never)).toEqual(
      keys,
    );
  });
});

describe('healthStateOf', () => {
  it.each<[HealthCheckKey[], TaskHealth['checks'], string]>([
    [['local'], {}, 'unknown'],
    [['local'], { local: ok }, 'healthy'],
    [['local', 'REMOTE_TCP'], { local: ok }, 'unknown'],
    [['local', 'REMOTE_TCP'], { local: ok, REMOTE_TCP: failed }, 'unhealthy'],
    [[], { local: ok }, 'healthy'],
  ])('expected %j, %j → %s', (expected, checks, state) => {
    expect(healthStateOf(expected, checks)).toBe(state);
  });
});

describe('withHealthResult', () => {
  it('records a first result, keeps changedAt while the state holds and drops a repeat', () => {
    const first = withHealthResult(undefined, ['local'], { key: 'local', result: true, message: '' }, 10);
    expect(first).toEqual({
      state: 'healthy',
      message: '',
      changedAt: 10,
      checks: { local: { ...ok, since: 10 } },
    });
    expect(
      withHealthResult(first, ['local'], { key: 'local', result: true, message: '' }, 20),
    ).toBeUndefined();
    const sick = withHealthResult(first, ['local'], { key: 'local', result: false, message: 'down' }, 30);
    expect(sick).toMatchObject({ state: 'unhealthy', message: 'down', changedAt: 30 });
    const worse = withHealthResult(
      sick,
      ['local'],
      { key: 'local', result: false, message: 'still down' },
      40,
    );
    expect(worse).toMatchObject({ state: 'unhealthy', message: 'still down', changedAt: 30 });
    expect(worse?.checks.local?.since).toBe(30);
  });

  it('stays unhealthy while one check fails, whatever the others say', () => {
    const keys: HealthCheckKey[] = ['local', 'REMOTE_HTTP'];
    const a = withHealthResult(undefined, keys, { key: 'REMOTE_HTTP', result: false, message: '503' }, 1);
    const b = withHealthResult(a, keys, { key: 'local', result: true, message: '' }, 2);
    expect(b).toMatchObject({ state: 'unhealthy', message: '503', changedAt: 1 });
  });
});
