import { inject, injectable } from 'tsyringe';
import { assertBcsExecutor, commandTargets, type TargetTaskGroup } from '../commands/targets.js';
import { Changes } from '../engine/changes.js';
import { SchedulerEngine } from '../engine/engine.js';
import type {
  ClockAndIds,
  CommitFeed,
  Committer,
  EngineQueue,
  ExecutorChannel,
  StateSource,
  StoreSource,
} from '../engine/ports.js';
import { ErrorCode, isBcsError, NotFoundError, ValidationError } from '../errors.js';
import type { CommandStatusEvent, UnsequencedEvent } from '../events/event.js';
import {
  type BcsMessage,
  decodeExecutorMessage,
  MsgType,
  messageCallBody,
  stampMessage,
} from '../messages/bcs-message.js';
import type { CancelTimer } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import type { MessageBody } from '../ports/mesos-driver.js';
import type { BatchOp } from '../ports/store.js';
import {
  boundOutput,
  COMMAND_COLLECTION,
  type CommandRecord,
  type CommandUrlKind,
  commandExpiresAt,
  commandId,
  isFinalTaskStatus,
  overallCommandStatus,
  type TaskCommandInfo,
  type TaskTransition,
  updateTask,
} from '../resources/command.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { ENDED_STATUSES } from '../status/lifecycle.js';
import { unreadableReporter } from '../store/unreadable.js';
import { createToken } from '../tokens.js';
import { commandTargetKindOf, parseCommand } from '../validation/command.js';

/** Settings of the {@link CommandTracker}. */
export interface CommandTrackerOptions {
  /**
   * How long a task may stay `running` without an answer before it becomes `timeout`, in ms. Default 10
   * minutes ({@link DEFAULT_COMMAND_TIMEOUT_MS}); 1 s to 24 h.
   */
  readonly timeoutMs?: number;
  /** The most bytes of stdout, and of stderr, kept per task; the rest is cut and marked. Default 4096. */
  readonly outputLimitBytes?: number;
  /** How often timeouts and retention are checked, in ms. Default 1000. */
  readonly tickMs?: number;
}

export const CommandTrackerOptionsToken = createToken<CommandTrackerOptions>('CommandTrackerOptions');

/** Default {@link CommandTrackerOptions.timeoutMs}: 10 minutes. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;
/** Default {@link CommandTrackerOptions.outputLimitBytes}. */
export const DEFAULT_COMMAND_OUTPUT_LIMIT = 4096;
const MAX_TIMEOUT_MS = 24 * 3600_000;
/** MESSAGEs sent per queue turn while a command is dispatched. */
export const DISPATCH_CHUNK = 100;

/** The engine ports the tracker uses: state, commits, queue, executor channel, store, commit feed, clock, ids. */
export type CommandPorts = StateSource &
  Committer &
  EngineQueue &
  ExecutorChannel &
  StoreSource &
  CommitFeed &
  ClockAndIds;

/** Record changes of one queue turn, written as one batch. */
class RecordWrites {
  readonly puts = new Map<string, CommandRecord>();
  readonly removes = new Set<string>();
  readonly events: UnsequencedEvent[] = [];
  get empty(): boolean {
    return this.puts.size === 0 && this.removes.size === 0;
  }
}

/**
 * The command tracker (issue 12 §2): runs commands in the containers of an application's or deployment's
 * taskgroups through the BCS executor, and image commits, and keeps their records.
 *
 * - **Record.** One per command, in the original's shape (`CommandRecord`), persisted in collection `command`
 *   before anything is sent, its Running tasks `staging`; the MESSAGEs go out in dispatch turns of
 *   {@link DISPATCH_CHUNK} per engine queue turn, each task going `running` when its MESSAGE is sent (`failed`
 *   when it cannot be), then `finish`/`failed` with the executor's answer (Res_COMMAND_TASK, type 13), `failed`
 *   when its taskgroup ends first, or `timeout` at the record's `timeoutAt`.
 * - **Answers.** MESSAGE events are buffered and applied together in one queue turn: one store batch per turn
 *   for every record they change (one write per answer at worst, far fewer when answers arrive together).
 * - **Time.** Every deadline is a stored epoch-ms field (`timeoutAt`, `expiresAt`) checked by a housekeeping
 *   tick on the Clock port; nothing lives only in a timer, so after a restart the records are reloaded, late
 *   answers still match (by command id and task id) and timeouts still fire.
 * - **Retention.** A record is deleted at `expiresAt` (`reserveTime` minutes after creation; 7 days when 0).
 * - **Events.** Every change is a `command.status` event, written in the same batch as the record.
 * - **Image commit.** A record of the same shape (`commit` set); the executor reports the result in its next
 *   TASK_STATUS_UPDATE (type 14) per task, which the tracker matches by taskgroup and message id.
 */
@injectable()
export class CommandTracker implements AsyncDisposable {
  private readonly records = new Map<string, CommandRecord>();
  /** Ids of records with a task not final yet. */
  private readonly open = new Set<string>();
  /** Taskgroup id → ids of open records with a task in it. */
  private readonly byTaskGroup = new Map<string, Set<string>>();
  /** `<taskgroup id>/<message id>` → id of the open commit record waiting for that message's result. */
  private readonly commits = new Map<string, string>();
  private readonly received: MessageBody[] = [];
  /** Ids of records with a dispatch turn queued. */
  private readonly dispatching = new Set<string>();
  private drainScheduled = false;
  private started = false;
  private disposed = false;
  private cancelTick: CancelTimer | undefined;
  private readonly stops: (() => void)[] = [];
  private readonly options: Required<CommandTrackerOptions>;
  private readonly reportUnreadable: ReturnType<typeof unreadableReporter>;

  constructor(
    @inject(SchedulerEngine) private readonly engine: CommandPorts,
    @inject(LoggerToken) private readonly logger: Logger,
    @inject(CommandTrackerOptionsToken) options: CommandTrackerOptions,
  ) {
    this.options = {
      timeoutMs: Math.min(Math.max(options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, 1000), MAX_TIMEOUT_MS),
      outputLimitBytes: Math.max(options.outputLimitBytes ?? DEFAULT_COMMAND_OUTPUT_LIMIT, 64),
      tickMs: options.tickMs ?? 1000,
    };
    this.reportUnreadable = unreadableReporter(logger, 'command record skipped');
  }

  /** How long a task may wait for an answer, in ms. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /**
   * Loads the stored records, listens to executor messages and commits, and starts the housekeeping tick.
   * Idempotent. Call before the engine subscribes (`createScheduler` does), so no answer is missed.
   */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    const entries = await this.engine.store.list<CommandRecord>(COMMAND_COLLECTION, {
      onUnreadable: this.reportUnreadable,
    });
    for (const { value } of entries) this.remember(value);
    this.stops.push(this.engine.onMessage((message) => this.receive(message)));
    this.stops.push(this.engine.onCommit((changes) => this.noteCommit(changes)));
    this.scheduleTick();
  }

  /** Stops listening and ticking. The records stay in the store. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelTick?.();
    for (const stop of this.stops.splice(0)) stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /**
   * `POST /command/{application|deployment}/{ns}/{name}`: validates `body` for its URL (`parseCommand`),
   * creates the command's record and persists it; the command then goes to every task of the target's Running
   * taskgroups in dispatch turns. Returns the record as created (its id is the API's `data`). Refused: 400 naming the field for a bad body
   * (empty or oversized command, a ref that is not the URL's), a listed taskgroup that is not the target's, an
   * image that matches no task, or a target with no Running taskgroup; 404 for an unknown application or
   * deployment; 409 with the DEFAULT executor.
   */
  async send(
    urlKind: CommandUrlKind,
    namespace: string,
    name: string,
    body: unknown,
  ): Promise<CommandRecord> {
    const definition = parseCommand(body, urlKind, namespace, name);
    await this.start(); // idempotent: a tracker nobody started (embedded without createScheduler) starts here
    return this.engine.run(async () => {
      assertBcsExecutor(this.engine.executor, 'commands');
      const { spec } = definition;
      const targets = commandTargets(this.engine.state, urlKind, spec);
      const now = this.engine.clock.now();
      const ref = spec.commandTargetRef;
      const id = commandId(
        commandTargetKindOf(urlKind),
        ref.namespace,
        ref.name,
        this.engine.ids.uniqueNanos(),
      );
      const record: CommandRecord = {
        id,
        createTime: Math.floor(now / 1000),
        spec: {
          commandTargetRef: {
            kind: ref.kind,
            name: ref.name,
            namespace: ref.namespace,
            ...(ref.image === undefined ? {} : { image: ref.image }),
          },
          taskgroups: spec.taskgroups ?? null,
          command: spec.command,
          env: spec.env ?? null,
          user: spec.user ?? '',
          workingDir: spec.workingDir ?? '',
          privileged: spec.privileged ?? false,
          reserveTime: spec.reserveTime,
        },
        status: { taskgroups: targets.map((target) => initialGroup(target, now)) },
        createdAt: now,
        timeoutAt: now + this.options.timeoutMs,
        expiresAt: commandExpiresAt(now, spec),
      };
      await this.create(record);
      this.queueDispatch(id);
      return record;
    });
  }

  /**
   * `POST /image/commit/{taskgroup}?image=&url=`: commits the containers of the Running taskgroup whose image
   * is `image` as image `url` (spec/bcs-behaviour.md §8.3). The result is visible as a command record (id
   * `commit-<ns>-<app>-<nanos>`, read with `GET /command/application/<ns>/<app>?id=`): each task `staging`, `running`,
   * then `finish`/`failed` as the executor reports, or `timeout`.
   */
  async commitImage(taskGroupId: string, image: string, url: string): Promise<CommandRecord> {
    await this.start();
    return this.engine.run(async () => {
      assertBcsExecutor(this.engine.executor, 'image commits');
      const found = this.engine.state.findTaskGroup(taskGroupId);
      if (found === undefined) throw new NotFoundError(`taskgroup ${taskGroupId}`);
      const { taskGroup } = found;
      if (taskGroup.status !== 'Running' || taskGroup.agentId === undefined) {
        throw new ValidationError(
          'URL',
          [{ path: 'taskgroup', rule: `must be Running (it is ${taskGroup.status})` }],
          ErrorCode.ParameterError,
        );
      }
      const tasks = taskGroup.tasks.filter((task) => task.image === image);
      if (tasks.length === 0) {
        throw new ValidationError(
          'URL',
          [{ path: 'image', rule: `must be the image of a container of taskgroup ${taskGroupId}` }],
          ErrorCode.ParameterError,
        );
      }
      const now = this.engine.clock.now();
      // The message id the executor's report will carry: the original stamps unix seconds (§8.1).
      // A second commit of the same taskgroup within that second takes the next free number, so reports
      // never mix.
      let messageId = Math.floor(now / 1000);
      while (this.commits.has(`${taskGroup.id}/${messageId}`)) messageId++;
      const target: TargetTaskGroup = { taskGroup, tasks: tasks.map((t) => t.id) };
      const id = `commit-${taskGroup.namespace}-${taskGroup.appId}-${this.engine.ids.uniqueNanos()}`;
      const record: CommandRecord = {
        id,
        createTime: Math.floor(now / 1000),
        spec: {
          commandTargetRef: { kind: 'Application', name: taskGroup.appId, namespace: taskGroup.namespace },
          taskgroups: [taskGroup.id],
          command: [],
          env: null,
          user: '',
          workingDir: '',
          privileged: false,
          reserveTime: 0,
        },
        status: { taskgroups: [initialGroup(target, now)] },
        createdAt: now,
        timeoutAt: now + this.options.timeoutMs,
        expiresAt: commandExpiresAt(now, { reserveTime: 0 }),
        commit: { image, url, messageId },
      };
      await this.create(record);
      this.queueDispatch(id);
      return record;
    });
  }

  /**
   * The record `id` as `GET /command/{kind}/{ns}/{name}?id=` answers it; 404 when there is none, or when it
   * targets another kind, namespace or name than the URL's.
   */
  get(urlKind: CommandUrlKind, namespace: string, name: string, id: string): CommandRecord {
    const record = this.records.get(id);
    const ref = record?.spec.commandTargetRef;
    if (
      record === undefined ||
      ref!.kind !== commandTargetKindOf(urlKind) ||
      ref!.namespace !== namespace ||
      ref!.name !== name
    ) {
      throw new NotFoundError(`command ${id} of ${urlKind} ${namespace}/${name}`);
    }
    return record;
  }

  /** Deletes the record `id` (404 as {@link get}). Commands already sent keep running; their answers are dropped. */
  async remove(urlKind: CommandUrlKind, namespace: string, name: string, id: string): Promise<void> {
    await this.engine.run(async () => {
      const record = this.get(urlKind, namespace, name, id);
      const writes = new RecordWrites();
      this.removeRecord(record, writes, 'deleted');
      await this.write(writes);
    });
  }

  /** Every record, for tests and views (ordered by creation). */
  list(): CommandRecord[] {
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  // ---- creation and sending ----

  /** Persists a new record with its creation event. */
  private async create(record: CommandRecord): Promise<void> {
    const writes = new RecordWrites();
    writes.puts.set(record.id, record);
    writes.events.push(this.commandEvent(record, null, overallCommandStatus(record), 'command created'));
    await this.write(writes);
  }

  /** Queues the next dispatch turn of record `id` (one pending turn per record). */
  private queueDispatch(id: string): void {
    if (this.dispatching.has(id) || this.disposed) return;
    this.dispatching.add(id);
    setImmediate(() => {
      this.engine
        .run(() => this.dispatchChunk(id))
        .catch((error: unknown) => {
          if (!this.disposed) this.logger.error({ err: error, command: id }, 'command dispatch failed');
        });
    });
  }

  /**
   * One dispatch turn of record `id`: sends up to {@link DISPATCH_CHUNK} MESSAGEs for its `staging` tasks
   * (one Req_COMMAND_TASK per task; for an image commit one COMMIT_TASK per taskgroup), marks them `running`
   * (or `failed`: no longer Running, or the MESSAGE was not delivered) in one write, and queues the next turn
   * while some are left, so a command to 10,000 taskgroups never holds the engine's queue for long.
   */
  private async dispatchChunk(id: string): Promise<void> {
    this.dispatching.delete(id);
    const record = this.records.get(id);
    if (record === undefined || this.disposed) return;
    const writes = new RecordWrites();
    const now = this.engine.clock.now();
    let budget = DISPATCH_CHUNK;
    for (const group of record.status.taskgroups) {
      const staging = group.tasks.filter((task) => task.status === 'staging').map((task) => task.taskId);
      if (staging.length === 0) continue;
      if (budget <= 0) break;
      const taskGroup = this.engine.state.findTaskGroup(group.taskgroupId)?.taskGroup;
      const fail = (taskId: string, reason: string) =>
        this.change(writes, id, group.taskgroupId, taskId, (task) => ({
          ...task,
          status: 'failed',
          message: reason,
          completedAt: now,
        }));
      const running = taskGroup === undefined ? [] : staging.filter((taskId) => runningIn(taskGroup, taskId));
      for (const taskId of staging) if (!running.includes(taskId)) fail(taskId, 'task not in running status');
      if (taskGroup?.agentId === undefined || running.length === 0) continue;
      const batches = record.commit === undefined ? running.map((taskId) => [taskId]) : [running];
      for (const tasks of batches.slice(0, budget)) {
        budget--;
        try {
          const message = this.messageFor(record, taskGroup.id, tasks, now);
          await this.engine.sendMessage(messageCallBody(taskGroup.agentId, taskGroup.id, message));
        } catch (error) {
          if (!isBcsError(error)) throw error;
          for (const taskId of tasks) fail(taskId, error.message);
          continue;
        }
        for (const taskId of tasks) {
          this.change(writes, id, group.taskgroupId, taskId, (task) => ({
            ...task,
            status: 'running',
            message: record.commit === undefined ? 'command in running' : 'commit in running',
            sentAt: now,
          }));
        }
      }
    }
    await this.write(writes);
    const after = this.records.get(id);
    if (after?.status.taskgroups.some((g) => g.tasks.some((t) => t.status === 'staging')))
      this.queueDispatch(id);
  }

  /** The MESSAGE for `tasks` of taskgroup `taskGroupId`: a Req_COMMAND_TASK (one task), or the COMMIT_TASK. */
  private messageFor(
    record: CommandRecord,
    taskGroupId: string,
    tasks: readonly string[],
    now: number,
  ): BcsMessage {
    if (record.commit !== undefined) {
      const { url, messageId } = record.commit;
      const payload = {
        Type: MsgType.COMMIT_TASK,
        CommitTask: { Tasks: tasks.map((t) => ({ TaskId: t, Image: url })) },
      };
      return { ...stampMessage(payload, taskGroupId, now), Id: messageId };
    }
    const { spec } = record;
    return stampMessage(
      {
        Type: MsgType.REQ_COMMAND_TASK,
        RequestCommandTask: {
          ID: record.id,
          TaskId: tasks[0]!,
          ContainerId: '',
          Env: spec.env,
          Cmd: spec.command,
          User: spec.user,
          WorkingDir: spec.workingDir,
          Privileged: spec.privileged,
        },
      },
      taskGroupId,
      now,
    );
  }

  // ---- answers ----

  /** An executor MESSAGE event: buffered, applied with the others of the same moment in one queue turn. */
  private receive(message: MessageBody): void {
    if (this.disposed) return;
    this.received.push(message);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.engine
        .run(() => this.drain())
        .catch((error: unknown) => this.logger.error({ err: error }, 'command answers failed'));
    });
  }

  /** Applies every buffered executor message; one batch for all the records they change. */
  private async drain(): Promise<void> {
    this.drainScheduled = false;
    const messages = this.received.splice(0);
    const writes = new RecordWrites();
    const now = this.engine.clock.now();
    for (const body of messages) {
      const message = decodeExecutorMessage(body.data);
      if (message === undefined) {
        this.logger.warn({ executor: body.executor_id.value }, 'executor message not understood: dropped');
        continue;
      }
      if (message.Type === MsgType.RES_COMMAND_TASK) this.applyCommandAnswer(writes, message, now);
      else if (message.Type === MsgType.TASK_STATUS_UPDATE)
        this.applyStatusReport(writes, body, message, now);
    }
    await this.write(writes);
  }

  /** Res_COMMAND_TASK: the task `TaskId` of command `ID` finished (or failed) with this output. */
  private applyCommandAnswer(writes: RecordWrites, message: BcsMessage, now: number): void {
    const answer = message.ResponseCommandTask;
    if (answer === undefined || typeof answer.ID !== 'string' || typeof answer.TaskId !== 'string') return;
    if (!this.records.has(answer.ID)) {
      this.logger.debug?.({ command: answer.ID }, 'answer to a command with no record (deleted?): dropped');
      return;
    }
    const limit = this.options.outputLimitBytes;
    const inspect = answer.CommInspect;
    this.change(writes, answer.ID, undefined, answer.TaskId, (task) => ({
      ...task,
      status: answer.Status === 'finish' ? 'finish' : 'failed',
      message: typeof answer.Message === 'string' ? answer.Message : '',
      commInspect:
        inspect === null || inspect === undefined
          ? null
          : {
              exitCode: typeof inspect.exitCode === 'number' ? inspect.exitCode : 0,
              stdout: boundOutput(String(inspect.stdout ?? ''), limit),
              stderr: boundOutput(String(inspect.stderr ?? ''), limit),
            },
      completedAt: now,
    }));
  }

  /**
   * TASK_STATUS_UPDATE: the executor's report of one task, carrying the last message it handled (the
   * original's way of telling a COMMIT_TASK's result, spec/bcs-behaviour.md §8.1). Matched to an open commit
   * record by taskgroup and message id.
   */
  private applyStatusReport(writes: RecordWrites, body: MessageBody, message: BcsMessage, now: number): void {
    if (this.commits.size === 0 || typeof message.TaskStatus !== 'string') return;
    let handled: BcsMessage | undefined;
    try {
      const info = JSON.parse(Buffer.from(message.TaskStatus, 'base64').toString('utf8')) as {
        BcsMessage?: BcsMessage;
      };
      handled = info.BcsMessage;
    } catch {
      return;
    }
    if (handled?.Type !== MsgType.COMMIT_TASK) return;
    const taskGroupId = handled.TaskGroupId || body.executor_id.value;
    const id = this.commits.get(`${taskGroupId}/${handled.Id}`);
    const taskId = message.TaskID?.value;
    if (id === undefined || taskId === undefined) return;
    if (handled.Status !== 'success' && handled.Status !== 'failed') return;
    this.change(writes, id, taskGroupId, taskId, (task) => ({
      ...task,
      status: handled.Status === 'success' ? 'finish' : 'failed',
      message: handled.Message ?? '',
      completedAt: now,
    }));
  }

  // ---- taskgroups that end, timeouts, retention ----

  /** After a commit: tasks of open records whose taskgroup ended or went away fail (queued, never blocking). */
  private noteCommit(changes: Changes): void {
    if (this.byTaskGroup.size === 0) return;
    const ended: { id: string; status: string }[] = [];
    for (const taskGroup of changes.taskGroups.values()) {
      if (this.byTaskGroup.has(taskGroup.id) && ENDED_STATUSES.has(taskGroup.status)) {
        ended.push({ id: taskGroup.id, status: taskGroup.status });
      }
    }
    for (const taskGroup of changes.removedTaskGroups) {
      if (this.byTaskGroup.has(taskGroup.id)) ended.push({ id: taskGroup.id, status: 'removed' });
    }
    if (ended.length === 0) return;
    this.engine
      .run(() => this.failEnded(ended))
      .catch((error: unknown) => this.logger.error({ err: error }, 'command bookkeeping failed'));
  }

  private async failEnded(ended: readonly { id: string; status: string }[]): Promise<void> {
    const writes = new RecordWrites();
    const now = this.engine.clock.now();
    for (const { id: taskGroupId, status } of ended) {
      for (const id of [...(this.byTaskGroup.get(taskGroupId) ?? [])]) {
        const record = this.current(writes, id);
        const group = record?.status.taskgroups.find((g) => g.taskgroupId === taskGroupId);
        for (const task of group?.tasks ?? []) {
          this.change(writes, id, taskGroupId, task.taskId, (t) => ({
            ...t,
            status: 'failed',
            message: `taskgroup ${taskGroupId} ended (${status}) before the executor answered`,
            completedAt: now,
          }));
        }
      }
    }
    await this.write(writes);
  }

  private scheduleTick(): void {
    if (this.disposed) return;
    this.cancelTick = this.engine.clock.setTimer(this.options.tickMs, () => {
      this.engine
        .run(() => this.housekeep())
        .catch((error: unknown) => {
          if (!this.disposed) this.logger.error({ err: error }, 'command housekeeping failed');
        })
        .finally(() => this.scheduleTick());
    });
  }

  /** Times out the tasks of open records past `timeoutAt`; deletes the records past `expiresAt`. */
  async housekeep(): Promise<void> {
    if (this.disposed) return;
    const now = this.engine.clock.now();
    const writes = new RecordWrites();
    for (const id of [...this.open]) {
      const record = this.records.get(id);
      if (record === undefined) continue;
      // Tasks not sent yet (a restart came between the record and its MESSAGEs): send them now.
      if (record.timeoutAt > now) {
        if (record.status.taskgroups.some((g) => g.tasks.some((t) => t.status === 'staging')))
          this.queueDispatch(id);
        continue;
      }
      const seconds = Math.round((record.timeoutAt - record.createdAt) / 1000);
      for (const group of record.status.taskgroups) {
        for (const task of group.tasks) {
          this.change(writes, id, group.taskgroupId, task.taskId, (t) => ({
            ...t,
            status: 'timeout',
            message: `no answer from the executor within ${seconds} s`,
            completedAt: now,
          }));
        }
      }
    }
    for (const record of this.records.values()) {
      if (record.expiresAt <= now)
        this.removeRecord(this.current(writes, record.id) ?? record, writes, 'expired');
    }
    await this.write(writes);
  }

  // ---- bookkeeping ----

  /** The record as this turn's writes left it. */
  private current(writes: RecordWrites, id: string): CommandRecord | undefined {
    if (writes.removes.has(id)) return undefined;
    return writes.puts.get(id) ?? this.records.get(id);
  }

  /** Changes one task of record `id` in `writes`, with its event (and the command's, when it completes). */
  private change(
    writes: RecordWrites,
    id: string,
    taskgroupId: string | undefined,
    taskId: string,
    change: (task: TaskCommandInfo) => TaskCommandInfo,
  ): void {
    const before = this.current(writes, id);
    if (before === undefined) return;
    const result = updateTask(before, taskgroupId, taskId, change);
    if (result === undefined) return;
    writes.puts.set(id, result.record);
    writes.events.push(this.taskEvent(result.record, result.transition));
    const from = overallCommandStatus(before);
    const to = overallCommandStatus(result.record);
    if (from !== to) writes.events.push(this.commandEvent(result.record, from, to, `command ${to}`));
  }

  private removeRecord(record: CommandRecord, writes: RecordWrites, why: string): void {
    writes.puts.delete(record.id);
    writes.removes.add(record.id);
    writes.events.push(this.commandEvent(record, overallCommandStatus(record), null, `command ${why}`));
  }

  /** Writes `writes` (records and events) as one batch through the engine, then updates the indexes. */
  private async write(writes: RecordWrites): Promise<void> {
    if (writes.empty) return;
    const ops: BatchOp[] = [];
    for (const [id, record] of writes.puts)
      ops.push({ type: 'put', collection: COMMAND_COLLECTION, key: id, value: record });
    for (const id of writes.removes) ops.push({ type: 'delete', collection: COMMAND_COLLECTION, key: id });
    await this.engine.commit(new Changes(), { ops, events: writes.events });
    for (const id of writes.removes) this.forget(id);
    for (const record of writes.puts.values()) this.remember(record);
  }

  /** Adds or replaces `record` in memory and in the indexes. */
  private remember(record: CommandRecord): void {
    this.forget(record.id);
    this.records.set(record.id, record);
    if (overallCommandStatus(record) !== 'running') return;
    this.open.add(record.id);
    for (const group of record.status.taskgroups) {
      if (!group.tasks.some((task) => !isFinalTaskStatus(task.status))) continue;
      const ids = this.byTaskGroup.get(group.taskgroupId) ?? new Set<string>();
      this.byTaskGroup.set(group.taskgroupId, ids);
      ids.add(record.id);
      if (record.commit !== undefined)
        this.commits.set(`${group.taskgroupId}/${record.commit.messageId}`, record.id);
    }
  }

  private forget(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    this.open.delete(id);
    for (const group of record.status.taskgroups) {
      const ids = this.byTaskGroup.get(group.taskgroupId);
      ids?.delete(id);
      if (ids?.size === 0) this.byTaskGroup.delete(group.taskgroupId);
      if (record.commit !== undefined) {
        const key = `${group.taskgroupId}/${record.commit.messageId}`;
        if (this.commits.get(key) === id) this.commits.delete(key);
      }
    }
  }

  private taskEvent(record: CommandRecord, transition: TaskTransition): UnsequencedEvent {
    const task = record.status.taskgroups
      .find((g) => g.taskgroupId === transition.taskgroupId)
      ?.tasks.find((t) => t.taskId === transition.taskId);
    const exitCode = task?.commInspect?.exitCode;
    return {
      ...this.eventBase(record),
      taskgroup: transition.taskgroupId,
      task: transition.taskId,
      from: transition.from,
      to: transition.to,
      message: transition.message,
      ...(exitCode === undefined || !isFinalTaskStatus(transition.to) ? {} : { exitCode }),
    };
  }

  private commandEvent(
    record: CommandRecord,
    from: CommandStatusEvent['from'],
    to: CommandStatusEvent['to'],
    message: string,
  ): UnsequencedEvent {
    return { ...this.eventBase(record), from, to, message };
  }

  /** Kind, command id, namespace and application (for a deployment: the application serving it). */
  private eventBase(
    record: CommandRecord,
  ): Omit<CommandStatusEvent, 'seq' | 'time' | 'from' | 'to' | 'message'> {
    const ref = record.spec.commandTargetRef;
    if (ref.kind !== 'Deployment') {
      return { kind: 'command.status', command: record.id, namespace: ref.namespace, application: ref.name };
    }
    let application = ref.name;
    for (const { app } of this.engine.state.apps.values()) {
      if (app.namespace === ref.namespace && app.owner?.name === ref.name) {
        application = app.id;
        break;
      }
    }
    return {
      kind: 'command.status',
      command: record.id,
      namespace: ref.namespace,
      application,
      deployment: ref.name,
    };
  }
}

/** Whether task `taskId` of `taskGroup` is Running (the only state a command is sent in, §8.5). */
function runningIn(taskGroup: TaskGroup, taskId: string): boolean {
  return taskGroup.tasks.find((task) => task.id === taskId)?.status === 'Running';
}

/**
 * The starting state of a target's tasks: `staging` ("still not send command to task", the original's words)
 * for the Running tasks of a Running taskgroup, which the dispatch sends next; `failed` with the original's
 * "task not in running status" otherwise.
 */
function initialGroup(target: TargetTaskGroup, now: number) {
  const { taskGroup } = target;
  const groupRuns = taskGroup.status === 'Running' && taskGroup.agentId !== undefined;
  return {
    taskgroupId: taskGroup.id,
    tasks: target.tasks.map(
      (taskId): TaskCommandInfo =>
        groupRuns && runningIn(taskGroup, taskId)
          ? { taskId, status: 'staging', message: 'still not send command to task', commInspect: null }
          : {
              taskId,
              status: 'failed',
              message: 'task not in running status',
              commInspect: null,
              completedAt: now,
            },
    ),
  };
}
