import {
  COMMAND_COLLECTION,
  type CommandRecord,
  CommandTracker,
  type DomainEvent,
  ErrorCode,
  EventLog,
  MsgType,
} from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CommandBed,
  commandAnswer,
  commandBody,
  createCommandBed,
  runningApp,
} from './command-helpers.js';

let bed: CommandBed;
afterEach(async () => {
  await bed?.close();
});

const tracker = (b: CommandBed = bed) => b.scheduler.commands;

async function commandEvents(b: CommandBed = bed): Promise<DomainEvent[]> {
  const log = b.scheduler.container.resolve(EventLog);
  const events = await log.read(0, 100_000);
  return events.filter((event) => event.kind === 'command.status');
}

async function refusedWith(action: Promise<unknown>, code: number): Promise<{ issues?: { path: string }[] }> {
  const error = (await action.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: number; issues?: { path: string }[] } | undefined;
  expect(error?.code).toBe(code);
  return error ?? {};
}

describe('CommandTracker: a command to every instance', () => {
  it('sends one Req_COMMAND_TASK per task, records each answer with its output, and completes', async () => {
    bed = await createCommandBed();
    const taskGroups = await runningApp(bed, 3);
    const record = await tracker().send('application', 'test', 'web', commandBody('web', {}, ['echo', 'hi']));
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    expect(record.id).toMatch(/^Application-test-web-\d+$/);
    // One request per task, to the taskgroup's executor on its agent, in the original's shape.
    const requests = bed.driver.sent(MsgType.REQ_COMMAND_TASK);
    expect(requests.map((r) => r.executorId)).toEqual(taskGroups.map((tg) => tg.id));
    for (const [i, request] of requests.entries()) {
      expect(request.agentId).toBe(taskGroups[i]!.agentId);
      expect(request.message).toMatchObject({
        Type: 12,
        TaskGroupId: taskGroups[i]!.id,
        TaskID: null,
        Status: 'staging',
        RequestCommandTask: {
          ID: record.id,
          TaskId: taskGroups[i]!.tasks[0]!.id,
          Cmd: ['echo', 'hi'],
          Env: null,
          User: '',
          WorkingDir: '',
          Privileged: false,
        },
      });
    }
    // Persisted before any answer, every task running.
    const stored = (await bed.store.get<CommandRecord>(COMMAND_COLLECTION, record.id))?.value;
    expect(stored?.status.taskgroups.flatMap((g) => g.tasks.map((t) => t.status))).toEqual([
      'running',
      'running',
      'running',
    ]);
    // Each instance answers with its own output.
    for (const [i, tg] of taskGroups.entries()) {
      bed.driver.answer(
        tg.id,
        tg.agentId!,
        commandAnswer(record.id, tg.tasks[0]!.id, {
          exitCode: i,
          stdout: `out-${i}\n`,
          stderr: i === 2 ? 'warn\n' : '',
        }),
      );
    }
    await bed.settle();
    const done = tracker().get('application', 'test', 'web', record.id);
    expect(done.status.taskgroups.map((g) => g.tasks[0])).toMatchObject([
      { status: 'finish', commInspect: { exitCode: 0, stdout: 'out-0\n', stderr: '' } },
      { status: 'finish', commInspect: { exitCode: 1, stdout: 'out-1\n', stderr: '' } },
      { status: 'finish', commInspect: { exitCode: 2, stdout: 'out-2\n', stderr: 'warn\n' } },
    ]);
    expect(done.status.taskgroups.every((g) => g.tasks[0]!.completedAt === bed.clock.now())).toBe(true);
    // Stored as answered; events: created, three tasks sent, three answered, completed.
    expect((await bed.store.get<CommandRecord>(COMMAND_COLLECTION, record.id))?.value).toEqual(done);
    const events = await commandEvents();
    expect(events.map((e) => [e.kind === 'command.status' && e.task !== undefined, e.from, e.to])).toEqual([
      [false, null, 'running'],
      [true, 'staging', 'running'],
      [true, 'staging', 'running'],
      [true, 'staging', 'running'],
      [true, 'running', 'finish'],
      [true, 'running', 'finish'],
      [true, 'running', 'finish'],
      [false, 'running', 'finish'],
    ]);
  });

  it('writes the answers that arrive together in one batch', async () => {
    bed = await createCommandBed();
    const taskGroups = await runningApp(bed, 3);
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    const before = await bed.store.revision();
    for (const tg of taskGroups)
      bed.driver.answer(tg.id, tg.agentId!, commandAnswer(record.id, tg.tasks[0]!.id));
    await bed.settle();
    // One batch (the record and its events) for the three answers; the memory store counts a batch as one revision.
    expect((await bed.store.revision()) - before).toBe(1);
  });

  it('keeps a failed answer, ignores a repeated one, and bounds the output with a marker', async () => {
    bed = await createCommandBed({ commands: { outputLimitBytes: 100 } });
    const [tg0, tg1] = await runningApp(bed, 2);
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    bed.driver.answer(
      tg0!.id,
      tg0!.agentId!,
      commandAnswer(record.id, tg0!.tasks[0]!.id, { stdout: 'x'.repeat(1000) }),
    );
    bed.driver.answer(
      tg1!.id,
      tg1!.agentId!,
      commandAnswer(record.id, tg1!.tasks[0]!.id, null, 'failed', 'oci error'),
    );
    await bed.settle();
    bed.driver.answer(
      tg1!.id,
      tg1!.agentId!,
      commandAnswer(record.id, tg1!.tasks[0]!.id, { stdout: 'late' }),
    );
    await bed.settle();
    const [a, b] = tracker()
      .get('application', 'test', 'web', record.id)
      .status.taskgroups.map((g) => g.tasks[0]!);
    expect(a!.status).toBe('finish');
    expect(a!.commInspect!.stdout.startsWith('x'.repeat(100))).toBe(true);
    expect(a!.commInspect!.stdout).toContain('[truncated: 1000 bytes in all]');
    expect(b).toMatchObject({ status: 'failed', message: 'oci error', commInspect: null });
  });

  it('filters tasks by image and sends only to the listed taskgroups', async () => {
    bed = await createCommandBed();
    const taskGroups = await runningApp(bed, 3);
    const record = await tracker().send(
      'application',
      'test',
      'web',
      commandBody('web', {
        taskgroups: [taskGroups[1]!.id],
        commandTargetRef: { kind: 'Application', namespace: 'test', name: 'web', image: 'gamesvr' },
      }),
    );
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    expect(record.status.taskgroups.map((g) => g.taskgroupId)).toEqual([taskGroups[1]!.id]);
    expect(bed.driver.sent(MsgType.REQ_COMMAND_TASK).map((m) => m.executorId)).toEqual([taskGroups[1]!.id]);
  });
});

describe('CommandTracker: nothing stays running for ever', () => {
  it('times out the instance that never answers, and completes as failed', async () => {
    bed = await createCommandBed({ commands: { timeoutMs: 60_000 } });
    const [tg0, tg1] = await runningApp(bed, 2);
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    bed.driver.answer(tg0!.id, tg0!.agentId!, commandAnswer(record.id, tg0!.tasks[0]!.id, { stdout: 'ok' }));
    await bed.advance(59_000, 1000);
    expect(
      tracker().get('application', 'test', 'web', record.id).status.taskgroups[1]!.tasks[0]!.status,
    ).toBe('running');
    await bed.advance(2000, 1000);
    const tasks = tracker()
      .get('application', 'test', 'web', record.id)
      .status.taskgroups.map((g) => g.tasks[0]!);
    expect(tasks.map((t) => t.status)).toEqual(['finish', 'timeout']);
    expect(tasks[1]!.commInspect).toBeNull();
    const stored = (await bed.store.get<CommandRecord>(COMMAND_COLLECTION, record.id))?.value;
    expect(stored?.status.taskgroups[1]?.tasks[0]?.status).toBe('timeout');
    const last = (await commandEvents()).at(-1);
    expect(last).toMatchObject({ from: 'running', to: 'failed', command: record.id });
    // A late answer does not change a final state.
    bed.driver.answer(tg1!.id, tg1!.agentId!, commandAnswer(record.id, tg1!.tasks[0]!.id));
    await bed.settle();
    expect(
      tracker().get('application', 'test', 'web', record.id).status.taskgroups[1]!.tasks[0]!.status,
    ).toBe('timeout');
  });

  it('fails the tasks of a taskgroup that ends before it answered', async () => {
    bed = await createCommandBed();
    const [tg0] = await runningApp(bed, 2);
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    bed.cluster.injectStatus(tg0!.tasks[0]!.id, 'TASK_KILLED');
    await bed.settle();
    const tasks = tracker()
      .get('application', 'test', 'web', record.id)
      .status.taskgroups.map((g) => g.tasks[0]!);
    expect(tasks.map((t) => t.status)).toEqual(['failed', 'running']);
  });

  it('survives a restart: the record is reloaded, a late answer matches, the timeout still fires', async () => {
    bed = await createCommandBed({ commands: { timeoutMs: 30_000 } });
    const [tg0, tg1] = await runningApp(bed, 2);
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    bed = await bed.restart();
    expect(
      tracker()
        .get('application', 'test', 'web', record.id)
        .status.taskgroups.map((g) => g.tasks[0]!.status),
    ).toEqual(['running', 'running']);
    bed.driver.answer(
      tg0!.id,
      tg0!.agentId!,
      commandAnswer(record.id, tg0!.tasks[0]!.id, { stdout: 'after restart' }),
    );
    await bed.settle();
    await bed.advance(31_000, 1000);
    const tasks = tracker()
      .get('application', 'test', 'web', record.id)
      .status.taskgroups.map((g) => g.tasks[0]!);
    expect(tasks.map((t) => t.status)).toEqual(['finish', 'timeout']);
    expect(tasks[0]!.commInspect?.stdout).toBe('after restart');
    expect(tg1).toBeDefined();
  });

  it('deletes a record at the end of its reserveTime, and DELETE removes one at once', async () => {
    bed = await createCommandBed();
    await runningApp(bed, 1);
    const kept = await tracker().send('application', 'test', 'web', commandBody('web', { reserveTime: 1 }));
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    const deleted = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await tracker().remove('application', 'test', 'web', deleted.id);
    expect(await bed.store.get(COMMAND_COLLECTION, deleted.id)).toBeUndefined();
    await bed.advance(59_000, 1000);
    expect(await bed.store.get(COMMAND_COLLECTION, kept.id)).toBeDefined();
    await bed.advance(2000, 1000);
    expect(await bed.store.get(COMMAND_COLLECTION, kept.id)).toBeUndefined();
    await refusedWith(
      Promise.resolve().then(() => tracker().get('application', 'test', 'web', kept.id)),
      ErrorCode.NotFound,
    );
    const removals = (await commandEvents()).filter((e) => e.to === null);
    expect(removals.map((e) => e.kind === 'command.status' && e.command)).toEqual([deleted.id, kept.id]);
  });
});

describe('CommandTracker: refusals', () => {
  it('answers 409 naming the executor mode with the DEFAULT executor, and stores nothing', async () => {
    bed = await createCommandBed({ engine: { executor: { kind: 'default' } } });
    await runningApp(bed, 1);
    const before = await bed.store.revision();
    await refusedWith(tracker().send('application', 'test', 'web', commandBody()), ErrorCode.Conflict);
    expect(await bed.store.revision()).toBe(before);
    expect(bed.driver.messages).toEqual([]);
  });

  it.each([
    ['an empty command', commandBody('web', {}, []), ErrorCode.InvalidData, 'spec.command'],
    [
      'an oversized command',
      commandBody('web', {}, ['x'.repeat(70_000)]),
      ErrorCode.InvalidData,
      'spec.command',
    ],
    ['a ref that is not the URL', commandBody('other'), ErrorCode.InvalidData, 'spec.commandTargetRef.name'],
    [
      'a taskgroup of another app',
      commandBody('web', { taskgroups: ['0.x.test.10001.1'] }),
      ErrorCode.ParameterError,
      'spec.taskgroups[0]',
    ],
    [
      'an image no container has',
      commandBody('web', {
        commandTargetRef: { kind: 'Application', namespace: 'test', name: 'web', image: 'nginx' },
      }),
      ErrorCode.ParameterError,
      'spec.commandTargetRef.image',
    ],
  ])('refuses %s with 4xx naming the field, storing nothing', async (_label, body, code, path) => {
    bed = await createCommandBed();
    await runningApp(bed, 1);
    const before = await bed.store.revision();
    const error = await refusedWith(tracker().send('application', 'test', 'web', body), code);
    expect(error.issues?.map((i) => i.path)).toContain(path);
    expect(await bed.store.revision()).toBe(before);
  });

  it('refuses an unknown application (404) and a target with no Running taskgroup (400)', async () => {
    bed = await createCommandBed({ agents: 0 });
    await refusedWith(tracker().send('application', 'test', 'nope', commandBody('nope')), ErrorCode.NotFound);
    await refusedWith(
      tracker().send('deployment', 'test', 'nope', {
        ...commandBody('nope'),
        spec: {
          ...commandBody('nope').spec,
          commandTargetRef: { kind: 'Deployment', namespace: 'test', name: 'nope' },
        },
      }),
      ErrorCode.NotFound,
    );
    await bed.scheduler.applications.create(
      'test',
      (await import('@bcs/testing/builders')).anApplication({ metadata: { name: 'web', namespace: 'test' } }),
    );
    await bed.settle();
    await refusedWith(tracker().send('application', 'test', 'web', commandBody()), ErrorCode.ParameterError);
  });

  it('records a task whose MESSAGE the master refuses as failed', async () => {
    bed = await createCommandBed();
    await runningApp(bed, 1);
    bed.driver.refuseMessages = true;
    const record = await tracker().send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    const task = tracker().get('application', 'test', 'web', record.id).status.taskgroups[0]!.tasks[0]!;
    expect(task.status).toBe('failed');
    expect(bed.scheduler.container.resolve(CommandTracker)).toBe(tracker());
  });
});
