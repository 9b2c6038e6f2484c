import type { MesosTaskStatus } from '@bcs/core';
import { loadMesosSchema } from '@bcs/testing/mesos-proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandRequest,
  customLaunch,
  messageCall,
  replies,
  stamped,
  taskStatusOf,
} from './executor-wire.js';
import { T0 } from './harness.js';
import { type SimHttp, send, settled, startSimHttp, subscribed, type TestStream } from './http-helpers.js';

// The emulated BCS executor over the HTTP face: replies are MESSAGE events on the SUBSCRIBE stream, valid
// mesos.scheduler.Events (strict proto check of every call and event), and the admin endpoints program it.

const schema = loadMesosSchema(undefined, { protoNamesOnly: true });
const TG = 'tg-http';

let sim: SimHttp | undefined;
let problems: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  problems = [];
});

/** A strictly checked simulator with a subscribed stream and one running CUSTOM group (t1, t2). */
async function running(): Promise<{ s: SimHttp; stream: TestStream; agentId: string }> {
  const s = await startSimHttp({
    checkCall: (body) => note('call', body, schema.checkCall(body)),
    checkEvent: (event) => note('event', event, schema.checkEvent(event)),
  });
  sim = s;
  const stream = await subscribed(s.url);
  s.advance(0);
  await stream.waitFor((x) => x.offers().length > 0, 'an offer');
  const offer = stream.offers()[0]!;
  const launch = customLaunch(offer, stream.frameworkId, TG, [{ id: 't1' }, { id: 't2' }]);
  expect((await stream.call(launch)).status).toBe(202);
  for (const id of ['t1', 't2']) await ackUntilRunning(stream, id);
  return { s, stream, agentId: offer.agent_id.value };
}

function note(what: string, body: unknown, problem: string | undefined): string | undefined {
  if (problem !== undefined) problems.push(`${what} ${JSON.stringify(body)}: ${problem}`);
  return problem;
}

async function ackUntilRunning(stream: TestStream, taskId: string): Promise<void> {
  const acked = new Set<string>();
  for (;;) {
    await stream.waitFor((x) => x.updates(taskId).some((u) => !acked.has(u.uuid!)), `${taskId} update`);
    const next = stream.updates(taskId).find((u) => !acked.has(u.uuid!)) as MesosTaskStatus;
    acked.add(next.uuid!);
    expect((await stream.ack(next)).status).toBe(202);
    if (next.state === 'TASK_RUNNING') return;
  }
}

function admin(s: SimHttp, body: string | object, path = '/admin/executor') {
  return send(s.url, { path, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('the emulated executor over HTTP', () => {
  it('answers a command and a commit with MESSAGE events a real master would send', async () => {
    const { s, stream, agentId } = await running();
    expect((await stream.call(messageCall(agentId, TG, commandRequest(TG, 't1', ['uptime'])))).status).toBe(
      202,
    );
    const commit = stamped(TG, 9, { CommitTask: { Tasks: [{ TaskId: 't2', Image: 'r/app:snap' }] } });
    expect((await stream.call(messageCall(agentId, TG, commit))).status).toBe(202);
    await stream.waitFor((x) => replies(x.events).length === 3, 'three executor messages');
    await settled(s, stream);
    const [command, ...updates] = replies(stream.events);
    expect(command).toMatchObject({ agentId, executorId: TG });
    expect(command!.body.ResponseCommandTask).toMatchObject({
      TaskId: 't1',
      Status: 'finish',
      CommInspect: { exitCode: 0, stdout: 'uptime\n', stderr: '' },
    });
    expect(updates.map((u) => [u.body.Type, u.body.TaskID?.value])).toEqual([
      [14, 't1'],
      [14, 't2'],
    ]);
    expect(updates.map((u) => taskStatusOf(u).BcsMessage.Status)).toEqual(['success', 'success']);
    expect(problems).toEqual([]);
  });

  it('POST /admin/executor programs it; GET /admin/executor/messages lists what it received', async () => {
    const { s, stream, agentId } = await running();
    const set = await admin(s, {
      target: TG,
      program: { command: { exitCode: 5, stderr: 'nope', delayMs: 2000 } },
    });
    expect(set.status).toBe(200);
    await stream.call(messageCall(agentId, TG, commandRequest(TG, 't2', ['false'], 'cmd-9')));
    s.advance(1999);
    await settled(s, stream);
    expect(replies(stream.events)).toEqual([]);
    s.advance(1);
    await stream.waitFor((x) => replies(x.events).length === 1, 'the delayed reply');
    expect(replies(stream.events)[0]!.body.ResponseCommandTask).toMatchObject({
      ID: 'cmd-9',
      CommInspect: { exitCode: 5, stdout: 'false\n', stderr: 'nope' },
    });
    // `program: null` clears.
    expect((await admin(s, { target: TG, program: null })).status).toBe(200);
    await stream.call(messageCall(agentId, TG, commandRequest(TG, 't2', ['true'])));
    await stream.waitFor((x) => replies(x.events).length === 2, 'the second reply');
    expect(replies(stream.events)[1]!.body.ResponseCommandTask!.CommInspect!.exitCode).toBe(0);

    const listed = await send(s.url, { method: 'GET', path: '/admin/executor/messages' });
    expect(listed.status).toBe(200);
    const records = JSON.parse(listed.body) as {
      executorId: string;
      type: number;
      at: number;
      body: unknown;
    }[];
    expect(records.map((r) => [r.executorId, r.type, r.at])).toEqual([
      [TG, 12, T0],
      [TG, 12, T0 + 2000],
    ]);
    expect(records[0]!.body).toMatchObject({ RequestCommandTask: { ID: 'cmd-9', Cmd: ['false'] } });
    expect(problems).toEqual([]);
  });

  it('POST /admin/executor answers 400 naming the field, and changes nothing', async () => {
    const { s, stream, agentId } = await running();
    expect((await admin(s, { target: '*', program: { command: { exitCode: 9 } } })).status).toBe(200);
    const bad: [string | object, string][] = [
      ['{not json', 'body'],
      [[], 'body'],
      [{ program: {} }, 'target'],
      [{ target: '', program: {} }, 'target'],
      [{ target: TG, program: 'x' }, 'program'],
      [{ target: TG, program: { command: { delayMs: -5 } } }, 'program.command.delayMs'],
      [{ target: TG, program: { command: { exitCode: 1.5 } } }, 'program.command.exitCode'],
      [{ target: TG, program: { commit: { ok: 'yes' } } }, 'program.commit.ok'],
      [{ target: TG, program: { endOnCommand: 'TASK_LOST' } }, 'program.endOnCommand'],
      [{ target: TG, program: { typo: 1 } }, 'program.typo'],
      [JSON.stringify({ target: TG, program: { command: { stdout: 'x'.repeat(70 * 1024) } } }), 'body'],
    ];
    for (const [body, field] of bad) {
      const answer = await admin(s, body);
      expect([JSON.stringify(body).slice(0, 80), answer.status]).toEqual([
        JSON.stringify(body).slice(0, 80),
        400,
      ]);
      expect((JSON.parse(answer.body) as { error: string }).error.startsWith(`${field}:`)).toBe(true);
    }
    await stream.call(messageCall(agentId, TG, commandRequest(TG, 't1', ['ls'])));
    await stream.waitFor((x) => replies(x.events).length === 1, 'the reply');
    expect(replies(stream.events)[0]!.body.ResponseCommandTask!.CommInspect!.exitCode).toBe(9);
    expect((await send(s.url, { method: 'GET', path: '/admin/executor' })).status).toBe(404);
  });
});
