import type { MesosCall, MesosEvent, MesosOffer } from '@bcs/core';
import { aLaunchGroupCall, type LaunchTaskSpec } from '@bcs/testing/conformance';

// The original scheduler's side of the executor wire, built by hand as bk-bcs does it (bcs-scheduler
// scheduler/message.go SendBcsMessage + SendMessage; trans_command.go), for the emulated executor's tests.

/**
 * `BcsMessage` as `SendBcsMessage` stamps it and Go marshals it: fields in struct order, Id and CreateTime in unix
 * seconds, `staging`, TaskID nil; `body` holds the type's sub-message (e.g. `{ CommitTask: {...} }`).
 */
export function stamped(
  taskGroupId: string,
  type: number,
  body: Record<string, unknown>,
): Record<string, unknown> {
  return {
    Id: 1_700_000_000,
    Type: type,
    TaskGroupId: taskGroupId,
    TaskID: null,
    ...body,
    Status: 'staging',
    Message: '',
    CompleteTime: 0,
    CreateTime: 1_700_000_000,
  };
}

/** The Req_COMMAND_TASK `RunCommand` sends for one task. */
export function commandRequest(taskGroupId: string, taskId: string, cmd: string[] | null, id = 'cmd-1') {
  const request = {
    ID: id,
    TaskId: taskId,
    ContainerId: '',
    Env: null,
    Cmd: cmd,
    User: '',
    WorkingDir: '',
    Privileged: false,
  };
  return stamped(taskGroupId, 12, { RequestCommandTask: request });
}

/**
 * The MESSAGE call's `data`: `SendMessage` puts the ASCII base64 of the JSON in the bytes field, and the v1 JSON
 * API carries bytes as base64 again.
 */
export function schedulerData(message: unknown): string {
  const json = typeof message === 'string' ? message : JSON.stringify(message);
  const ascii = Buffer.from(json, 'utf8').toString('base64');
  return Buffer.from(ascii, 'latin1').toString('base64');
}

/** A MESSAGE call to executor `executorId` on `agentId`. */
export function messageCall(agentId: string, executorId: string, message: unknown): MesosCall {
  return {
    type: 'MESSAGE',
    message: {
      agent_id: { value: agentId },
      executor_id: { value: executorId },
      data: schedulerData(message),
    },
  };
}

/** An ACCEPT launching `tasks` as one group with the CUSTOM (BCS) executor. */
export function customLaunch(
  offer: MesosOffer,
  frameworkId: string,
  executorId: string,
  tasks: readonly LaunchTaskSpec[],
): MesosCall {
  const call = aLaunchGroupCall(offer, { frameworkId, executorId, tasks });
  if (call.type !== 'ACCEPT') throw new Error('expected an ACCEPT');
  const [op] = call.accept.operations;
  if (op?.type !== 'LAUNCH_GROUP') throw new Error('expected LAUNCH_GROUP');
  const executor = {
    ...op.launch_group.executor,
    type: 'CUSTOM' as const,
    name: 'bcs-container-executor',
    command: { value: './bcs-container-executor', shell: false },
  };
  return {
    ...call,
    accept: { ...call.accept, operations: [{ ...op, launch_group: { ...op.launch_group, executor } }] },
  };
}

/** A MESSAGE event from an executor, decoded: `data` is base64 of the plain JSON. */
export interface ExecutorReply {
  readonly agentId: string;
  readonly executorId: string;
  /** The JSON text as the executor wrote it. */
  readonly json: string;
  readonly body: ReplyBody;
}

/** A reply `BcsMessage` (Go field names). */
export interface ReplyBody {
  readonly Id: number;
  readonly Type: number;
  readonly TaskGroupId: string;
  readonly TaskID: { readonly value: string } | null;
  readonly ResponseCommandTask?: {
    readonly ID: string;
    readonly TaskId: string;
    readonly ContainerId: string;
    readonly Status: string;
    readonly Message: string;
    readonly CommInspect: {
      readonly exitCode: number;
      readonly stdout: string;
      readonly stderr: string;
    } | null;
  };
  /** Base64 of the container info JSON. */
  readonly TaskStatus?: string;
  readonly Status: string;
  readonly Message: string;
  readonly CompleteTime: number;
  readonly CreateTime: number;
}

/** The executor's container info (json tags of the original). */
export interface ContainerInfoBody {
  readonly ID: string;
  readonly Name: string;
  readonly Status: string;
  readonly StartAt: string;
  readonly FinishAt: string;
  /** The message it reports on, with `Status` `success` or `failed`. */
  readonly BcsMessage: Record<string, unknown> & {
    readonly Type: number;
    readonly Status: string;
    readonly Message: string;
  };
}

/** The MESSAGE events among `events`, decoded. */
export function replies(events: readonly MesosEvent[]): ExecutorReply[] {
  return events.flatMap((event) => {
    if (event.type !== 'MESSAGE') return [];
    const json = Buffer.from(event.message.data, 'base64').toString('utf8');
    return [
      {
        agentId: event.message.agent_id.value,
        executorId: event.message.executor_id.value,
        json,
        body: JSON.parse(json),
      },
    ];
  });
}

/** The container info a TASK_STATUS_UPDATE carries (`TaskStatus` is Go's base64 of `[]byte`). */
export function taskStatusOf(reply: ExecutorReply): ContainerInfoBody {
  return JSON.parse(Buffer.from(reply.body.TaskStatus ?? '', 'base64').toString('utf8'));
}
