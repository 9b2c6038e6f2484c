import { aLaunchGroupCall } from '@bcs/testing/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HTTP_FRAMEWORK,
  isStream,
  type SimHttp,
  send,
  settled,
  startSimHttp,
  subscribe,
  subscribed,
  type TestStream,
  until,
} from './http-helpers.js';

// Fault injection (from code and from POST /admin/faults), several masters, and the admin endpoints.

let sim: SimHttp | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function launch(s: SimHttp, stream: TestStream, ids: readonly string[], offerIndex = 0): Promise<void> {
  s.advance(0);
  await stream.waitFor((x) => x.offers().length > offerIndex, 'an offer');
  const offer = stream.offers()[offerIndex]!;
  const call = aLaunchGroupCall(offer, {
    frameworkId: stream.frameworkId,
    executorId: `e-${ids[0]}`,
    tasks: ids.map((id) => ({ id, cpus: 0.01, mem: 1 })),
  });
  expect((await stream.call(call)).status).toBe(202);
}

function fault(s: SimHttp, body: unknown, url = s.url) {
  return send(url, { path: '/admin/faults', body: JSON.stringify(body) });
}

describe('faults', () => {
  it('silence: no heartbeats or events while on, the socket stays open; off: they flow again', async () => {
    sim = await startSimHttp({ heartbeatSeconds: 5 });
    const stream = await subscribed(sim.url);
    sim.advance(0);
    await settled(sim, stream);
    expect((await fault(sim, { fault: 'silence', on: true })).status).toBe(200);
    const written = sim.server.eventsWritten;
    sim.advance(30_000);
    await new Promise((resolve) => setImmediate(resolve)); // cluster events reach the server on a microtask
    expect(sim.cluster.subscribed).toBe(true);
    expect(sim.server.eventsWritten).toBe(written);
    sim.server.faults.silence(false);
    sim.advance(5_000);
    await stream.waitFor(
      (x) => x.types().at(-1) === 'HEARTBEAT' && x.events.length === written + 1,
      'heartbeat',
    );
    expect(stream.ended).toBe(false);
  });

  it('dropStream: the socket closes, the framework is disconnected, its stream id no longer works', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    expect((await fault(sim, { fault: 'dropStream' })).status).toBe(200);
    await stream.waitFor((x) => x.ended, 'stream end');
    expect(stream.types()).not.toContain('ERROR');
    expect(sim.cluster.subscribed).toBe(false);
    expect((await stream.call({ type: 'REVIVE' })).status).toBe(403);
    const state = JSON.parse((await send(sim.url, { method: 'GET', path: '/admin/state' })).body);
    expect(state).toMatchObject({ frameworkId: stream.frameworkId, subscribed: false, agents: 2, tasks: 0 });
  });

  it('duplicateUpdates: every UPDATE is written twice with the same uuid', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    sim.server.faults.duplicateUpdates(true);
    await launch(sim, stream, ['t1']);
    await stream.waitFor((x) => x.updates('t1').length === 2, 'two copies');
    const [a, b] = stream.updates('t1');
    expect(a).toEqual(b);
    expect(a!.uuid).toBeDefined();
  });

  it('loseAgent: RESCIND, FAILURE and TASK_LOST without uuid for its tasks', async () => {
    sim = await startSimHttp({}, { agents: 1 });
    const stream = await subscribed(sim.url);
    await launch(sim, stream, ['t1']);
    await stream.waitFor((x) => x.updates('t1').length > 0);
    sim.advance(5_000); // the refuse filter ends: the agent is offered again
    await stream.waitFor((x) => x.offers().length === 2, 'second offer');
    const agentId = stream.offers()[0]!.agent_id.value;
    expect((await fault(sim, { fault: 'loseAgent', agentId: 'no-such-agent' })).status).toBe(404);
    expect((await fault(sim, { fault: 'loseAgent', agentId })).status).toBe(200);
    await stream.waitFor((x) => x.updates('t1').some((u) => u.state === 'TASK_LOST'), 'TASK_LOST');
    await stream.waitFor(
      (x) => x.types().includes('FAILURE') && x.types().includes('RESCIND'),
      'FAILURE, RESCIND',
    );
    const lost = stream.updates('t1').find((u) => u.state === 'TASK_LOST')!;
    expect(lost.uuid).toBeUndefined();
    expect(sim.cluster.agents()).toHaveLength(0);
  });

  it('rechunk: the stream arrives in many more chunks than records and still decodes record by record', async () => {
    sim = await startSimHttp({}, { agents: 3 });
    const stream = await subscribed(sim.url);
    expect((await fault(sim, { fault: 'rechunk', on: true })).status).toBe(200);
    await launch(sim, stream, ['a1', 'a2', 'a3']);
    await launch(sim, stream, ['b1'], 1);
    sim.advance(30_000);
    await settled(sim, stream);
    expect(stream.chunks).toBeGreaterThan(stream.events.length * 3);
    expect(stream.updates('a3').map((u) => u.state)).toContain('TASK_STARTING');
    expect(stream.types().filter((t) => t === 'HEARTBEAT').length).toBe(7);
    sim.server.faults.rechunk(false);
    await stream.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    await settled(sim, stream);
  });

  it('POST /admin/faults answers 400 to an unknown fault or a missing switch, and GET /admin/tasks lists tasks', async () => {
    sim = await startSimHttp();
    expect((await fault(sim, { fault: 'meteor' })).status).toBe(400);
    expect((await fault(sim, { fault: 'silence' })).status).toBe(400);
    expect((await fault(sim, { fault: 'switchLeader', recoveringMs: -1 })).status).toBe(400);
    expect((await send(sim.url, { path: '/admin/faults', body: 'nope' })).status).toBe(400);
    const stream = await subscribed(sim.url);
    await launch(sim, stream, ['t1']);
    const tasks = JSON.parse((await send(sim.url, { method: 'GET', path: '/admin/tasks' })).body);
    expect(tasks.map((t: { taskId: string }) => t.taskId)).toEqual(['t1']);
  });
});

describe('POST /admin/status', () => {
  it('injects an executor update; one sent while disconnected arrives after the re-subscribe, once ACKed', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    await launch(sim, stream, ['t1']);
    await stream.waitFor((x) => x.updates('t1').length > 0);
    for (const u of [stream.updates('t1')[0]!]) await stream.ack(u);
    await stream.waitFor((x) => x.updates('t1').at(-1)?.state === 'TASK_RUNNING');
    await stream.ack(stream.updates('t1').at(-1)!);
    const status = (body: unknown) => send(sim!.url, { path: '/admin/status', body: JSON.stringify(body) });
    expect((await status({ taskId: 't1', state: 'TASK_LOST' })).status).toBe(400);
    expect((await status({ taskId: 'nope', state: 'TASK_FAILED' })).status).toBe(404);
    stream.destroy();
    await until(() => !sim!.cluster.subscribed, 'disconnect');
    expect((await status({ taskId: 't1', state: 'TASK_FAILED', message: 'oom' })).status).toBe(200);
    const written = sim.server.eventsWritten;
    const back = await subscribed(sim.url, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    await back.waitFor((x) => x.updates('t1').length === 1, 'the FAILED update');
    const failed = back.updates('t1')[0]!;
    expect(failed).toMatchObject({ state: 'TASK_FAILED', message: 'oom' });
    expect((await back.ack(failed)).status).toBe(202);
    sim.advance(60_000);
    await settled(sim, back, written);
    expect(back.updates('t1')).toHaveLength(1);
    expect(sim.cluster.tasks()).toHaveLength(0);
  });
});

describe('three masters', () => {
  it('only the leader serves; the others answer 307 with a protocol-relative Location', async () => {
    sim = await startSimHttp({ masters: 3 });
    const [leader, second, third] = sim.server.urls;
    expect(sim.server.leaderUrl).toBe(leader);
    for (const url of [second!, third!]) {
      const reply = await subscribe(url);
      if (isStream(reply)) throw new Error('a non-leader served SUBSCRIBE');
      expect(reply.status).toBe(307);
      expect(reply.headers.location).toBe(`//${new URL(leader!).host}/api/v1/scheduler`);
    }
    expect(sim.cluster.frameworkId).toBeUndefined();
    const stream = await subscribed(leader!);
    expect(stream.frameworkId).not.toBe('');
  });

  it('switchLeader drops the stream, the new leader answers 503 while recovering, then serves the same framework', async () => {
    sim = await startSimHttp({ masters: 3 });
    const stream = await subscribed(sim.url);
    expect((await fault(sim, { fault: 'switchLeader', recoveringMs: 2000 }, sim.server.urls[2])).status).toBe(
      200,
    );
    await stream.waitFor((x) => x.ended, 'stream end');
    const leader = sim.server.urls[1]!;
    expect(sim.server.leaderUrl).toBe(leader);
    const old = await subscribe(sim.url, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(isStream(old) ? 200 : old.headers.location).toBe(`//${new URL(leader).host}/api/v1/scheduler`);
    const early = await subscribe(leader, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(isStream(early) ? 200 : early.status).toBe(503);
    sim.advance(1999);
    const stillEarly = await subscribe(leader, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(isStream(stillEarly) ? 200 : stillEarly.status).toBe(503);
    sim.advance(1);
    const back = await subscribed(leader, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(back.frameworkId).toBe(stream.frameworkId);
    expect((await back.call({ type: 'REVIVE' })).status).toBe(202);
  });

  it('restartMaster keeps the leader: the stream is dropped and the same master answers 503, then serves', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    sim.server.faults.restartMaster();
    await stream.waitFor((x) => x.ended, 'stream end');
    expect((await stream.call({ type: 'REVIVE' })).status).toBe(503);
    sim.advance(1000);
    const back = await subscribed(sim.url, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(back.frameworkId).toBe(stream.frameworkId);
  });
});

describe('checkEvent', () => {
  it('sees every event written', async () => {
    const seen: string[] = [];
    sim = await startSimHttp({
      checkEvent: (event) => {
        seen.push((event as { type: string }).type);
        return undefined;
      },
    });
    const stream = await subscribed(sim.url);
    sim.advance(0);
    await settled(sim, stream);
    expect(seen).toEqual(stream.types());
    expect(seen).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
  });
});
