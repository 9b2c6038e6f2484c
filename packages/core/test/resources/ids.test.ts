import { describe, expect, it } from 'vitest';
import {
  parseTaskGroupId,
  parseTaskId,
  type TaskGroupIdParts,
  type TaskIdParts,
  taskGroupId,
  taskGroupIdOfTask,
  taskGroupName,
  taskId,
  taskName,
} from '../../src/resources/ids.js';

const NANOS = '1527839061316356269';
const GROUP: TaskGroupIdParts = {
  index: 0,
  appId: 'app-test',
  namespace: 'defaultGroup',
  cluster: '10001',
  nanos: NANOS,
};

describe('taskGroupId / parseTaskGroupId', () => {
  it.each<[TaskGroupIdParts, string]>([
    [GROUP, '0.app-test.defaultGroup.10001.1527839061316356269'],
    [{ ...GROUP, index: 12, cluster: 'Unnamed' }, '12.app-test.defaultGroup.Unnamed.1527839061316356269'],
    [{ ...GROUP, cluster: 'bcs.sz' }, '0.app-test.defaultGroup.bcs.sz.1527839061316356269'],
  ])('%j ⇄ %s', (parts, id) => {
    expect(taskGroupId(parts)).toBe(id);
    expect(parseTaskGroupId(id)).toEqual(parts);
  });

  it.each([
    ['too few fields', '0.app-test.defaultGroup.1527839061316356269'],
    ['index not a number', 'x.app-test.defaultGroup.10001.1527839061316356269'],
    ['index with a leading zero', '01.app-test.defaultGroup.10001.1527839061316356269'],
    ['nanos not a number', '0.app-test.defaultGroup.10001.abc'],
    ['empty app', '0..defaultGroup.10001.1527839061316356269'],
    ['empty cluster', '0.app-test.defaultGroup..1527839061316356269'],
    ['a task id', '1527839061316356269.0.0.app-test.defaultGroup.10001'],
    ['empty', ''],
  ])('%s → undefined', (_, id) => {
    expect(parseTaskGroupId(id)).toBeUndefined();
  });
});

describe('taskId / parseTaskId', () => {
  it.each<[TaskIdParts, string]>([
    [{ ...GROUP, containerIndex: 0 }, '1527839061316356269.0.0.app-test.defaultGroup.10001'],
    [{ ...GROUP, index: 3, containerIndex: 1 }, '1527839061316356269.1.3.app-test.defaultGroup.10001'],
    [
      { ...GROUP, containerIndex: 2, cluster: 'bcs.sz' },
      '1527839061316356269.2.0.app-test.defaultGroup.bcs.sz',
    ],
  ])('%j ⇄ %s', (parts, id) => {
    expect(taskId(parts)).toBe(id);
    expect(parseTaskId(id)).toEqual(parts);
  });

  it.each([
    ['too few fields', '1527839061316356269.0.0.app-test.defaultGroup'],
    ['container index not a number', '1527839061316356269.a.0.app-test.defaultGroup.10001'],
    ['index not a number', '1527839061316356269.0.b.app-test.defaultGroup.10001'],
    ['nanos not a number', 'n.0.0.app-test.defaultGroup.10001'],
    ['empty namespace', '1527839061316356269.0.0.app-test..10001'],
  ])('%s → undefined', (_, id) => {
    expect(parseTaskId(id)).toBeUndefined();
  });
});

describe('taskGroupIdOfTask', () => {
  it.each<[string, string | undefined]>([
    [
      '1527839061316356269.1.0.app-test.defaultGroup.10001',
      '0.app-test.defaultGroup.10001.1527839061316356269',
    ],
    ['1527839061316356269.0.7.web.prod.Unnamed', '7.web.prod.Unnamed.1527839061316356269'],
    [
      '1527839061316356269.0.0.app-test.defaultGroup.bcs.sz',
      '0.app-test.defaultGroup.bcs.sz.1527839061316356269',
    ],
    ['0.app-test.defaultGroup.10001.1527839061316356269', undefined],
    ['nonsense', undefined],
  ])('%s → %s', (id, expected) => {
    expect(taskGroupIdOfTask(id)).toBe(expected);
  });

  it('is the id of the taskgroup the task was made with', () => {
    const task = taskId({ ...GROUP, index: 4, containerIndex: 1 });
    expect(taskGroupIdOfTask(task)).toBe(taskGroupId({ ...GROUP, index: 4 }));
  });
});

describe('names', () => {
  it.each<[string, string, string]>([
    [
      NANOS,
      '1527839061316356269.0.0.app-test.defaultGroup.10001',
      `${NANOS}-${NANOS}.0.0.app-test.defaultGroup.10001`,
    ],
    ['15', '15.0.0.a.ns.c', '15-15.0.0.a.ns.c'],
  ])('taskName(%s, %s) → %s', (nanos, id, name) => {
    expect(taskName(nanos, id)).toBe(name);
  });

  it.each<[string, number, string]>([
    ['app-test', 0, 'app-test-0'],
    ['app-test', 1, 'app-test-1'],
  ])('taskGroupName(%s, %d) → %s', (app, index, name) => {
    expect(taskGroupName(app, index)).toBe(name);
  });
});
