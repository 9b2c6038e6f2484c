import { describe, expect, it } from 'vitest';
import type { TaskGroupStatus, TaskStatus } from '../../src/resources/taskgroup.js';
import { isFrozenTaskGroupStatus } from '../../src/status/lifecycle.js';
import { TASKGROUP_STATUS_RULES, taskGroupStatusOf } from '../../src/status/taskgroup-status.js';

const tasks = (...statuses: TaskStatus[]) => statuses.map((status) => ({ status }));

describe('taskGroupStatusOf', () => {
  // One row per rule of §2.2 (in order), each built so that the rule before it does not match.
  it.each<[string, TaskStatus[], TaskGroupStatus]>([
    ['any Failed (beats Killing and Error)', ['Running', 'Killing', 'Error', 'Failed'], 'Failed'],
    ['any Killing (beats Error)', ['Error', 'Killing', 'Running'], 'Killing'],
    ['any Error (beats Lost)', ['Lost', 'Error', 'Finish'], 'Error'],
    ['all Finish', ['Finish', 'Finish'], 'Finish'],
    ['all Killed', ['Killed', 'Killed'], 'Killed'],
    ['any Lost (beats Running)', ['Running', 'Lost'], 'Lost'],
    ['all Staging', ['Staging', 'Staging'], 'Staging'],
    ['any Starting (beats Running)', ['Running', 'Starting', 'Staging'], 'Starting'],
    ['any Restarting (beats Running)', ['Running', 'Restarting'], 'Restarting'],
    ['any Running', ['Running', 'Finish'], 'Running'],
    ['no rule: Finish and Killed mixed', ['Finish', 'Killed'], 'Unknown'],
    ['no rule: Staging and Finish', ['Staging', 'Finish'], 'Unknown'],
  ])('%s → %s', (_, statuses, expected) => {
    expect(taskGroupStatusOf(tasks(...statuses), 'Running')).toBe(expected);
  });

  it('has one table row per rule, in the spec order', () => {
    expect(TASKGROUP_STATUS_RULES.map((r) => `${r.quantifier} ${r.task}`)).toEqual([
      'any Failed',
      'any Killing',
      'any Error',
      'all Finish',
      'all Killed',
      'any Lost',
      'all Staging',
      'any Starting',
      'any Restarting',
      'any Running',
    ]);
  });

  it.each<[TaskGroupStatus, TaskStatus[], TaskGroupStatus]>([
    ['Finish', ['Running'], 'Finish'],
    ['Error', ['Running'], 'Error'],
    ['Killed', ['Failed'], 'Killed'],
    ['Failed', ['Finish'], 'Failed'],
    // Not frozen: Lost comes back, Pending and Staging follow the tasks.
    ['Lost', ['Running'], 'Running'],
    ['Pending', ['Staging'], 'Staging'],
    ['Staging', ['Running'], 'Running'],
    ['Unknown', ['Running'], 'Running'],
  ])('current %s with tasks %j → %s', (current, statuses, expected) => {
    expect(taskGroupStatusOf(tasks(...statuses), current)).toBe(expected);
  });

  it.each<TaskGroupStatus>(['Pending', 'Staging', 'Running'])('no tasks keeps %s', (current) => {
    expect(taskGroupStatusOf([], current)).toBe(current);
  });

  it.each<[TaskGroupStatus, boolean]>([
    ['Finish', true],
    ['Error', true],
    ['Killed', true],
    ['Failed', true],
    ['Lost', false],
    ['Pending', false],
    ['Unknown', false],
  ])('isFrozenTaskGroupStatus(%s) → %s', (status, frozen) => {
    expect(isFrozenTaskGroupStatus(status)).toBe(frozen);
  });
});
