import { ErrorCode, MsgType, parseMessageBody } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandBed, createCommandBed, runningApp } from './command-helpers.js';

let bed: CommandBed;
afterEach(async () => {
  await bed?.close();
});

/** spec/api-v4.md sendapplicationSignal's body (the name is the URL's: `test_deployment` breaks the name rule). */
const SIGNAL = {
  name: 'web',
  namespace: 'test',
  msgtype: 'signal',
  msgdata: { processname: 'myprocess', signal: 12 },
};

async function codeOf(action: Promise<unknown>): Promise<number | undefined> {
  return action.then(
    () => undefined,
    (e: { code?: number }) => e.code,
  );
}

describe('MessageService', () => {
  it('sends a signal to every Running taskgroup of an application and says which', async () => {
    bed = await createCommandBed();
    const taskGroups = await runningApp(bed, 3);
    const result = await bed.scheduler.messages.sendToApplication('test', 'web', SIGNAL);
    expect(result.sent.map((r) => r.ID)).toEqual(taskGroups.map((tg) => tg.id));
    expect(result.failed).toEqual([]);
    const sent = bed.driver.sent(MsgType.SIGNAL);
    expect(sent.map((m) => [m.executorId, m.agentId])).toEqual(taskGroups.map((tg) => [tg.id, tg.agentId]));
    expect(sent[0]!.message).toMatchObject({
      Type: 2,
      TaskGroupId: taskGroups[0]!.id,
      TaskID: null,
      Sig: { Signal: 12, ProcessName: 'myprocess' },
      Status: 'staging',
      Message: '',
      CompleteTime: 0,
    });
    expect(sent[0]!.message.Id).toBe(Math.floor(bed.clock.now() / 1000));
  });

  it('sends to one taskgroup, by id or by name', async () => {
    bed = await createCommandBed();
    const taskGroups = await runningApp(bed, 2);
    const byId = await bed.scheduler.messages.sendToTaskGroup('test', 'web', taskGroups[1]!.id, SIGNAL);
    const byName = await bed.scheduler.messages.sendToTaskGroup('test', 'web', taskGroups[0]!.name, SIGNAL);
    expect([byId.sent[0]!.ID, byName.sent[0]!.ID]).toEqual([taskGroups[1]!.id, taskGroups[0]!.id]);
    expect(bed.driver.sent(MsgType.SIGNAL).map((m) => m.executorId)).toEqual([
      taskGroups[1]!.id,
      taskGroups[0]!.id,
    ]);
  });

  it('lists the taskgroups that are not Running as failed', async () => {
    bed = await createCommandBed();
    const [tg0, tg1] = await runningApp(bed, 2);
    bed.cluster.injectStatus(tg0!.tasks[0]!.id, 'TASK_FAILED');
    await bed.settle();
    const result = await bed.scheduler.messages.sendToApplication('test', 'web', SIGNAL);
    expect(result.sent.map((r) => r.ID)).toContain(tg1!.id);
    expect(result.failed.map((r) => r.ID)).toContain(tg0!.id);
  });

  it('refuses with the DEFAULT executor (409), an unknown target (404), a taskgroup not Running (400)', async () => {
    bed = await createCommandBed({ engine: { executor: { kind: 'default' } } });
    await runningApp(bed, 1);
    expect(await codeOf(bed.scheduler.messages.sendToApplication('test', 'web', SIGNAL))).toBe(
      ErrorCode.Conflict,
    );
    await bed.close();
    bed = await createCommandBed();
    const [tg] = await runningApp(bed, 1);
    expect(await codeOf(bed.scheduler.messages.sendToApplication('test', 'nope', SIGNAL))).toBe(
      ErrorCode.NotFound,
    );
    expect(await codeOf(bed.scheduler.messages.sendToTaskGroup('test', 'web', 'web-9', SIGNAL))).toBe(
      ErrorCode.NotFound,
    );
    bed.cluster.injectStatus(tg!.tasks[0]!.id, 'TASK_FINISHED');
    await bed.settle();
    expect(await codeOf(bed.scheduler.messages.sendToTaskGroup('test', 'web', tg!.id, SIGNAL))).toBe(
      ErrorCode.ParameterError,
    );
    expect(bed.driver.sent(MsgType.SIGNAL)).toEqual([]);
  });
});

describe('parseMessageBody', () => {
  it.each([
    [
      { msgtype: 'signal', msgdata: { signal: 15, processname: 'nginx' } },
      { Type: 2, Sig: { Signal: 15, ProcessName: 'nginx' } },
    ],
    [
      { msgtype: 'local', msgdata: { to: '/etc/a.conf', ctx: 'aGk=', user: 'root', right: 'rw' } },
      { Type: 1, Local: { To: '/etc/a.conf', Base64: 'aGk=', User: 'root', Right: 'rw' } },
    ],
    [
      { msgtype: 'remote', msgdata: { to: '/etc/b', remote: 'http://x/b' } },
      {
        Type: 4,
        Remote: { To: '/etc/b', From: 'http://x/b', User: '', Right: '', RemoteUser: '', RemotePasswd: '' },
      },
    ],
    [
      { msgtype: 'env-key', msgdata: { 'env-key': 'A', 'env-value': '1' } },
      { Type: 3, Env: { Name: 'A', Value: '1' } },
    ],
  ])('%j → %j', (body, payload) => {
    expect(parseMessageBody(body)).toEqual(payload);
  });

  it.each([
    [{ msgtype: 'reboot', msgdata: {} }, ErrorCode.UnknownMessageType, 'msgtype'],
    [{ msgtype: 'signal', msgdata: { processname: 'x' } }, ErrorCode.InvalidData, 'msgdata.signal'],
    [
      { msgtype: 'signal', msgdata: { signal: 99, processname: 'x' } },
      ErrorCode.InvalidData,
      'msgdata.signal',
    ],
    [{ msgtype: 'signal', msgdata: { signal: 9 } }, ErrorCode.InvalidData, 'msgdata.processname'],
    [{ msgtype: 'local', msgdata: { to: '/a', ctx: 'not base64!' } }, ErrorCode.InvalidData, 'msgdata.ctx'],
    [{ msgtype: 'remote', msgdata: { to: '/a' } }, ErrorCode.InvalidData, 'msgdata.remote'],
    [{ msgtype: 'signal', msgdata: 'x' }, ErrorCode.InvalidData, 'msgdata'],
    [[], ErrorCode.InvalidData, ''],
  ])('refuses %j with code %d naming %s', (body, code, path) => {
    try {
      parseMessageBody(body);
      expect.unreachable();
    } catch (error) {
      const e = error as { code: number; issues: { path: string }[] };
      expect(e.code).toBe(code);
      expect(e.issues.map((i) => i.path)).toContain(path);
    }
  });
});

describe('CommandTracker.commitImage', () => {
  it('sends COMMIT_TASK for the containers of that image and records the executor report', async () => {
    bed = await createCommandBed();
    const [tg] = await runningApp(bed, 1);
    const image = tg!.tasks[0]!.image;
    const record = await bed.scheduler.commands.commitImage(tg!.id, image, 'registry/snap:v2');
    await bed.settle(); // the MESSAGEs go out in the dispatch turns after the record
    expect(record.id).toMatch(/^commit-test-web-\d+$/);
    const [sent] = bed.driver.sent(MsgType.COMMIT_TASK);
    expect(sent!.message).toMatchObject({
      Type: 9,
      TaskGroupId: tg!.id,
      CommitTask: { Tasks: [{ TaskId: tg!.tasks[0]!.id, Image: 'registry/snap:v2' }] },
    });
    // The executor tells the result in its next TASK_STATUS_UPDATE, the message embedded in the container info.
    const handled = { ...sent!.message, Status: 'success', Message: '', CompleteTime: sent!.message.Id + 1 };
    const info = { ID: 'c'.repeat(64), Status: 'running', BcsMessage: handled };
    bed.driver.answer(tg!.id, tg!.agentId!, {
      Id: 1,
      Type: 14,
      TaskGroupId: '',
      TaskID: { value: tg!.tasks[0]!.id },
      TaskStatus: Buffer.from(JSON.stringify(info)).toString('base64'),
      Status: '',
      Message: '',
      CompleteTime: 0,
      CreateTime: 0,
    });
    await bed.settle();
    const done = bed.scheduler.commands.get('application', 'test', 'web', record.id);
    expect(done.status.taskgroups[0]!.tasks[0]!.status).toBe('finish');
    expect(done.commit).toMatchObject({ image, url: 'registry/snap:v2' });
  });

  it('refuses an unknown taskgroup (404) and an image no container has (400)', async () => {
    bed = await createCommandBed();
    const [tg] = await runningApp(bed, 1);
    expect(await codeOf(bed.scheduler.commands.commitImage('0.x.test.10001.1', 'a', 'b'))).toBe(
      ErrorCode.NotFound,
    );
    expect(await codeOf(bed.scheduler.commands.commitImage(tg!.id, 'nginx', 'b'))).toBe(
      ErrorCode.ParameterError,
    );
    expect(bed.driver.sent(MsgType.COMMIT_TASK)).toEqual([]);
  });
});

describe('CommandTracker.commitImage twice in one second', () => {
  it('gives each commit its own message id, so each gets its own report', async () => {
    bed = await createCommandBed({ executors: 'emulated' });
    const [tg] = await runningApp(bed, 1);
    const image = tg!.tasks[0]!.image;
    const first = await bed.scheduler.commands.commitImage(tg!.id, image, 'registry/a:v1');
    const second = await bed.scheduler.commands.commitImage(tg!.id, image, 'registry/a:v2');
    expect(second.commit!.messageId).toBe(first.commit!.messageId + 1);
    await bed.advance(1000);
    for (const record of [first, second]) {
      const done = bed.scheduler.commands.get('application', 'test', 'web', record.id);
      expect(done.status.taskgroups[0]!.tasks[0]!.status).toBe('finish');
    }
  });
});
