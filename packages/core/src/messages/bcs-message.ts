import type { MessageBody } from '../ports/mesos-driver.js';

/**
 * The BCS executor protocol (spec/bcs-behaviour.md §8.1): what the scheduler and the BCS (custom) executor say
 * to each other in Mesos framework MESSAGEs. Field names and numeric types are the original's
 * (bcs-common/pkg/scheduler/schetypes/message.go, Go's JSON encoding of `BcsMessage`, which has no JSON tags:
 * the Go field names are the keys).
 *
 * Encoding, as the original does it:
 * - **scheduler → executor** (`message.go` `SendMessage`): the call's `data` bytes are the ASCII base64 of
 *   `JSON(BcsMessage)`; the executor base64-decodes them (`bcs-container-executor/executor/executor.go`
 *   `frameworkMessage`) and parses the JSON. In a Mesos call in JSON (our `MessageBody.data`, a proto3 `bytes`
 *   field), those bytes travel base64 again: `data = base64(base64(JSON))`.
 * - **executor → scheduler** (`SendFrameworkMessage`): the bytes are the plain JSON; the scheduler parses them
 *   (`scheduler.go`, `Event_MESSAGE`). In a JSON event, `data = base64(JSON)`.
 */

/** Message types (`Msg_Type`), numeric as on the wire. */
export const MsgType = {
  LOCALFILE: 1,
  SIGNAL: 2,
  ENV: 3,
  REMOTE: 4,
  SECRET: 5,
  TASK_STATUS_QUERY: 6,
  ENV_REMOTE: 7,
  UPDATE_TASK: 8,
  COMMIT_TASK: 9,
  RELOAD_TASK: 10,
  RESTART_TASK: 11,
  REQ_COMMAND_TASK: 12,
  RES_COMMAND_TASK: 13,
  TASK_STATUS_UPDATE: 14,
} as const;

export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/** `MsgStatus_type`: a message's state as the executor records it. */
export type BcsMessageStatus = 'staging' | 'success' | 'failed';

/** `Msg_LocalFile`: write `Base64` (decoded) to `To` in the containers. */
export interface MsgLocalFile {
  readonly To: string;
  readonly Right: string;
  readonly User: string;
  readonly Base64: string;
}

/** `Msg_Remote`: download `From` to `To` in the containers. */
export interface MsgRemote {
  readonly To: string;
  readonly Right: string;
  readonly User: string;
  readonly From: string;
  readonly Type?: string;
  readonly RemoteUser?: string;
  readonly RemotePasswd?: string;
}

/** `Msg_Signal`: the executor runs `/bin/sh -c "killall -<Signal> <ProcessName>"` in every container. */
export interface MsgSignal {
  readonly Signal: number;
  readonly ProcessName: string;
}

/** `Msg_Env` (the original executor refuses it on a running container). */
export interface MsgEnv {
  readonly Name: string;
  readonly Value: string;
}

/** `CommitTask`: commit the container of `TaskId` as image `Image`. */
export interface CommitTask {
  readonly TaskId: string;
  readonly Image: string;
}

/** `RequestCommandTask`: run `Cmd` in the container of `TaskId`; `ID` is the command id. */
export interface RequestCommandTask {
  readonly ID: string;
  readonly TaskId: string;
  readonly ContainerId: string;
  readonly Env: readonly string[] | null;
  readonly Cmd: readonly string[] | null;
  readonly User: string;
  readonly WorkingDir: string;
  readonly Privileged: boolean;
}

/** `ResponseCommandTask`: the executor's answer to a {@link RequestCommandTask}. */
export interface ResponseCommandTask {
  readonly ID: string;
  readonly TaskId: string;
  readonly ContainerId?: string;
  /** `finish` or `failed` (the original's `TaskCommandStatus`). */
  readonly Status: string;
  readonly Message?: string;
  readonly CommInspect?: {
    readonly exitCode?: number;
    readonly stdout?: string;
    readonly stderr?: string;
  } | null;
}

/** `BcsMessage`: one message of either direction. Exactly one payload field is set, per `Type`. */
export interface BcsMessage {
  /** The original stamps unix seconds; treated as opaque by the executor. */
  readonly Id: number;
  readonly Type: number;
  readonly TaskGroupId: string;
  readonly TaskID: { readonly value: string } | null;
  readonly Local?: MsgLocalFile;
  readonly Sig?: MsgSignal;
  readonly Env?: MsgEnv;
  readonly Remote?: MsgRemote;
  readonly CommitTask?: { readonly Tasks: readonly CommitTask[] };
  readonly RequestCommandTask?: RequestCommandTask;
  readonly ResponseCommandTask?: ResponseCommandTask;
  /** Base64 (Go `[]byte`): a `BcsContainerInfo` on TASK_STATUS_UPDATE. */
  readonly TaskStatus?: string;
  readonly Status: BcsMessageStatus | '';
  readonly Message: string;
  readonly CompleteTime: number;
  readonly CreateTime: number;
  /** Other payloads (UPDATE_TASK, SECRET, …) pass through untouched. */
  readonly [payload: string]: unknown;
}

/** The payload part of a message to send: its type and payload field (the rest is stamped by {@link stampMessage}). */
export type OutgoingPayload = { readonly Type: MsgType } & Partial<
  Pick<BcsMessage, 'Local' | 'Sig' | 'Env' | 'Remote' | 'CommitTask' | 'RequestCommandTask'>
> &
  Readonly<Record<string, unknown>>;

/**
 * The message the original's `SendBcsMessage` builds: `Id` and `CreateTime` = `nowMs` in unix seconds,
 * `Status` `staging`, `TaskGroupId` = the target, `TaskID` null (the original never sets it: the executor then
 * acts on every container). Example: (`{Type: 2, Sig: {…}}`, `0.web.ns.10001.1`, 1 547 437 542 000) →
 * `{Id: 1547437542, Type: 2, TaskGroupId: '0.web.ns.10001.1', TaskID: null, Sig: {…}, Status: 'staging',
 * Message: '', CompleteTime: 0, CreateTime: 1547437542}`.
 */
export function stampMessage(payload: OutgoingPayload, taskGroupId: string, nowMs: number): BcsMessage {
  const seconds = Math.floor(nowMs / 1000);
  const { Type, ...rest } = payload;
  return {
    Id: seconds,
    Type,
    TaskGroupId: taskGroupId,
    TaskID: null,
    ...rest,
    Status: 'staging',
    Message: '',
    CompleteTime: 0,
    CreateTime: seconds,
  };
}

/**
 * The MESSAGE call body that delivers `message` to the executor of taskgroup `taskGroupId` on `agentId`:
 * `data = base64(base64(JSON))` (see the module comment).
 */
export function messageCallBody(agentId: string, taskGroupId: string, message: BcsMessage): MessageBody {
  const bytes = Buffer.from(JSON.stringify(message)).toString('base64');
  return {
    agent_id: { value: agentId },
    executor_id: { value: taskGroupId },
    data: Buffer.from(bytes).toString('base64'),
  };
}

/**
 * Reads what an executor sent (a MESSAGE event's `data`: base64 of the plain JSON). Returns `undefined` for
 * anything that is not a JSON object with a numeric `Type` (logged by the caller, never thrown: an executor must
 * not be able to stop the scheduler).
 */
export function decodeExecutorMessage(data: string): BcsMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (typeof (parsed as { Type?: unknown }).Type !== 'number') return undefined;
  return parsed as BcsMessage;
}

/**
 * Reads what the scheduler sent (a MESSAGE call's `data`), the executor's way: base64, then base64 again, then
 * JSON. For tests and simulators; `undefined` when it does not decode.
 */
export function decodeSchedulerMessage(data: string): BcsMessage | undefined {
  const inner = Buffer.from(data, 'base64').toString('ascii');
  return decodeExecutorMessage(inner);
}
