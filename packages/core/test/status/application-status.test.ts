import { describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../src/resources/app.js';
import type { TaskGroupStatus } from '../../src/resources/taskgroup.js';
import {
  APPLICATION_STATUS_RULES,
  applicationStatusOf,
  NOT_ENOUGH_RESOURCES_MESSAGE,
  runningCount,
} from '../../src/status/application-status.js';

type Group = { status: TaskGroupStatus; message?: string };
const groups = (...statuses: (TaskGroupStatus | Group)[]): Group[] =>
  statuses.map((s) => (typeof s === 'string' ? { status: s } : s));

describe('applicationStatusOf', () => {
  // One row per rule of §2.3 (in order), each built so that the rules before it do not match.
  it.each<[string, number, Group[], ApplicationStatus, string]>([
    [
      'any Error (beats Failed and Lost)',
      3,
      groups('Failed', 'Lost', { status: 'Error', message: 'bad task' }),
      'Error',
      '1 of 3 taskgroups in Error: bad task',
    ],
    [
      'any Failed (beats Lost and too few placed)',
      3,
      groups('Lost', { status: 'Failed', message: 'exit 1' }),
      'Abnormal',
      '1 of 2 taskgroups Failed: exit 1',
    ],
    ['any Lost', 2, groups('Running', 'Lost'), 'Abnormal', '1 of 2 taskgroups Lost'],
    [
      'too few placed: names the first pending reason',
      2,
      groups('Running', { status: 'Pending', message: 'no offer fits: cpu' }),
      'Abnormal',
      `${NOT_ENOUGH_RESOURCES_MESSAGE}: no offer fits: cpu`,
    ],
    ['too few taskgroups at all', 3, groups('Running', 'Running'), 'Abnormal', NOT_ENOUGH_RESOURCES_MESSAGE],
    ['all Finish', 2, groups('Finish', 'Finish'), 'Finish', 'application is finished'],
    ['any Staging', 2, groups('Running', 'Staging'), 'Deploying', 'application is deploying'],
    ['any Starting', 2, groups('Starting', 'Finish'), 'Deploying', 'application is deploying'],
    ['Running = desired', 2, groups('Running', 'Running'), 'Running', 'application is running'],
    [
      'Running + Restarting = desired',
      2,
      groups('Running', 'Restarting'),
      'Running',
      'application is running',
    ],
    ['0 desired, no taskgroups', 0, [], 'Running', 'application is running'],
    [
      'otherwise: a Killed one',
      2,
      groups('Running', 'Killed'),
      'Abnormal',
      'application is abnormal: 1 of 2 taskgroups Running',
    ],
    [
      'otherwise: more running than desired',
      1,
      groups('Running', 'Running'),
      'Abnormal',
      'application is abnormal: 2 of 1 taskgroups Running',
    ],
  ])('%s', (_, desired, taskGroups, status, message) => {
    expect(applicationStatusOf({ desired, taskGroups, operating: false, current: 'Staging' })).toEqual({
      status,
      message,
    });
  });

  it('an explicit pendingReason wins over the taskgroups’ messages', () => {
    const result = applicationStatusOf({
      desired: 1,
      taskGroups: groups({ status: 'Pending', message: 'waiting for an offer' }),
      operating: false,
      current: 'Deploying',
      pendingReason: '3 hosts: not enough mem',
    });
    expect(result).toEqual({
      status: 'Abnormal',
      message: `${NOT_ENOUGH_RESOURCES_MESSAGE}: 3 hosts: not enough mem`,
    });
  });

  it.each<[string, { operating: boolean; rolling?: boolean }, ApplicationStatus]>([
    ['operating', { operating: true }, 'Operating'],
    ['rolling', { operating: false, rolling: true }, 'RollingUpdate'],
  ])('while %s the status is left alone', (_, flags, current) => {
    const result = applicationStatusOf({
      desired: 2,
      taskGroups: groups('Failed', 'Error'),
      ...flags,
      current,
      currentMessage: 'in progress',
    });
    expect(result).toEqual({ status: current, message: 'in progress' });
  });

  it('a status of Operating is recomputed once not operating', () => {
    const result = applicationStatusOf({
      desired: 1,
      taskGroups: groups('Running'),
      operating: false,
      current: 'Operating',
    });
    expect(result.status).toBe('Running');
  });

  it('lists the rules in the spec order, ending with a catch-all', () => {
    expect(APPLICATION_STATUS_RULES.map((r) => r.status)).toEqual([
      'Error',
      'Abnormal',
      'Abnormal',
      'Abnormal',
      'Finish',
      'Deploying',
      'Running',
      'Abnormal',
    ]);
  });
});

describe('runningCount', () => {
  it.each<[TaskGroupStatus[], number]>([
    [['Running', 'Restarting', 'Staging'], 1],
    [['Running', 'Running', 'Lost'], 2],
    [[], 0],
    [['Pending', 'Finish'], 0],
  ])('%j → %d', (statuses, count) => {
    expect(runningCount(groups(...statuses))).toBe(count);
  });
});
