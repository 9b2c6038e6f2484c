import { inject, injectable } from 'tsyringe';
import { assertBcsExecutor } from '../commands/targets.js';
import { SchedulerEngine } from '../engine/engine.js';
import { requireApp } from '../engine/operations.js';
import type { ClockAndIds, EngineQueue, ExecutorChannel, StateSource } from '../engine/ports.js';
import { BcsError, ErrorCode, type Issue, isBcsError, NotFoundError, ValidationError } from '../errors.js';
import { MsgType, messageCallBody, type OutgoingPayload, stampMessage } from '../messages/bcs-message.js';
import type { TaskGroup, TaskGroupStatus } from '../resources/taskgroup.js';
import { isPlainObject } from '../validation/canonical-keys.js';

/** The message types of `POST …/message` (`msgtype`), as the original driver named them (§8.2). */
export const MESSAGE_TYPES = ['local', 'remote', 'signal', 'env-key'] as const;

/** What happened to one taskgroup: the original's `TaskGroupOpResult` (`Err` is `""` when it was sent). */
export interface TaskGroupMessageResult {
  readonly ID: string;
  readonly Status: TaskGroupStatus;
  readonly Err: string;
}

/** The answer of a message: which taskgroups it was sent to (the MESSAGE was accepted), and which it was not. */
export interface MessageResult {
  readonly sent: readonly TaskGroupMessageResult[];
  readonly failed: readonly TaskGroupMessageResult[];
}

/** Longest text field of a message body (file paths, users, process names, URLs). */
const MAX_FIELD = 4096;

/**
 * Messages and signals to the BCS executor of an application's taskgroups (spec/api-v4.md sendApplicationMessage,
 * sendTaskgroupMessage, sendapplicationSignal, sendtaskgroupSignal; spec/bcs-behaviour.md §8.2). The body is the
 * original driver's `{name, namespace, msgtype, msgdata, taskgroupid}`; only `msgtype` and `msgdata` are read
 * (the URL names the target, as in the original):
 *
 * | msgtype   | msgdata                                                   | sent as                     |
 * | --------- | --------------------------------------------------------- | --------------------------- |
 * | `signal`  | `{signal: 1–64 (required), processname (required)}`       | SIGNAL (executor: `killall -<signal> <processname>` in every container) |
 * | `local`   | `{to (required), ctx: base64 (required), user, right}`    | LOCALFILE                   |
 * | `remote`  | `{to (required), remote: URL (required), user, right}`   | REMOTE                      |
 * | `env-key` | `{"env-key" (required), "env-value"}`                     | ENV (the BCS executor refuses it on a running container) |
 *
 * Fields the original executor dereferences without a check are always sent (an absent `ProcessName` or
 * `RemoteUser` crashed it). Messages are fire-and-forget, as in the original: the answer says which
 * taskgroups the MESSAGE was delivered to, not what the executor did.
 */
@injectable()
export class MessageService {
  constructor(
    @inject(SchedulerEngine)
    private readonly engine: StateSource & EngineQueue & ExecutorChannel & ClockAndIds,
  ) {}

  /**
   * Sends the message to every taskgroup of application `namespace/name`; the ones not Running are listed as
   * failed. 404 for an unknown application; 400 (`ParameterError`) when none is Running; 409 with the DEFAULT
   * executor, or when no MESSAGE could be delivered.
   */
  async sendToApplication(namespace: string, name: string, body: unknown): Promise<MessageResult> {
    const payload = parseMessageBody(body);
    return this.engine.run(async () => {
      assertBcsExecutor(this.engine.executor, 'messages');
      const app = requireApp(this.engine, namespace, name);
      const taskGroups = [...app.taskGroups.values()].sort((a, b) => a.index - b.index);
      if (!taskGroups.some(isRunning)) {
        throw new ValidationError(
          'URL',
          [{ path: 'name', rule: 'has no Running taskgroup' }],
          ErrorCode.ParameterError,
        );
      }
      return this.deliver(taskGroups, payload);
    });
  }

  /**
   * Sends the message to one taskgroup (its id or its name `<app>-<index>`) of application `namespace/name`.
   * 404 when it is not one of the application's; 400 (`ParameterError`) when it is not Running; 409 as
   * {@link sendToApplication}.
   */
  async sendToTaskGroup(
    namespace: string,
    name: string,
    taskGroupRef: string,
    body: unknown,
  ): Promise<MessageResult> {
    const payload = parseMessageBody(body);
    return this.engine.run(async () => {
      assertBcsExecutor(this.engine.executor, 'messages');
      const app = requireApp(this.engine, namespace, name);
      const taskGroup = [...app.taskGroups.values()].find(
        (tg) => tg.id === taskGroupRef || tg.name === taskGroupRef,
      );
      if (taskGroup === undefined)
        throw new NotFoundError(`taskgroup ${taskGroupRef} of application ${namespace}/${name}`);
      if (!isRunning(taskGroup)) {
        throw new ValidationError(
          'URL',
          [{ path: 'taskgroup', rule: `must be Running (it is ${taskGroup.status})` }],
          ErrorCode.ParameterError,
        );
      }
      return this.deliver([taskGroup], payload);
    });
  }

  /** Sends `payload` to each Running taskgroup of `taskGroups`; 409 when none received it. */
  private async deliver(taskGroups: readonly TaskGroup[], payload: OutgoingPayload): Promise<MessageResult> {
    const sent: TaskGroupMessageResult[] = [];
    const failed: TaskGroupMessageResult[] = [];
    const now = this.engine.clock.now();
    for (const taskGroup of taskGroups) {
      const result = { ID: taskGroup.id, Status: taskGroup.status };
      if (!isRunning(taskGroup)) {
        failed.push({ ...result, Err: `taskgroup ${taskGroup.id} must be running` });
        continue;
      }
      try {
        const message = stampMessage(payload, taskGroup.id, now);
        await this.engine.sendMessage(messageCallBody(taskGroup.agentId!, taskGroup.id, message));
        sent.push({ ...result, Err: '' });
      } catch (error) {
        if (!isBcsError(error)) throw error;
        failed.push({ ...result, Err: error.message });
      }
    }
    if (sent.length === 0) {
      throw new BcsError(
        ErrorCode.Conflict,
        `the message reached no taskgroup: ${failed.map((f) => f.Err).join('; ')}`,
      );
    }
    return { sent, failed };
  }
}

function isRunning(taskGroup: TaskGroup): boolean {
  return taskGroup.status === 'Running' && taskGroup.agentId !== undefined;
}

/**
 * Reads a message body (see {@link MessageService}) into the BcsMessage payload to send. Throws one
 * `ValidationError` naming every bad field (code `InvalidData`), or code `UnknownMessageType` (1405233, as the
 * original) for an unknown `msgtype`.
 */
export function parseMessageBody(body: unknown): OutgoingPayload {
  if (!isPlainObject(body))
    throw new ValidationError('message', [{ path: '', rule: 'must be a JSON object' }]);
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(msgtype)) {
    throw new ValidationError(
      'message',
      [{ path: 'msgtype', rule: `must be one of ${MESSAGE_TYPES.join(', ')}` }],
      ErrorCode.UnknownMessageType,
    );
  }
  const data = body.msgdata;
  if (!isPlainObject(data))
    throw new ValidationError('message', [{ path: 'msgdata', rule: 'must be a JSON object' }]);
  const issues: Issue[] = [];
  const text = (field: string, required: boolean): string => {
    const value = data[field];
    if (value === undefined && !required) return '';
    if (typeof value !== 'string' || (required && value === '') || value.length > MAX_FIELD) {
      issues.push({
        path: `msgdata.${field}`,
        rule: `${required ? 'is required: ' : 'must be '}a${required ? ' non-empty' : ''} string of at most ${MAX_FIELD} characters`,
      });
      return '';
    }
    return value;
  };
  let payload: OutgoingPayload;
  switch (msgtype) {
    case 'signal': {
      const signal = data.signal;
      if (typeof signal !== 'number' || !Number.isInteger(signal) || signal < 1 || signal > 64) {
        issues.push({ path: 'msgdata.signal', rule: 'is required: a whole number from 1 to 64' });
      }
      payload = {
        Type: MsgType.SIGNAL,
        Sig: { Signal: signal as number, ProcessName: text('processname', true) },
      };
      break;
    }
    case 'local': {
      const To = text('to', true);
      const ctx = data.ctx;
      if (typeof ctx !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(ctx) || ctx.length % 4 !== 0) {
        issues.push({ path: 'msgdata.ctx', rule: 'is required: the file content in standard base64' });
      }
      payload = {
        Type: MsgType.LOCALFILE,
        Local: { To, Right: text('right', false), User: text('user', false), Base64: String(ctx) },
      };
      break;
    }
    case 'remote':
      payload = {
        Type: MsgType.REMOTE,
        Remote: {
          To: text('to', true),
          Right: text('right', false),
          User: text('user', false),
          From: text('remote', true),
          RemoteUser: '',
          RemotePasswd: '',
        },
      };
      break;
    default:
      payload = { Type: MsgType.ENV, Env: { Name: text('env-key', true), Value: text('env-value', false) } };
  }
  if (issues.length > 0) throw new ValidationError('message', issues);
  return payload;
}
