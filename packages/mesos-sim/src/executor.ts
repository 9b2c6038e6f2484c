import { createHash } from 'node:crypto';
import { type MesosTaskState, type MesosTaskStatus, TERMINAL_TASK_STATES } from '@bcs/core';
import {
  bcsMessage,
  decodeSchedulerMessage,
  encodeBcsMessage,
  encodeContainerInfo,
  type GoValue,
  isStdBase64,
  MsgType,
} from './bcs-message.js';
import type { SimContext } from './context.js';
import { tasksOf } from './groups.js';
import type { SimGroup, SimTask } from './model.js';
import { enqueueUpdate, executorStatus } from './status-updates.js';
import type { SimMessage } from './types.js';

/**
 * The emulated BCS executor (bk-bcs `bcs-container-executor`): what a taskgroup launched with the CUSTOM executor
 * does with the scheduler's MESSAGEs, and the MESSAGE events it answers with. /work/briefs/s5-executor-wire.md
 * (and the package README) describes the original's wire; in short:
 *
 * - In: `data` = base64 (proto3 JSON of the bytes) of the ASCII base64 of `JSON(BcsMessage)`.
 * - Req_COMMAND_TASK (12) → one MESSAGE `Res_COMMAND_TASK` (13) with `ResponseCommandTask`.
 * - Any other type → per task of the group, a MESSAGE `TASK_STATUS_UPDATE` (14) whose `TaskStatus` is the
 *   container info carrying the received message with `Status` `success` or `failed`.
 * - Out: `data` = base64 of the plain JSON (one layer).
 *
 * DEFAULT-executor groups ignore MESSAGEs (Mesos' default executor does), and so does a CUSTOM group that is not
 * running (every task TASK_RUNNING). Replies wait on the cluster's clock and go to the subscribed framework;
 * with none subscribed they are lost, as framework messages are. Programs, pending replies and the received-
 * message log live in memory only: a cluster reloaded from its store starts without them. The log keeps the
 * newest {@link EXECUTOR_MESSAGE_LOG_LIMIT} messages (or the cluster's `executorMessageLimit`).
 */

/** How the emulated executor answers a Req_COMMAND_TASK. */
export interface ExecutorCommandScript {
  /** Default 0. */
  readonly exitCode?: number;
  /** Default: the command's words joined by ' ' plus '\n'. Cut to 256 bytes, as the original does. */
  readonly stdout?: string;
  /** Default ''. Cut to 256 bytes. */
  readonly stderr?: string;
  /** Simulated ms before the reply (the cluster's clock); default 0. */
  readonly delayMs?: number;
  /** Never reply. */
  readonly silent?: boolean;
}

/** What an emulated executor does with the messages it receives. */
export interface ExecutorProgram {
  readonly command?: ExecutorCommandScript;
  /**
   * How COMMIT_TASK and the other types answered with TASK_STATUS_UPDATE are answered: `ok: false` reports
   * `failed` with `message` for LOCALFILE, SIGNAL, REMOTE, UPDATE_TASK and COMMIT_TASK (the types whose work can
   * fail); `delayMs` and `silent` apply to every such type.
   */
  readonly commit?: {
    readonly ok?: boolean;
    readonly message?: string;
    readonly delayMs?: number;
    readonly silent?: boolean;
  };
  /** The taskgroup's tasks end (this state) when a Req_COMMAND_TASK arrives, before any reply. */
  readonly endOnCommand?: 'TASK_FAILED' | 'TASK_KILLED' | 'TASK_FINISHED';
}

/** A message an emulated executor received, decoded (`type` 0 and `body` undefined when undecodable). */
export interface ExecutorMessageRecord {
  readonly agentId: string;
  readonly executorId: string;
  readonly type: number;
  /** The `BcsMessage` as Go re-encodes it after decoding (Go field names, zero values filled in). */
  readonly body: unknown;
  /** Clock time of delivery (ms). */
  readonly at: number;
}

const END_STATES = new Set(['TASK_FAILED', 'TASK_KILLED', 'TASK_FINISHED']);
/** The original cuts stdout and stderr to their first 256 bytes (container/docker.go). */
const OUTPUT_LIMIT = 256;
const DEFAULT_FAILURE = 'simulated failure';
/** Go's zero `time.Time`. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The problem with `program` as `<field>: <rule>`, or `undefined` when it is a valid {@link ExecutorProgram}.
 * Shared by `SimulatedCluster.programExecutor` and `POST /admin/executor`.
 */
export function checkExecutorProgram(program: unknown): string | undefined {
  if (!isRecord(program)) return 'program: expecting an object';
  const unknown = Object.keys(program).find((k) => !['command', 'commit', 'endOnCommand'].includes(k));
  if (unknown !== undefined) return `program.${unknown}: unknown field`;
  const { command, commit, endOnCommand } = program;
  if (command !== undefined) {
    if (!isRecord(command)) return 'program.command: expecting an object';
    const problem =
      only(command, 'program.command', ['exitCode', 'stdout', 'stderr', 'delayMs', 'silent']) ??
      optional(command, 'exitCode', 'program.command', (v) => Number.isSafeInteger(v), 'an integer') ??
      optional(command, 'stdout', 'program.command', isString, 'a string') ??
      optional(command, 'stderr', 'program.command', isString, 'a string') ??
      optional(command, 'delayMs', 'program.command', isDelay, 'a finite number ≥ 0') ??
      optional(command, 'silent', 'program.command', isBoolean, 'a boolean');
    if (problem !== undefined) return problem;
  }
  if (commit !== undefined) {
    if (!isRecord(commit)) return 'program.commit: expecting an object';
    const problem =
      only(commit, 'program.commit', ['ok', 'message', 'delayMs', 'silent']) ??
      optional(commit, 'ok', 'program.commit', isBoolean, 'a boolean') ??
      optional(commit, 'message', 'program.commit', isString, 'a string') ??
      optional(commit, 'delayMs', 'program.commit', isDelay, 'a finite number ≥ 0') ??
      optional(commit, 'silent', 'program.commit', isBoolean, 'a boolean');
    if (problem !== undefined) return problem;
  }
  if (endOnCommand !== undefined && !(typeof endOnCommand === 'string' && END_STATES.has(endOnCommand)))
    return 'program.endOnCommand: expecting TASK_FAILED, TASK_KILLED or TASK_FINISHED';
  return undefined;
}

/** Default of the most received messages the emulated executors keep (the newest; older ones are dropped). */
export const EXECUTOR_MESSAGE_LOG_LIMIT = 10_000;

/** The emulated BCS executors of one cluster. */
export class EmulatedExecutors {
  readonly #ctx: SimContext;
  readonly #programs = new Map<string, ExecutorProgram>();
  /** The newest `#limit` received messages, a ring: the oldest at `#head` once full. */
  readonly #log: ExecutorMessageRecord[] = [];
  readonly #limit: number;
  #head = 0;

  constructor(ctx: SimContext, limit: number = EXECUTOR_MESSAGE_LOG_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('SimulatedCluster: executorMessageLimit must be an integer ≥ 1');
    this.#ctx = ctx;
    this.#limit = limit;
  }

  /** Sets (or with `undefined` clears) the program of executor `target`, or of every executor for `'*'`. */
  program(target: string, program: ExecutorProgram | undefined): void {
    if (typeof target !== 'string' || target === '')
      throw new RangeError('target: expecting a non-empty string');
    if (program === undefined) {
      this.#programs.delete(target);
      return;
    }
    const problem = checkExecutorProgram(program);
    if (problem !== undefined) throw new RangeError(problem);
    this.#programs.set(target, structuredClone(program));
  }

  /** The newest messages (at most the limit) a CUSTOM executor received, in order. */
  messages(): readonly ExecutorMessageRecord[] {
    return [...this.#log.slice(this.#head), ...this.#log.slice(0, this.#head)];
  }

  #record(entry: ExecutorMessageRecord): void {
    if (this.#log.length < this.#limit) {
      this.#log.push(entry);
      return;
    }
    this.#log[this.#head] = entry;
    this.#head = (this.#head + 1) % this.#limit;
  }

  /** A MESSAGE the master delivered to `message.executorId` on `message.agentId`. */
  receive(message: SimMessage): void {
    const group = this.#ctx.state.agents.get(message.agentId)?.groups.get(message.executorId);
    if (group === undefined || group.executor.type !== 'CUSTOM') return;
    const decoded = decodeSchedulerMessage(message.data);
    const type = typeof decoded?.Type === 'number' ? decoded.Type : 0;
    this.#record({
      agentId: message.agentId,
      executorId: message.executorId,
      type,
      body: decoded === undefined ? undefined : JSON.parse(encodeBcsMessage(decoded)),
      at: message.at,
    });
    if (decoded === undefined || !running(group)) return;
    if (decoded.Type === null || wouldPanic(decoded)) {
      this.#crash(group);
      return;
    }
    const program = this.#programs.get(group.executorId) ?? this.#programs.get('*') ?? {};
    if (type === MsgType.REQ_COMMAND_TASK)
      this.#command(group, decoded.RequestCommandTask as GoValue, program);
    else this.#handle(group, decoded, program);
  }

  /** Req_COMMAND_TASK: Res_COMMAND_TASK for the task it names, per the program (bcs_handler.go L221-250). */
  #command(group: SimGroup, request: GoValue, program: ExecutorProgram): void {
    if (program.endOnCommand !== undefined) {
      this.#end(group, program.endOnCommand);
      return;
    }
    const taskId = request.TaskId as string;
    const task = group.tasks.get(taskId);
    const response = { ID: request.ID, TaskId: taskId, ContainerId: request.ContainerId };
    if (task === undefined) {
      const message = `task ${taskId} container not found`;
      this.#reply(group, { ...response, Status: 'failed', Message: message, CommInspect: null });
      return;
    }
    const script = program.command ?? {};
    if (script.silent === true) return;
    const words = (request.Cmd as string[] | null) ?? [];
    const inspect = {
      exitCode: script.exitCode ?? 0,
      stdout: cut(script.stdout ?? `${words.join(' ')}\n`),
      stderr: cut(script.stderr ?? ''),
    };
    this.#later(script.delayMs ?? 0, () => {
      if (!this.#alive(group)) return;
      this.#reply(group, {
        ...response,
        ContainerId: containerId(group, taskId),
        Status: 'finish',
        Message: '',
        CommInspect: inspect,
      });
    });
  }

  /** Every other type: the result, reported per task as TASK_STATUS_UPDATE (bcs_executor.go L476-520, L603-678). */
  #handle(group: SimGroup, message: GoValue, program: ExecutorProgram): void {
    const commit = program.commit ?? {};
    if (commit.silent === true) return;
    const failure = outcome(group, message, commit);
    this.#later(commit.delayMs ?? 0, () => {
      if (!this.#alive(group)) return;
      const result = {
        ...message,
        Status: failure === undefined ? 'success' : 'failed',
        Message: failure ?? '',
        CompleteTime: Math.floor(this.#ctx.clock.now() / 1000),
      };
      const nanos = BigInt(Math.floor(this.#ctx.clock.now())) * 1_000_000n;
      for (const task of tasksOf(group)) {
        const info = containerInfo(this.#ctx, group, task, result);
        const report = bcsMessage({
          Id: nanos,
          Type: MsgType.TASK_STATUS_UPDATE,
          TaskID: { value: task.id },
          TaskStatus: Buffer.from(encodeContainerInfo(info)).toString('base64'),
        });
        this.#send(group, encodeBcsMessage(report));
      }
    });
  }

  /** The executor process dies (a Go panic): its tasks fail as Mesos reports an executor that terminated. */
  #crash(group: SimGroup): void {
    group.failed = true;
    for (const task of tasksOf(group)) {
      this.#fail(task, 'TASK_FAILED', {
        source: 'SOURCE_AGENT',
        reason: 'REASON_EXECUTOR_TERMINATED',
        message: 'Executor terminated',
      });
    }
  }

  /** `endOnCommand`: every task of the group ends in `state`. */
  #end(group: SimGroup, state: NonNullable<ExecutorProgram['endOnCommand']>): void {
    if (state === 'TASK_FAILED') group.failed = true;
    const message =
      state === 'TASK_FINISHED'
        ? 'Command exited with status 0'
        : state === 'TASK_FAILED'
          ? 'Command exited with status 1'
          : 'Command terminated with signal Killed';
    for (const task of tasksOf(group)) this.#fail(task, state, { message });
  }

  #fail(task: SimTask, state: MesosTaskState, extra: Partial<MesosTaskStatus>): void {
    if (TERMINAL_TASK_STATES.has(task.state)) return;
    task.next = undefined;
    enqueueUpdate(this.#ctx, task, executorStatus(this.#ctx, task, state, extra));
  }

  #reply(group: SimGroup, response: GoValue): void {
    this.#send(
      group,
      encodeBcsMessage(bcsMessage({ Type: MsgType.RES_COMMAND_TASK, ResponseCommandTask: response })),
    );
  }

  /** A MESSAGE event to the framework: `data` is base64 of the plain JSON (executor.go L498-519). */
  #send(group: SimGroup, json: string): void {
    this.#ctx.emit({
      type: 'MESSAGE',
      message: {
        agent_id: { value: group.agentId },
        executor_id: { value: group.executorId },
        data: Buffer.from(json, 'utf8').toString('base64'),
      },
    });
  }

  #later(delayMs: number, run: () => void): void {
    if (delayMs <= 0) run();
    else this.#ctx.timeline.after(delayMs, run);
  }

  /** The group is still on its agent and running. */
  #alive(group: SimGroup): boolean {
    return (
      this.#ctx.state.agents.get(group.agentId)?.groups.get(group.executorId) === group && running(group)
    );
  }
}

/** A running executor: every task of the group is TASK_RUNNING. */
function running(group: SimGroup): boolean {
  return group.tasks.size > 0 && tasksOf(group).every((task) => task.state === 'TASK_RUNNING');
}

/**
 * The nil pointers the original dereferences without a check (bcs_handler.go, bcs_executor.go L1157-1190): the
 * executor process panics on them.
 */
function wouldPanic(message: GoValue): boolean {
  const body = (name: string) => message[name] as GoValue | null;
  const missing = (value: GoValue | null, fields: readonly string[]) =>
    value === null || fields.some((field) => value[field] === null);
  switch (message.Type) {
    case MsgType.LOCALFILE:
      return missing(body('Local'), ['To', 'Base64']);
    case MsgType.REMOTE:
      return missing(body('Remote'), ['To', 'User', 'Right', 'From', 'RemoteUser']);
    case MsgType.SIGNAL:
      return missing(body('Sig'), ['Signal', 'ProcessName']);
    case MsgType.UPDATE_TASK: {
      const update = body('UpdateTaskResources');
      const items = (update?.Resources as GoValue[] | null) ?? [];
      return update === null || items.some((r) => missing(r, ['TaskId', 'Cpu', 'Mem']));
    }
    case MsgType.COMMIT_TASK: {
      const commit = body('CommitTask');
      const items = (commit?.Tasks as GoValue[] | null) ?? [];
      return commit === null || items.some((t) => missing(t, ['TaskId', 'Image']));
    }
    case MsgType.REQ_COMMAND_TASK:
      return body('RequestCommandTask') === null;
    default:
      return false;
  }
}

/** The error the original's handler returns, or `undefined` for success. */
function outcome(
  group: SimGroup,
  message: GoValue,
  commit: NonNullable<ExecutorProgram['commit']>,
): string | undefined {
  const programmed = commit.ok === false ? (commit.message ?? DEFAULT_FAILURE) : undefined;
  switch (message.Type) {
    case MsgType.ENV:
      return 'executor can not support env change when container is running';
    case MsgType.LOCALFILE: {
      const base64 = (message.Local as GoValue).Base64 as string;
      if (!isStdBase64(base64.replace(/[\r\n]/g, '')))
        return 'FrameworkMessage LocalFile copy err: illegal base64 data';
      return programmed;
    }
    case MsgType.SIGNAL:
    case MsgType.REMOTE:
      return programmed;
    case MsgType.UPDATE_TASK: {
      const items = ((message.UpdateTaskResources as GoValue).Resources as GoValue[] | null) ?? [];
      return notFound(group, items) ?? programmed;
    }
    case MsgType.COMMIT_TASK: {
      const items = ((message.CommitTask as GoValue).Tasks as GoValue[] | null) ?? [];
      return notFound(group, items) ?? programmed;
    }
    default:
      // The original's `default:` only logs; its `err` stays nil.
      return undefined;
  }
}

function notFound(group: SimGroup, items: readonly (GoValue | null)[]): string | undefined {
  const missing = items.find((item) => item !== null && !group.tasks.has(item.TaskId as string));
  return missing === undefined || missing === null ? undefined : `task ${missing.TaskId} container not found`;
}

/** The container info the executor reports (container/container.go L48-68), carrying `message`. */
function containerInfo(ctx: SimContext, group: SimGroup, task: SimTask, message: GoValue): GoValue {
  return {
    ID: containerId(group, task.id),
    Name: `bcs-container-${task.id}`,
    StartAt: ZERO_TIME,
    FinishAt: ZERO_TIME,
    Status: 'running',
    Healthy: task.healthy === true,
    // The original's executor sets it once its health check ran; the emulator once a verdict exists.
    IsChecked: task.healthy !== undefined,
    NodeAddress: ctx.state.agents.get(group.agentId)?.innerIp ?? '',
    BcsMessage: message,
  };
}

/** A docker-like container id (64 hex), stable per agent, executor and task. */
function containerId(group: SimGroup, taskId: string): string {
  return createHash('sha256').update(`${group.agentId}/${group.executorId}/${taskId}`).digest('hex');
}

/** The first 256 bytes of `text` (a cut character becomes U+FFFD). */
function cut(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= OUTPUT_LIMIT ? text : bytes.subarray(0, OUTPUT_LIMIT).toString('utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isString = (v: unknown) => typeof v === 'string';
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isDelay = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function only(value: Record<string, unknown>, path: string, keys: readonly string[]): string | undefined {
  const unknown = Object.keys(value).find((k) => !keys.includes(k));
  return unknown === undefined ? undefined : `${path}.${unknown}: unknown field`;
}

function optional(
  value: Record<string, unknown>,
  key: string,
  path: string,
  test: (v: unknown) => boolean,
  what: string,
): string | undefined {
  const v = value[key];
  return v === undefined || test(v) ? undefined : `${path}.${key}: expecting ${what}`;
}
