import { COMMAND_COLLECTION, type CommandRecord, MsgType } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandBed, commandBody, createCommandBed, runningApp } from './command-helpers.js';

/**
 * Issue 12 §4: the command tracker on the simulated cluster, whose CUSTOM-executor groups run the emulated BCS
 * executor (@bcs/mesos-sim), on a manual clock. The executors answer as the original does (Res_COMMAND_TASK
 * with output cut to 256 bytes, TASK_STATUS_UPDATE reports for the other types), programmed per taskgroup.
 */

let bed: CommandBed;
afterEach(async () => {
  await bed?.close();
});

const get = (id: string) => bed.scheduler.commands.get('application', 'test', 'web', id);
const tasksOf = (record: CommandRecord) => record.status.taskgroups.map((g) => g.tasks[0]!);

describe('commands on the simulated cluster (emulated BCS executor)', () => {
  it('runs a command in 3 instances and records each instance’s own output', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const taskGroups = await runningApp(bed, 3);
    for (const [i, tg] of taskGroups.entries()) {
      bed.cluster.programExecutor(tg.id, {
        command: {
          exitCode: i,
          stdout: `host-${i}\n`,
          stderr: i === 1 ? 'warning\n' : '',
          delayMs: 100 * (i + 1),
        },
      });
    }
    const record = await bed.scheduler.commands.send(
      'application',
      'test',
      'web',
      commandBody('web', {}, ['hostname']),
    );
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    // The executors got one Req_COMMAND_TASK each, decoded the original executor's way.
    const received = bed.cluster.executorMessages().filter((m) => m.type === MsgType.REQ_COMMAND_TASK);
    expect(received.map((m) => m.executorId)).toEqual(taskGroups.map((tg) => tg.id));
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['running', 'running', 'running']);
    await bed.advance(500);
    const done = get(record.id);
    expect(tasksOf(done).map((t) => [t.status, t.commInspect])).toEqual([
      ['finish', { exitCode: 0, stdout: 'host-0\n', stderr: '' }],
      ['finish', { exitCode: 1, stdout: 'host-1\n', stderr: 'warning\n' }],
      ['finish', { exitCode: 2, stdout: 'host-2\n', stderr: '' }],
    ]);
    expect((await bed.store.get<CommandRecord>(COMMAND_COLLECTION, record.id))?.value).toEqual(done);
  });

  it('times out the one silent instance; the others finish', async () => {
    bed = await createCommandBed({ executors: 'emulated', commands: { timeoutMs: 20_000 } });
    const taskGroups = await runningApp(bed, 3);
    bed.cluster.programExecutor(taskGroups[2]!.id, { command: { silent: true } });
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(19_000, 1000);
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['finish', 'finish', 'running']);
    await bed.advance(2000, 1000);
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['finish', 'finish', 'timeout']);
  });

  it('fails the task of a taskgroup killed mid-command', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const taskGroups = await runningApp(bed, 2);
    bed.cluster.programExecutor(taskGroups[0]!.id, { endOnCommand: 'TASK_KILLED' });
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(1000);
    const tasks = tasksOf(get(record.id));
    expect(tasks.map((t) => t.status)).toEqual(['failed', 'finish']);
    expect(tasks[0]!.commInspect).toBeNull();
  });

  it('carries on across a scheduler restart: late answers are recorded, a silent one still times out', async () => {
    bed = await createCommandBed({ executors: 'emulated', commands: { timeoutMs: 30_000 } });
    const taskGroups = await runningApp(bed, 3);
    bed.cluster.programExecutor('*', { command: { delayMs: 5000, stdout: 'late\n' } });
    bed.cluster.programExecutor(taskGroups[1]!.id, { command: { silent: true } });
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(1000);
    bed = await bed.restart();
    await bed.advance(6000);
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['finish', 'running', 'finish']);
    expect(tasksOf(get(record.id))[0]!.commInspect?.stdout).toBe('late\n');
    await bed.advance(25_000, 1000);
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['finish', 'timeout', 'finish']);
  });

  it('deletes the record when its reserveTime ends', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    await runningApp(bed, 1);
    const record = await bed.scheduler.commands.send(
      'application',
      'test',
      'web',
      commandBody('web', { reserveTime: 2 }),
    );
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(119_000, 1000);
    expect(get(record.id).id).toBe(record.id);
    await bed.advance(2000, 1000);
    expect(await bed.store.get(COMMAND_COLLECTION, record.id)).toBeUndefined();
    expect(bed.scheduler.commands.list()).toEqual([]);
  });

  it('sends a signal to one taskgroup only', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const taskGroups = await runningApp(bed, 3);
    const result = await bed.scheduler.messages.sendToTaskGroup('test', 'web', taskGroups[1]!.id, {
      name: 'web',
      namespace: 'test',
      msgtype: 'signal',
      msgdata: { processname: 'myprocess', signal: 12 },
    });
    expect(result.sent.map((r) => r.ID)).toEqual([taskGroups[1]!.id]);
    await bed.advance(1000);
    const signals = bed.cluster.executorMessages().filter((m) => m.type === MsgType.SIGNAL);
    expect(signals.map((m) => m.executorId)).toEqual([taskGroups[1]!.id]);
    expect(signals[0]!.body).toMatchObject({
      Sig: { Signal: 12, ProcessName: 'myprocess' },
      TaskGroupId: taskGroups[1]!.id,
    });
    // The executor's report (type 14) changes nothing: every taskgroup still runs.
    expect(bed.taskGroups().map((tg) => tg.status)).toEqual(['Running', 'Running', 'Running']);
  });

  it('records an image commit’s result from the executor’s report, success and failure', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const [ok, bad] = await runningApp(bed, 2);
    bed.cluster.programExecutor(bad!.id, { commit: { ok: false, message: 'no space left' } });
    const image = ok!.tasks[0]!.image;
    const committed = await bed.scheduler.commands.commitImage(ok!.id, image, 'registry/snap:v2');
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    const refused = await bed.scheduler.commands.commitImage(bad!.id, image, 'registry/snap:v2');
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(1000);
    expect(tasksOf(get(committed.id))[0]).toMatchObject({ status: 'finish' });
    expect(tasksOf(get(refused.id))[0]).toMatchObject({ status: 'failed', message: 'no space left' });
    const commits = bed.cluster.executorMessages().filter((m) => m.type === MsgType.COMMIT_TASK);
    expect(commits.map((m) => m.body)).toMatchObject([
      { CommitTask: { Tasks: [{ TaskId: ok!.tasks[0]!.id, Image: 'registry/snap:v2' }] } },
      { CommitTask: { Tasks: [{ TaskId: bad!.tasks[0]!.id, Image: 'registry/snap:v2' }] } },
    ]);
  });

  it('runs a deployment’s command in the taskgroups of its application', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const { aDeployment } = await import('@bcs/testing/builders');
    await bed.scheduler.deployments.create(
      'test',
      aDeployment({ metadata: { name: 'dep', namespace: 'test' }, spec: { instance: 2 } }),
    );
    await bed.advance(5000);
    const body = {
      apiVersion: 'v4',
      kind: 'Command',
      spec: { commandTargetRef: { kind: 'Deployment', namespace: 'test', name: 'dep' }, command: ['id'] },
    };
    const record = await bed.scheduler.commands.send('deployment', 'test', 'dep', body);
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    expect(record.id).toMatch(/^deployment-test-dep-\d+$/);
    await bed.advance(1000);
    const done = bed.scheduler.commands.get('deployment', 'test', 'dep', record.id);
    expect(done.status.taskgroups).toHaveLength(2);
    expect(tasksOf(done).map((t) => t.status)).toEqual(['finish', 'finish']);
  });
});

describe('command.status events', () => {
  it('reach a subscription filtered with kinds=command.status, and nothing else does', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    await runningApp(bed, 2);
    const subscription = bed.scheduler.events.subscribe({ kinds: ['command.status'], since: 0 });
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    await bed.advance(1000);
    const seen: unknown[] = [];
    for await (const message of subscription) {
      if (message.type === 'events') seen.push(...message.events);
      if (seen.length >= 6) break;
    }
    expect(seen).toMatchObject([
      {
        kind: 'command.status',
        command: record.id,
        from: null,
        to: 'running',
        namespace: 'test',
        application: 'web',
      },
      { kind: 'command.status', command: record.id, from: 'staging', to: 'running' },
      { kind: 'command.status', command: record.id, from: 'staging', to: 'running' },
      { kind: 'command.status', command: record.id, from: 'running', to: 'finish', exitCode: 0 },
      { kind: 'command.status', command: record.id, from: 'running', to: 'finish', exitCode: 0 },
      { kind: 'command.status', command: record.id, from: 'running', to: 'finish' },
    ]);
    expect((seen as { task?: string }[]).map((e) => e.task === undefined)).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
  });
});

describe('dispatch in turns', () => {
  it('sends a command to 150 taskgroups in turns of 100 MESSAGEs, each turn one write', async () => {
    bed = await createCommandBed({ executors: 'emulated', agents: 20 });
    const { aContainer, anApplication } = await import('@bcs/testing/builders');
    await bed.scheduler.applications.create(
      'test',
      anApplication({
        metadata: { name: 'web', namespace: 'test' },
        spec: {
          instance: 150,
          template: {
            spec: {
              containers: [
                aContainer({
                  ports: [],
                  healthChecks: [],
                  resources: { limits: { cpu: '0.1', memory: '32' } },
                }),
              ],
            },
          },
        },
      }),
    );
    await bed.advance(5000);
    expect(bed.taskGroups().filter((tg) => tg.status === 'Running')).toHaveLength(150);
    bed.cluster.programExecutor('*', { command: { silent: true } });
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    expect(tasksOf(record).every((t) => t.status === 'staging')).toBe(true);
    const sentAfter: number[] = [];
    for (let turn = 0; turn < 2; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      await bed.engine.idle();
      sentAfter.push(tasksOf(get(record.id)).filter((t) => t.status === 'running').length);
    }
    expect(sentAfter).toEqual([100, 150]);
  });

  it('sends what a restart interrupted before its MESSAGEs went out', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    await runningApp(bed, 2);
    const record = await bed.scheduler.commands.send('application', 'test', 'web', commandBody());
    // No settle: the scheduler stops before the dispatch turn; the record holds the tasks as staging.
    bed = await bed.restart();
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['staging', 'staging']);
    await bed.advance(2000);
    expect(tasksOf(get(record.id)).map((t) => t.status)).toEqual(['finish', 'finish']);
  });
});
