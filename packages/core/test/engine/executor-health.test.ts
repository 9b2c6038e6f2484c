import { statusOfExecutorMessage } from '@bcs/core';
import { describe, expect, it } from 'vitest';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const ids = { agent_id: { value: 'agent-1' }, executor_id: { value: 'tg-1' } };

/** A type-14 report of task `t1` with `info` as its container info (one base64 layer, §1). */
const report = (info: Record<string, unknown>, outer: Record<string, unknown> = {}) => ({
  ...ids,
  data: b64({ Id: 1, Type: 14, TaskGroupId: '', TaskID: { value: 't1' }, TaskStatus: b64(info), ...outer }),
});

describe('statusOfExecutorMessage', () => {
  it.each([
    [{ Status: 'running', Healthy: true, IsChecked: true }, true],
    [{ Status: 'running', IsChecked: true }, false],
    [{ Status: 'Running', Healthy: true }, true],
    [{ Status: 'running' }, undefined],
  ])('container info %j → healthy %s', (info, healthy) => {
    const status = statusOfExecutorMessage(report(info));
    expect(status).toMatchObject({ task_id: { value: 't1' }, state: 'TASK_RUNNING', ...ids });
    expect(status?.healthy).toBe(healthy);
    expect(status?.uuid).toBeUndefined();
  });

  it('reads the Go keys case-insensitively and the executor’s failure count', () => {
    const data = b64({
      type: 14,
      taskid: { value: 't1' },
      taskstatus: b64({ status: 'running', isChecked: true, ConsecutiveFailureTimes: 3 }),
    });
    expect(statusOfExecutorMessage({ ...ids, data })).toMatchObject({
      healthy: false,
      consecutiveFailures: 3,
    });
  });

  it.each([
    ['another type', report({ Status: 'running' }, { Type: 13 })],
    ['a task not running', report({ Status: 'exited' })],
    ['no task id', report({ Status: 'running' }, { TaskID: null })],
    ['not base64 JSON', { ...ids, data: '%%%' }],
    [
      'a TaskStatus that is not JSON',
      { ...ids, data: b64({ Type: 14, TaskID: { value: 't1' }, TaskStatus: 'eA==' }) },
    ],
  ])('ignores %s', (_name, message) => {
    expect(statusOfExecutorMessage(message)).toBeUndefined();
  });
});
