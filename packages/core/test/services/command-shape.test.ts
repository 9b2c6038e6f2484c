import { afterEach, describe, expect, it } from 'vitest';
import {
  type CommandBed,
  commandAnswer,
  commandBody,
  createCommandBed,
  runningApp,
} from './command-helpers.js';

/**
 * spec/api-v4.md getCommand, the example response's `data`, as printed — except that the document leaves
 * `stdout` and `stderr` without a value (`"stdout": ,`) and gives `status` and `kind` as alternatives
 * (`"staging|running|finish|failed"`): here they are strings, which is what the original's Go types
 * (`CommandInspectInfo`, `TaskCommandStatus`) make them.
 */
export const DOCUMENT_EXAMPLE = {
  id: 'Application-test-testapp-1547437542873435715',
  createTime: 1547437542,
  spec: {
    commandTargetRef: { kind: 'Application|Deployment', name: 'testapp', namespace: 'test' },
    taskgroups: null,
    command: ['ps'],
    env: null,
    user: '',
    workingDir: '',
    privileged: false,
    reserveTime: 0,
  },
  status: {
    taskgroups: [
      {
        taskgroupId: '0.testapp.test.10001.1547025443000246455',
        tasks: [
          {
            taskId: '1547025443000246455.0.0.testapp.test.10001',
            status: 'staging|running|finish|failed',
            message: 'command in running',
            commInspect: { exitCode: 0, stdout: '', stderr: '' },
          },
        ],
      },
    ],
  },
};

/** Our additions to the original's record, documented in core's README (epoch ms). */
const ADDED = {
  '': ['createdAt', 'expiresAt', 'timeoutAt'],
  'status.taskgroups[].tasks[]': ['completedAt', 'sentAt'],
} as Record<string, string[]>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Differences between the shapes of `expected` and `actual`: a key missing, a key added (unless listed in
 * {@link ADDED}), or a value of another JSON type (null matches null only). Arrays compare their first items.
 */
function shapeDifferences(expected: Json, actual: Json, path = ''): string[] {
  const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (typeOf(expected) !== typeOf(actual))
    return [`${path || '(root)'}: ${typeOf(expected)} ≠ ${typeOf(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length === 0 || actual.length === 0) return [];
    return shapeDifferences(expected[0]!, actual[0]!, `${path}[]`);
  }
  if (typeOf(expected) !== 'object') return [];
  const e = expected as Record<string, Json>;
  const a = actual as Record<string, Json>;
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${path}.${key}: missing`);
    else out.push(...shapeDifferences(e[key]!, a[key]!, path === '' ? key : `${path}.${key}`));
  }
  const added = ADDED[path] ?? [];
  for (const key of Object.keys(a)) {
    if (!(key in e) && !added.includes(key)) out.push(`${path}.${key}: not in the document`);
  }
  return out;
}

let bed: CommandBed;
afterEach(async () => {
  await bed?.close();
});

describe('the command record', () => {
  it("has the document's example response shape, field for field, plus the documented additions", async () => {
    bed = await createCommandBed();
    const [tg] = await runningApp(bed, 1);
    // The document's sendCommand body (for this test's application).
    const record = await bed.scheduler.commands.send(
      'application',
      'test',
      'web',
      commandBody('web', { reserveTime: 0 }, ['ps']),
    );
    bed.driver.answer(tg!.id, tg!.agentId!, commandAnswer(record.id, tg!.tasks[0]!.id, { stdout: 'PID\n' }));
    await bed.settle();
    const answered = JSON.parse(
      JSON.stringify(bed.scheduler.commands.get('application', 'test', 'web', record.id)),
    );
    expect(shapeDifferences(DOCUMENT_EXAMPLE as Json, answered)).toEqual([]);
    // Every documented addition is there.
    expect(
      Object.keys(answered)
        .filter((k) => !(k in DOCUMENT_EXAMPLE))
        .sort(),
    ).toEqual(ADDED['']);
    expect(answered.spec).toEqual({
      ...DOCUMENT_EXAMPLE.spec,
      commandTargetRef: { kind: 'Application', name: 'web', namespace: 'test' },
    });
  });

  it('is not the shape when a field is missing or of another type (the comparison can fail)', () => {
    const broken = JSON.parse(JSON.stringify(DOCUMENT_EXAMPLE));
    delete broken.status.taskgroups[0].tasks[0].commInspect;
    broken.createTime = '1547437542';
    broken.extra = 1;
    expect(shapeDifferences(DOCUMENT_EXAMPLE as Json, broken).sort()).toEqual([
      '.extra: not in the document',
      'createTime: number ≠ string',
      'status.taskgroups[].tasks[].commInspect: missing',
    ]);
  });
});
