import { describe, expect, it } from 'vitest';
import type { MesosTaskState } from '../../src/ports/mesos-driver.js';
import type { TaskStatus } from '../../src/resources/taskgroup.js';
import {
  BCS_TASK_RESTARTING,
  canTransitionTask,
  isTerminalTaskStatus,
  nextTaskStatus,
  TASK_STATUS_OF_MESOS_STATE,
  TASK_TRANSITIONS,
  taskStatusOf,
} from '../../src/status/task-status.js';

const ALL: readonly TaskStatus[] = Object.keys(TASK_TRANSITIONS) as TaskStatus[];

describe('taskStatusOf', () => {
  it.each<[MesosTaskState | typeof BCS_TASK_RESTARTING, TaskStatus]>([
    ['TASK_STAGING', 'Staging'],
    ['TASK_STARTING', 'Starting'],
    ['TASK_RUNNING', 'Running'],
    ['TASK_KILLING', 'Killing'],
    ['TASK_FINISHED', 'Finish'],
    ['TASK_FAILED', 'Failed'],
    ['TASK_GONE', 'Failed'],
    ['TASK_KILLED', 'Killed'],
    ['TASK_ERROR', 'Error'],
    ['TASK_LOST', 'Lost'],
    ['TASK_UNREACHABLE', 'Lost'],
    // PARTITION_AWARE: gone for good, never launched, or unknown to the master → terminal (the policy restarts).
    ['TASK_GONE_BY_OPERATOR', 'Failed'],
    // §15.2: the original ignored these two.
    ['TASK_DROPPED', 'Failed'],
    ['TASK_UNKNOWN', 'Failed'],
    [BCS_TASK_RESTARTING, 'Restarting'],
  ])('%s → %s', (state, status) => {
    expect(taskStatusOf(state)).toBe(status);
  });

  it('maps every Mesos state', () => {
    expect(Object.keys(TASK_STATUS_OF_MESOS_STATE)).toHaveLength(14);
  });

  it.each(['TASK_SOMETHING_NEW', 'toString', '__proto__', 102])('%s (not a state) → undefined', (state) => {
    expect(taskStatusOf(state as MesosTaskState)).toBeUndefined();
  });
});

describe('isTerminalTaskStatus', () => {
  it.each<[TaskStatus, boolean]>([
    ['Finish', true],
    ['Error', true],
    ['Killed', true],
    ['Failed', true],
    ['Lost', false],
    ['Running', false],
    ['Killing', false],
    ['Staging', false],
    ['Starting', false],
    ['Restarting', false],
  ])('%s → %s', (status, terminal) => {
    expect(isTerminalTaskStatus(status)).toBe(terminal);
  });
});

describe('nextTaskStatus', () => {
  it.each<[TaskStatus, TaskStatus, TaskStatus]>([
    // The doc comment's examples.
    ['Running', 'Finish', 'Finish'],
    ['Finish', 'Running', 'Finish'],
    ['Lost', 'Running', 'Running'],
    ['Running', 'Staging', 'Running'],
    // Forward progress.
    ['Staging', 'Starting', 'Starting'],
    ['Staging', 'Running', 'Running'],
    ['Starting', 'Running', 'Running'],
    ['Running', 'Restarting', 'Restarting'],
    ['Restarting', 'Running', 'Running'],
    ['Running', 'Killing', 'Killing'],
    ['Killing', 'Killed', 'Killed'],
    ['Running', 'Lost', 'Lost'],
    ['Staging', 'Lost', 'Lost'],
    ['Lost', 'Failed', 'Failed'],
    ['Lost', 'Staging', 'Staging'],
    // Repeats are allowed (health refreshes).
    ['Running', 'Running', 'Running'],
    ['Lost', 'Lost', 'Lost'],
    // Ignored: frozen, stale, or undoing a kill.
    ['Failed', 'Running', 'Failed'],
    ['Killed', 'Lost', 'Killed'],
    ['Error', 'Finish', 'Error'],
    ['Starting', 'Staging', 'Starting'],
    ['Running', 'Starting', 'Running'],
    ['Killing', 'Running', 'Killing'],
  ])('%s + %s → %s', (current, incoming, next) => {
    expect(nextTaskStatus(current, incoming)).toBe(next);
  });

  it.each(['Finish', 'Error', 'Killed', 'Failed'] as const)('%s is frozen against every status', (frozen) => {
    for (const incoming of ALL) expect(nextTaskStatus(frozen, incoming)).toBe(frozen);
  });

  it('Lost may move to every other status', () => {
    for (const incoming of ALL) expect(canTransitionTask('Lost', incoming)).toBe(true);
  });

  it('every non-terminal status can end in every terminal one', () => {
    for (const from of ALL.filter((s) => !isTerminalTaskStatus(s))) {
      for (const to of ['Finish', 'Failed', 'Killed', 'Error', 'Lost'] as const) {
        expect(canTransitionTask(from, to)).toBe(true);
      }
    }
  });
});
