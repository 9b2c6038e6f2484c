import type { TaskGroup, Version } from '@bcs/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { success } from '../../src/envelope.js';
import { TaskGroupsAnswers, toBcsTaskGroup } from '../../src/mappers/index.js';
import { aTaskGroup, aVersion, type Overrides } from './fixtures.js';

const expected = (taskGroups: readonly TaskGroup[], version: Version | undefined) =>
  JSON.stringify(success(taskGroups.map((tg) => toBcsTaskGroup(tg, version))));

const group = (index: number, overrides: Overrides<TaskGroup> = {}) =>
  aTaskGroup({
    index,
    name: `app-test-${index}`,
    id: `${index}.app-test.defaultGroup.10001.1`,
    ...overrides,
  });

describe('TaskGroupsAnswers', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['no taskgroup', [], aVersion()],
    [
      'taskgroups with their version',
      [group(0), group(1, { status: 'Staging', agentId: undefined })],
      aVersion(),
    ],
    ['taskgroups without a version', [group(0)], undefined],
  ])(
    'answers exactly the JSON of the success envelope of the mapped taskgroups: %s',
    (_name, tgs, version) => {
      const answer = new TaskGroupsAnswers().answer('defaultGroup/app-test', tgs, version);
      expect(answer.toString('utf8')).toBe(expected(tgs, version));
    },
  );

  it('answers the same bytes while nothing changed, and re-serialises only the taskgroups that did', () => {
    const answers = new TaskGroupsAnswers();
    const version = aVersion();
    const tgs = [group(0), group(1), group(2)];
    const first = answers.answer('ns/app', tgs, version);
    expect(answers.answer('ns/app', [...tgs], version)).toBe(first);

    const changed = [tgs[0]!, group(1, { status: 'Failed', message: 'exited' }), tgs[2]!];
    const stringify = vi.spyOn(JSON, 'stringify');
    const second = answers.answer('ns/app', changed, version);
    expect(stringify).toHaveBeenCalledTimes(1);
    stringify.mockRestore();
    expect(second.toString('utf8')).toBe(expected(changed, version));
    expect(JSON.parse(second.toString('utf8')).data[1].Status).toBe('Failed');

    // A new version maps every taskgroup again; fewer taskgroups (a scale down) is another answer too.
    const next = { ...version, labels: { tier: 'web' } } as Version;
    expect(answers.answer('ns/app', changed, next).toString('utf8')).toBe(expected(changed, next));
    expect(answers.answer('ns/app', changed.slice(0, 1), next).toString('utf8')).toBe(
      expected(changed.slice(0, 1), next),
    );
  });

  it('keeps each application apart', () => {
    const answers = new TaskGroupsAnswers();
    const version = aVersion();
    const a = answers.answer('ns/a', [group(0)], version);
    const b = answers.answer('ns/b', [group(0), group(1)], version);
    expect(JSON.parse(a.toString()).data).toHaveLength(1);
    expect(JSON.parse(b.toString()).data).toHaveLength(2);
  });

  it('holds at most maxBytes, dropping the least recently used application first', () => {
    const version = aVersion();
    const tgs = [group(0), group(1)];
    const one = new TaskGroupsAnswers().answer('x', tgs, version).length;
    // Room for about two answers (each holds its body and its parts, about three times the body).
    const answers = new TaskGroupsAnswers(7 * one);
    const a = answers.answer('ns/a', tgs, version);
    const b0 = answers.answer('ns/b', tgs, version);
    expect(answers.answer('ns/a', tgs, version)).toBe(a); // a is now the most recently used
    answers.answer('ns/c', tgs, version);
    expect(answers.size).toBeLessThanOrEqual(7 * one);
    expect(answers.answer('ns/a', tgs, version)).toBe(a);
    // b was dropped: its answer is built again, with the same text.
    const b = answers.answer('ns/b', tgs, version);
    expect(b).not.toBe(b0);
    expect(b.toString()).toBe(expected(tgs, version));
    expect(answers.size).toBeLessThanOrEqual(7 * one);
  });
});
