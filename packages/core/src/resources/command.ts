import {
  type CommandDefinition,
  type CommandTargetKind,
  DEFAULT_COMMAND_RESERVE_MINUTES,
} from '../validation/command.js';

export type { CommandDefinition, CommandTargetKind, CommandUrlKind } from '../validation/command.js';

/**
 * Minutes a command record is kept: `reserveTime`, or the 7-day default (10 080) when it is 0, which is what
 * the original stored for "not given" (spec/api-v4.md getCommand, spec/bcs-behaviour.md §8.5).
 *
 * Examples: 60 → 60; 0 → 10 080; 10 080 → 10 080.
 */
export function commandReserveMinutes(spec: Pick<CommandDefinition['spec'], 'reserveTime'>): number {
  return spec.reserveTime > 0 ? spec.reserveTime : DEFAULT_COMMAND_RESERVE_MINUTES;
}

/**
 * When a command record may be deleted, in epoch milliseconds: creation time plus
 * {@link commandReserveMinutes}. Example: created at 0 with `reserveTime` 60 → 3 600 000.
 */
export function commandExpiresAt(
  createdAtMs: number,
  spec: Pick<CommandDefinition['spec'], 'reserveTime'>,
): number {
  return createdAtMs + commandReserveMinutes(spec) * 60_000;
}

/**
 * A command's id as the original formats it (spec/bcs-behaviour.md §8.5): `Application-<ns>-<name>-<nanos>`
 * or, all lowercase, `deployment-<ns>-<name>-<nanos>`. Kept for clients that match the document's ids; it is
 * only ever looked up whole (`?id=`), never parsed, since names may contain `-`.
 *
 * Examples: (`Application`, `test`, `testapp`, `1547437542873435715`) →
 * `Application-test-testapp-1547437542873435715`; (`Deployment`, `ns`, `web`, `1`) → `deployment-ns-web-1`.
 */
export function commandId(kind: CommandTargetKind, namespace: string, name: string, nanos: string): string {
  const prefix = kind === 'Application' ? 'Application' : 'deployment';
  return `${prefix}-${namespace}-${name}-${nanos}`;
}

/**
 * A task's state in a command record, spelt as the original (`TaskCommandStatus`, bcs-common/common/types/
 * command.go) where it has one:
 *
 * | state            | string    | meaning                                                                       |
 * | ---------------- | --------- | ----------------------------------------------------------------------------- |
 * | not sent         | `staging` | the record exists, the MESSAGE is not sent yet                                |
 * | sent / running   | `running` | the MESSAGE was accepted by the master ("command in running"); the BCS        |
 * |                  |           | executor sends no start acknowledgement, so "sent" and "running" are one state |
 * | finished         | `finish`  | the executor answered; `commInspect` holds the exit code and output (a        |
 * |                  |           | non-zero exit code is still `finish`, as the original)                        |
 * | failed           | `failed`  | not sent (task not Running, call refused), the executor answered `failed`, or |
 * |                  |           | the taskgroup ended before an answer                                          |
 * | timed out        | `timeout` | ours: no answer before the command's `timeoutAt`                              |
 */
export type CommandTaskStatus = 'staging' | 'running' | 'finish' | 'failed' | 'timeout';

/** A command as a whole: `running` while a task is `staging`/`running`, then `finish` (all) or `failed`. */
export type CommandOverallStatus = 'running' | 'finish' | 'failed';

/** `CommandInspectInfo`: what the executor reported. Output is bounded ({@link boundOutput}). */
export interface CommandInspect {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `TaskCommandInfo` plus our times. */
export interface TaskCommandInfo {
  readonly taskId: string;
  readonly status: CommandTaskStatus;
  readonly message: string;
  /** Meaningful in `finish` and `failed` (null until the executor answered). */
  readonly commInspect: CommandInspect | null;
  /** Ours: epoch ms the MESSAGE was sent. */
  readonly sentAt?: number;
  /** Ours: epoch ms it reached `finish`, `failed` or `timeout`. */
  readonly completedAt?: number;
}

/** `TaskgroupCommandInfo`. */
export interface TaskgroupCommandInfo {
  readonly taskgroupId: string;
  readonly tasks: readonly TaskCommandInfo[];
}

/**
 * `BcsCommandSpec` as the original stores it: every field present (`taskgroups` and `env` null when not
 * given), `commandTargetRef` with `kind`, `name`, `namespace` (and `image` only when given).
 */
export interface CommandSpecRecord {
  readonly commandTargetRef: {
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly image?: string;
  };
  readonly taskgroups: readonly string[] | null;
  readonly command: readonly string[];
  readonly env: readonly string[] | null;
  readonly user: string;
  readonly workingDir: string;
  readonly privileged: boolean;
  readonly reserveTime: number;
}

/**
 * A command record (`BcsCommandInfo`, spec/api-v4.md getCommand): `{id, createTime (unix s), spec,
 * status{taskgroups[{taskgroupId, tasks[{taskId, status, message, commInspect}]}]}}`, stored and answered in
 * this shape, plus our fields (epoch ms): `createdAt`, `timeoutAt` (tasks still `staging`/`running` then
 * become `timeout`), `expiresAt` (housekeeping deletes the record then: `reserveTime` is enforced, unlike the
 * original), and per task `sentAt`/`completedAt`. An image commit is a record of the same shape with
 * `commit` set and an empty `spec.command` (see `CommandTracker`). Key: the id, in collection `command`.
 */
export interface CommandRecord {
  readonly id: string;
  readonly createTime: number;
  readonly spec: CommandSpecRecord;
  readonly status: { readonly taskgroups: readonly TaskgroupCommandInfo[] };
  readonly createdAt: number;
  readonly timeoutAt: number;
  readonly expiresAt: number;
  /** Set on image-commit records: the image committed from and the image committed to, and the message id sent. */
  readonly commit?: { readonly image: string; readonly url: string; readonly messageId: number };
}

/** The store collection of command records. */
export const COMMAND_COLLECTION = 'command';

/** Whether a task state is final (`finish`, `failed`, `timeout`). */
export function isFinalTaskStatus(status: CommandTaskStatus): boolean {
  return status === 'finish' || status === 'failed' || status === 'timeout';
}

/**
 * The command's overall status. Examples: [running, finish] → running; [finish, finish] → finish;
 * [finish, timeout] → failed; [] → finish.
 */
export function overallCommandStatus(record: Pick<CommandRecord, 'status'>): CommandOverallStatus {
  let failed = false;
  for (const group of record.status.taskgroups) {
    for (const task of group.tasks) {
      if (!isFinalTaskStatus(task.status)) return 'running';
      if (task.status !== 'finish') failed = true;
    }
  }
  return failed ? 'failed' : 'finish';
}

/**
 * Cuts `text` to at most `limit` UTF-8 bytes, marking the cut: the kept head, then
 * `\n…[truncated: N bytes in all]`. Text within the limit is returned as it is.
 *
 * Examples: ('abc', 10) → 'abc'; ('a'.repeat(20), 10) → 'aaaaaaaaaa\n…[truncated: 20 bytes in all]'.
 */
export function boundOutput(text: string, limit: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= limit) return text;
  // Cut on a byte boundary, then drop a partial multi-byte character at the end.
  const head = Buffer.from(text, 'utf8')
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${head}\n…[truncated: ${bytes} bytes in all]`;
}

/** A task change {@link updateTask} made: the task's state before and after. */
export interface TaskTransition {
  readonly taskgroupId: string;
  readonly taskId: string;
  readonly from: CommandTaskStatus;
  readonly to: CommandTaskStatus;
  readonly message: string;
}

/**
 * `record` with the task `taskId` (of taskgroup `taskgroupId`, or any taskgroup when undefined) changed by
 * `change`, when that task exists and is not final yet (a final state never changes: a late or repeated answer
 * is ignored). Returns undefined when nothing changed.
 */
export function updateTask(
  record: CommandRecord,
  taskgroupId: string | undefined,
  taskId: string,
  change: (task: TaskCommandInfo) => TaskCommandInfo,
): { record: CommandRecord; transition: TaskTransition } | undefined {
  const groups = record.status.taskgroups;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    if (taskgroupId !== undefined && group.taskgroupId !== taskgroupId) continue;
    const index = group.tasks.findIndex((task) => task.taskId === taskId);
    if (index < 0) continue;
    const task = group.tasks[index]!;
    if (isFinalTaskStatus(task.status)) return undefined;
    const next = change(task);
    if (next.status === task.status && next.message === task.message) return undefined;
    const tasks = group.tasks.with(index, next);
    const taskgroups = groups.with(g, { ...group, tasks });
    return {
      record: { ...record, status: { taskgroups } },
      transition: {
        taskgroupId: group.taskgroupId,
        taskId,
        from: task.status,
        to: next.status,
        message: next.message,
      },
    };
  }
  return undefined;
}
