import { describe, expect, it } from 'vitest';
import type { TaskGroupStatus } from '../../src/resources/taskgroup.js';
import {
  ENDED_STATUSES,
  FROZEN_TASKGROUP_STATUSES,
  isActive,
  isEnded,
  isFrozenTaskGroupStatus,
  isLive,
  STOPPED,
} from '../../src/status/lifecycle.js';

// The table of status/lifecycle.ts, one row per taskgroup status: [status, frozen, ended, active, live when
// placed on a host].
const ROWS: readonly (readonly [TaskGroupStatus, boolean, boolean, boolean, boolean])[] = [
  ['Pending', false, true, false, false],
  ['Staging', false, false, true, true],
  ['Starting', false, false, true, true],
  ['Running', false, false, true, true],
  ['Restarting', false, false, true, true],
  ['Killing', false, false, true, true],
  ['Unknown', false, false, true, true],
  ['Lost', false, true, false, true],
  ['Finish', true, true, false, false],
  ['Failed', true, true, false, false],
  ['Killed', true, true, false, false],
  ['Error', true, true, false, false],
];

describe('taskgroup lifecycle sets', () => {
  it.each(ROWS)('%s: frozen %s, ended %s, active %s, live %s', (status, frozen, ended, active, live) => {
    expect(isFrozenTaskGroupStatus(status)).toBe(frozen);
    expect(isEnded({ status })).toBe(ended);
    expect(isActive({ status })).toBe(active);
    expect(isLive({ status, hostname: 'a' })).toBe(live);
  });

  it.each(ROWS)('%s is never live without a host', (status) => {
    expect(isLive({ status })).toBe(false);
  });

  it('keeps the sets consistent: ended = frozen + Lost, stopped = ended, live = active + Lost', () => {
    expect([...ENDED_STATUSES].sort()).toEqual([...FROZEN_TASKGROUP_STATUSES, 'Lost'].sort());
    expect([...STOPPED].sort()).toEqual([...ENDED_STATUSES].sort());
    for (const [status] of ROWS) {
      const placed = { status, hostname: 'a' };
      expect(isLive(placed)).toBe(isActive(placed) || status === 'Lost');
    }
  });
});
