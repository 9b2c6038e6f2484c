import type { LaunchTaskSpec } from '@bcs/testing/conformance';
import { ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { EXECUTOR_MESSAGE_LOG_LIMIT, SimulatedCluster } from '../src/index.js';
import {
  commandRequest,
  customLaunch,
  messageCall,
  replies,
  schedulerData,
  stamped,
  taskStatusOf,
} from './executor-wire.js';
import { type ClusterHarness, firstOffer, startCluster, T0 } from './harness.js';

// The emulated BCS executor, in process on a manual clock: what a CUSTOM-executor taskgroup answers to each
// MESSAGE the original scheduler sends (bk-bcs bcs-container-executor; /work/briefs/s5-executor-wire.md).

const TG = 'tg-1';

/** A cluster with one CUSTOM group `TG` (tasks t1, t2 unless given), running. */
async function withGroup(
  tasks: readonly LaunchTaskSpec[] = [{ id: 't1' }, { id: 't2' }],
  options: Parameters<typeof startCluster>[0] = {},
): Promise<{ h: ClusterHarness; agentId: string }> {
  const h = await startCluster(options);
  const offer = await firstOffer(h);
  await h.call(customLaunch(offer, h.frameworkId, TG, tasks));
  return { h, agentId: offer.agent_id.value };
}

async function send(h: ClusterHarness, agentId: string, message: unknown, executorId = TG): Promise<void> {
  await h.call(messageCall(agentId, executorId, message));
}

const commit = (tasks: { TaskId: string | null; Image: string | null }[]) =>
  stamped(TG, 9, { CommitTask: { Tasks: tasks } });

describe('Req_COMMAND_TASK', () => {
  it('is answered with Res_COMMAND_TASK: finish, exit code 0 and the command words as stdout', async () => {
    const { h, agentId } = await withGroup();
    await send(h, agentId, commandRequest(TG, 't2', ['ls', '-l', '/']));
    const [reply, ...more] = replies(h.events);
    expect(more).toEqual([]);
    expect(reply).toMatchObject({ agentId, executorId: TG });
    expect(
      reply!.json.startsWith('{"Id":0,"Type":13,"TaskGroupId":"","TaskID":null,"ResponseCommandTask":'),
    ).toBe(true);
    expect(reply!.body).toEqual({
      Id: 0,
      Type: 13,
      TaskGroupId: '',
      TaskID: null,
      ResponseCommandTask: {
        ID: 'cmd-1',
        TaskId: 't2',
        ContainerId: expect.stringMatching(/^[0-9a-f]{64}$/),
        Status: 'finish',
        Message: '',
        CommInspect: { exitCode: 0, stdout: 'ls -l /\n', stderr: '' },
      },
      Status: '',
      Message: '',
      CompleteTime: 0,
      CreateTime: 0,
    });
    const [received] = h.cluster.executorMessages();
    expect(received).toMatchObject({ agentId, executorId: TG, type: 12, at: T0 });
    expect(received!.body).toMatchObject({
      Type: 12,
      RequestCommandTask: { TaskId: 't2', Cmd: ['ls', '-l', '/'] },
    });
  });

  it('answers with the programmed exit code, output cut to 256 bytes, after delayMs on the cluster clock', async () => {
    const { h, agentId } = await withGroup();
    h.cluster.programExecutor(TG, {
      command: { exitCode: 2, stdout: 'x'.repeat(300), stderr: 'boom', delayMs: 5000 },
    });
    await send(h, agentId, commandRequest(TG, 't1', ['false']));
    await h.advance(4999);
    expect(replies(h.events)).toEqual([]);
    await h.advance(1);
    const [reply] = replies(h.events);
    expect(reply!.body.ResponseCommandTask).toMatchObject({
      TaskId: 't1',
      Status: 'finish',
      CommInspect: { exitCode: 2, stdout: 'x'.repeat(256), stderr: 'boom' },
    });
  });

  it("a group's program wins over '*', and clearing it restores the '*' one", async () => {
    const { h, agentId } = await withGroup();
    h.cluster.programExecutor('*', { command: { exitCode: 7 } });
    h.cluster.programExecutor(TG, { command: { exitCode: 3 } });
    await send(h, agentId, commandRequest(TG, 't1', ['a']));
    h.cluster.programExecutor(TG, undefined);
    await send(h, agentId, commandRequest(TG, 't1', ['b']));
    h.cluster.programExecutor('*', undefined);
    await send(h, agentId, commandRequest(TG, 't1', ['c']));
    expect(replies(h.events).map((r) => r.body.ResponseCommandTask!.CommInspect!.exitCode)).toEqual([
      3, 7, 0,
    ]);
  });

  it('silent: never answered, though received', async () => {
    const { h, agentId } = await withGroup();
    h.cluster.programExecutor('*', { command: { silent: true } });
    await send(h, agentId, commandRequest(TG, 't1', ['sleep', '1d']));
    await h.advance(3_600_000);
    expect(replies(h.events)).toEqual([]);
    expect(h.cluster.executorMessages().map((m) => m.type)).toEqual([12]);
  });

  it('for a task not in the group: failed, container not found, no CommInspect', async () => {
    const { h, agentId } = await withGroup();
    await send(h, agentId, commandRequest(TG, 'other', ['ls']));
    expect(replies(h.events)[0]!.body.ResponseCommandTask).toEqual({
      ID: 'cmd-1',
      TaskId: 'other',
      ContainerId: '',
      Status: 'failed',
      Message: 'task other container not found',
      CommInspect: null,
    });
  });

  it('endOnCommand: the tasks end in that state and nothing answers', async () => {
    const { h, agentId } = await withGroup();
    h.cluster.programExecutor(TG, { endOnCommand: 'TASK_FAILED' });
    await send(h, agentId, commandRequest(TG, 't1', ['ls']));
    await h.advance(1000);
    expect(h.cluster.tasks().map((t) => [t.taskId, t.state])).toEqual([
      ['t1', 'TASK_FAILED'],
      ['t2', 'TASK_FAILED'],
    ]);
    expect(replies(h.events)).toEqual([]);
  });

  it('a group killed while the command runs never answers', async () => {
    const { h, agentId } = await withGroup();
    h.cluster.programExecutor(TG, { command: { delayMs: 10_000 } });
    await send(h, agentId, commandRequest(TG, 't1', ['ls']));
    await h.call({ type: 'KILL', kill: { task_id: { value: 't1' } } });
    await h.advance(20_000);
    expect(replies(h.events)).toEqual([]);
  });
});

describe('TASK_STATUS_UPDATE answers', () => {
  it('COMMIT_TASK: one type-14 MESSAGE per task, its container info carrying the message with success', async () => {
    const { h, agentId } = await withGroup();
    await h.advance(2000);
    await send(h, agentId, commit([{ TaskId: 't1', Image: 'registry/app:snap' }]));
    const got = replies(h.events);
    expect(got.map((r) => r.body.TaskID)).toEqual([{ value: 't1' }, { value: 't2' }]);
    for (const reply of got) {
      expect(reply.body).toMatchObject({ Type: 14, TaskGroupId: '', Status: '', Message: '', CreateTime: 0 });
      expect(reply.json).toMatch(/^\{"Id":\d{19},"Type":14,/);
      const info = taskStatusOf(reply);
      expect(info).toMatchObject({
        ID: expect.stringMatching(/^[0-9a-f]{64}$/),
        Name: `bcs-container-${reply.body.TaskID!.value}`,
        Status: 'running',
        FinishAt: '0001-01-01T00:00:00Z',
      });
      expect(info.BcsMessage).toEqual({
        Id: 1_700_000_000,
        Type: 9,
        TaskGroupId: TG,
        TaskID: null,
        CommitTask: { Tasks: [{ TaskId: 't1', Image: 'registry/app:snap' }] },
        Status: 'success',
        Message: '',
        CompleteTime: Math.floor((T0 + 2000) / 1000),
        CreateTime: 1_700_000_000,
      });
    }
  });

  it('COMMIT_TASK programmed to fail, or naming a task not in the group: failed with the reason', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    await send(h, agentId, commit([{ TaskId: 'ghost', Image: 'r/a:1' }]));
    h.cluster.programExecutor(TG, { commit: { ok: false, message: 'no space left on device' } });
    await send(h, agentId, commit([{ TaskId: 't1', Image: 'r/a:1' }]));
    const results = replies(h.events).map((r) => taskStatusOf(r).BcsMessage);
    expect(results.map((m) => [m.Status, m.Message])).toEqual([
      ['failed', 'task ghost container not found'],
      ['failed', 'no space left on device'],
    ]);
  });

  it('commit delayMs and silent', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    h.cluster.programExecutor(TG, { commit: { delayMs: 1500 } });
    await send(h, agentId, commit([{ TaskId: 't1', Image: 'r/a:1' }]));
    await h.advance(1499);
    expect(replies(h.events)).toHaveLength(0);
    await h.advance(1);
    expect(replies(h.events)).toHaveLength(1);
    h.cluster.programExecutor(TG, { commit: { silent: true } });
    await send(h, agentId, commit([{ TaskId: 't1', Image: 'r/a:1' }]));
    await h.advance(60_000);
    expect(replies(h.events)).toHaveLength(1);
  });

  it('SIGNAL succeeds, ENV always fails, RELOAD_TASK (unhandled by the original) succeeds', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    await send(h, agentId, stamped(TG, 2, { Sig: { Signal: 10, ProcessName: 'nginx' } }));
    await send(h, agentId, stamped(TG, 3, { Env: { Name: 'A', Value: 'b' } }));
    await send(h, agentId, stamped(TG, 10, { CommitTask: { Tasks: null } }));
    const results = replies(h.events).map((r) => taskStatusOf(r).BcsMessage);
    expect(results.map((m) => [m.Type, m.Status])).toEqual([
      [2, 'success'],
      [3, 'failed'],
      [10, 'success'],
    ]);
    expect(results[0]!.Sig).toEqual({ Signal: 10, ProcessName: 'nginx' });
    expect(results[1]!.Message).toBe('executor can not support env change when container is running');
  });

  it('decodes keys case-insensitively, as Go does, and reports them with the Go names', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    await send(h, agentId, { type: 2, taskgroupid: TG, sig: { signal: 12, processname: 'gamesvc' } });
    const [received] = h.cluster.executorMessages();
    expect(received!.body).toMatchObject({
      Type: 2,
      TaskGroupId: TG,
      Sig: { Signal: 12, ProcessName: 'gamesvc' },
    });
    expect(taskStatusOf(replies(h.events)[0]!).BcsMessage.Status).toBe('success');
  });
});

describe('who answers', () => {
  it('a DEFAULT-executor group ignores MESSAGEs (the master still delivered them)', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, TG, [{ id: 't1' }]);
    await send(h, offer.agent_id.value, commandRequest(TG, 't1', ['ls']));
    await h.advance(1000);
    expect(replies(h.events)).toEqual([]);
    expect(h.cluster.executorMessages()).toEqual([]);
    expect(h.cluster.messages()).toHaveLength(1);
  });

  it('a group that is not running drops them', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }], { startupMs: 5000 });
    await send(h, agentId, commandRequest(TG, 't1', ['ls']));
    await h.advance(20_000);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_RUNNING');
    expect(replies(h.events)).toEqual([]);
    expect(h.cluster.executorMessages().map((m) => m.type)).toEqual([12]);
  });

  it('undecodable data is recorded as type 0 and dropped', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    // Plain JSON without the inner base64 layer, and base64 of something that is not JSON.
    await h.call({
      type: 'MESSAGE',
      message: {
        agent_id: { value: agentId },
        executor_id: { value: TG },
        data: Buffer.from(JSON.stringify(commandRequest(TG, 't1', ['ls']))).toString('base64'),
      },
    });
    await send(h, agentId, 'not json');
    // A value of the wrong type fails Go's Unmarshal.
    await send(h, agentId, stamped(TG, 2, { Sig: { Signal: '10', ProcessName: 'x' } }));
    expect(h.cluster.executorMessages().map((m) => [m.type, m.body])).toEqual([
      [0, undefined],
      [0, undefined],
      [0, undefined],
    ]);
    expect(replies(h.events)).toEqual([]);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_RUNNING');
  });

  it('a message the original dereferences nil in crashes the executor: its tasks fail', async () => {
    const { h, agentId } = await withGroup();
    await send(h, agentId, stamped(TG, 2, { Sig: { Signal: 15, ProcessName: null } }));
    await h.advance(0);
    expect(replies(h.events)).toEqual([]);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_FAILED', 'TASK_FAILED']);
    const failed = h.cluster.tasks()[0]!.unacked.find((u) => u.state === 'TASK_FAILED');
    expect(failed).toMatchObject({ source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED' });
  });

  it('keeps only the newest executorMessageLimit messages, in order', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }], { executorMessageLimit: 3 });
    for (let i = 1; i <= 5; i++)
      await send(h, agentId, commandRequest(TG, 't1', ['echo', `${i}`], `cmd-${i}`));
    const kept = h.cluster.executorMessages();
    expect(kept.map((m) => (m.body as { RequestCommandTask: { ID: string } }).RequestCommandTask.ID)).toEqual(
      ['cmd-3', 'cmd-4', 'cmd-5'],
    );
    // Every message was still answered; only the logs are bounded (the delivered MESSAGE calls too).
    expect(replies(h.events)).toHaveLength(5);
    expect(h.cluster.messages()).toHaveLength(3);
  });

  it('refuses an executorMessageLimit below 1', () => {
    expect(() => new SimulatedCluster({ clock: new ManualClock(T0), executorMessageLimit: 0 })).toThrow(
      RangeError,
    );
    expect(EXECUTOR_MESSAGE_LOG_LIMIT).toBe(10_000);
  });

  it('programExecutor rejects an invalid program or target with a RangeError and keeps the old one', async () => {
    const { h, agentId } = await withGroup([{ id: 't1' }]);
    h.cluster.programExecutor(TG, { command: { exitCode: 4 } });
    expect(() => h.cluster.programExecutor(TG, { command: { delayMs: -1 } })).toThrow(RangeError);
    expect(() => h.cluster.programExecutor(TG, { endOnCommand: 'TASK_LOST' as never })).toThrow(RangeError);
    expect(() => h.cluster.programExecutor('', {})).toThrow(RangeError);
    await send(h, agentId, commandRequest(TG, 't1', ['ls']));
    expect(replies(h.events)[0]!.body.ResponseCommandTask!.CommInspect!.exitCode).toBe(4);
  });
});

describe('schedulerData', () => {
  it('is two base64 layers over the JSON', () => {
    const data = schedulerData({ Type: 2 });
    const inner = Buffer.from(data, 'base64').toString('latin1');
    expect(Buffer.from(inner, 'base64').toString('utf8')).toBe('{"Type":2}');
  });
});
