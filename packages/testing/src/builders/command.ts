import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A command body as a client sends it (loose JSON). */
export type CommandBody = JsonObject;

/** spec/api-v4.md sendCommand, the curl example's body, verbatim. */
const EXAMPLE: CommandBody = {
  apiVersion: 'v4',
  kind: 'Command',
  spec: {
    commandTargetRef: {
      kind: 'Application',
      namespace: 'test',
      name: 'testapp',
    },
    command: ['ps -aux'],
  },
};

/**
 * A fresh copy of the API document's sendCommand body (`ps -aux` in application `test/testapp`; post it to
 * `/command/application/test/testapp`) with `overrides` deep-merged.
 */
export function aCommand(overrides?: DeepPartial<CommandBody>): CommandBody {
  return deepMerge(EXAMPLE, overrides);
}

/**
 * spec/api-v4.md getCommand, the example response's `data`, as printed — except that the document leaves
 * `stdout` and `stderr` without a value (`"stdout": ,`) and gives `status` and `kind` as alternatives
 * (`"staging|running|finish|failed"`): here they are strings, which is what the original's Go types
 * (`CommandInspectInfo`, `TaskCommandStatus`) make them.
 */
export const COMMAND_RECORD_EXAMPLE = {
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
export const COMMAND_RECORD_ADDITIONS: Readonly<Record<string, readonly string[]>> = {
  '': ['createdAt', 'expiresAt', 'timeoutAt'],
  'status.taskgroups[].tasks[]': ['completedAt', 'sentAt'],
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Differences between the shapes of `expected` and `actual`: a key missing, a key added (unless listed in
 * {@link COMMAND_RECORD_ADDITIONS}), or a value of another JSON type (null matches null only). Arrays compare their first items.
 */
export function commandRecordShapeDifferences(expected: Json, actual: Json, path = ''): string[] {
  const typeOf = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (typeOf(expected) !== typeOf(actual))
    return [`${path || '(root)'}: ${typeOf(expected)} ≠ ${typeOf(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length === 0 || actual.length === 0) return [];
    return commandRecordShapeDifferences(expected[0]!, actual[0]!, `${path}[]`);
  }
  if (typeOf(expected) !== 'object') return [];
  const e = expected as Record<string, Json>;
  const a = actual as Record<string, Json>;
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${path}.${key}: missing`);
    else out.push(...commandRecordShapeDifferences(e[key]!, a[key]!, path === '' ? key : `${path}.${key}`));
  }
  const added = COMMAND_RECORD_ADDITIONS[path] ?? [];
  for (const key of Object.keys(a)) {
    if (!(key in e) && !added.includes(key)) out.push(`${path}.${key}: not in the document`);
  }
  return out;
}
