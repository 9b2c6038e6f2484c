import { aLaunchGroupCall } from '@bcs/testing/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { RESEND_FIRST_MS } from '../src/status-updates.js';
import {
  HTTP_FRAMEWORK,
  isStream,
  type SimHttp,
  settled,
  startSimHttp,
  subscribe,
  subscribed,
  type TestStream,
} from './http-helpers.js';

// The strictness a real master has, over the wire: resends until ACK, uuid-less reconciliation, offers
// usable once, failover timeout after a lost connection.

let sim: SimHttp | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Subscribes, takes the first offer and launches one task `t1`; waits for its first update. */
async function launchOne(s: SimHttp, framework = HTTP_FRAMEWORK): Promise<TestStream> {
  const stream = await subscribed(s.url, framework);
  s.advance(0);
  await stream.waitFor((x) => x.offers().length > 0, 'an offer');
  const offer = stream.offers()[0]!;
  const launch = aLaunchGroupCall(offer, {
    frameworkId: stream.frameworkId,
    executorId: 'e1',
    tasks: [{ id: 't1' }],
  });
  expect((await stream.call(launch)).status).toBe(202);
  await stream.waitFor((x) => x.updates('t1').length > 0, 'first update');
  return stream;
}

describe('status updates over HTTP', () => {
  it('are resent after 10 s, then doubling, until acknowledged; the resend carries the same uuid', async () => {
    sim = await startSimHttp();
    const stream = await launchOne(sim);
    const first = stream.updates('t1')[0]!;
    expect(first.state).toBe('TASK_STARTING');
    sim.advance(RESEND_FIRST_MS - 1);
    expect(sim.cluster.tasks()[0]!.unacked).toHaveLength(2);
    sim.advance(1);
    await stream.waitFor((x) => x.updates('t1').length === 2, 'first resend');
    sim.advance(RESEND_FIRST_MS * 2);
    await stream.waitFor((x) => x.updates('t1').length === 3, 'second resend');
    expect(stream.updates('t1').map((u) => u.uuid)).toEqual([first.uuid, first.uuid, first.uuid]);
    expect((await stream.ack(first)).status).toBe(202);
    await stream.waitFor((x) => x.updates('t1').at(-1)?.state === 'TASK_RUNNING', 'RUNNING');
    const running = stream.updates('t1').at(-1)!;
    expect((await stream.ack(running)).status).toBe(202);
    const count = stream.updates('t1').length;
    sim.advance(RESEND_FIRST_MS * 10);
    await settled(sim, stream);
    expect(stream.updates('t1')).toHaveLength(count);
    expect(sim.cluster.tasks()[0]!.unacked).toHaveLength(0);
  });

  it('a reconciliation answer carries no uuid and needs no acknowledgement', async () => {
    sim = await startSimHttp();
    const stream = await launchOne(sim);
    const before = stream.updates('t1').length;
    expect(
      (await stream.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } })).status,
    ).toBe(202);
    await stream.waitFor(
      (x) => x.updates('t1').some((u) => u.source === 'SOURCE_MASTER'),
      'reconcile answer',
    );
    const answer = stream.updates('t1').find((u) => u.source === 'SOURCE_MASTER')!;
    expect(answer.uuid).toBeUndefined();
    expect(answer.reason).toBe('REASON_RECONCILIATION');
    expect(stream.updates('t1').length).toBe(before + 1);
  });
});

describe('offers over HTTP', () => {
  it('an offer used twice: the second ACCEPT gets its tasks dropped (REASON_INVALID_OFFERS), nothing launches', async () => {
    sim = await startSimHttp();
    const stream = await launchOne(sim);
    const offer = stream.offers()[0]!;
    const again = aLaunchGroupCall(offer, {
      frameworkId: stream.frameworkId,
      executorId: 'e2',
      tasks: [{ id: 't2' }],
    });
    expect((await stream.call(again)).status).toBe(202);
    await stream.waitFor((x) => x.updates('t2').length > 0, 't2 update');
    const t2 = stream.updates('t2')[0]!;
    expect(['TASK_DROPPED', 'TASK_LOST']).toContain(t2.state);
    expect(t2.reason).toBe('REASON_INVALID_OFFERS');
    expect(sim.cluster.tasks().map((t) => t.taskId)).toEqual(['t1']);
    // DECLINE of a used offer is ignored, as Mesos does (202, no effect).
    const decline = await stream.call({ type: 'DECLINE', decline: { offer_ids: [offer.id] } });
    expect(decline.status).toBe(202);
  });
});

describe('failover timeout', () => {
  it('a lost connection: after failover_timeout the framework and its tasks are removed; SUBSCRIBE gets ERROR', async () => {
    sim = await startSimHttp();
    const stream = await launchOne(sim);
    const frameworkId = stream.frameworkId;
    stream.destroy();
    await waitUntil(() => !sim!.cluster.subscribed);
    sim.advance(59_999);
    expect(sim.cluster.frameworkId).toBe(frameworkId);
    expect(sim.cluster.tasks()).toHaveLength(1);
    sim.advance(1);
    expect(sim.cluster.frameworkId).toBeUndefined();
    expect(sim.cluster.tasks()).toHaveLength(0);
    expect(sim.cluster.agents().every((a) => a.executors.length === 0)).toBe(true);
    const late = await subscribe(sim.url, { ...HTTP_FRAMEWORK, id: { value: frameworkId } });
    if (!isStream(late)) throw new Error(`SUBSCRIBE answered ${late.status}`);
    await late.waitFor((x) => x.ended, 'stream end');
    expect(late.types()).toEqual(['ERROR']);
  });

  it('a SUBSCRIBE within failover_timeout keeps the framework, its tasks and its pending updates', async () => {
    sim = await startSimHttp();
    const stream = await launchOne(sim);
    stream.destroy();
    await waitUntil(() => !sim!.cluster.subscribed);
    sim.advance(59_000);
    const back = await subscribed(sim.url, { ...HTTP_FRAMEWORK, id: { value: stream.frameworkId } });
    expect(back.frameworkId).toBe(stream.frameworkId);
    await back.waitFor((x) => x.updates('t1').length > 0, 'update resent on re-subscribe');
    sim.advance(10_000);
    expect(sim.cluster.frameworkId).toBe(stream.frameworkId);
    expect(sim.cluster.tasks()).toHaveLength(1);
  });

  it('without failover_timeout the framework is removed on the next tick after the connection is lost', async () => {
    sim = await startSimHttp();
    const { failover_timeout: _, ...framework } = HTTP_FRAMEWORK;
    const stream = await launchOne(sim, framework);
    stream.destroy();
    await waitUntil(() => !sim!.cluster.subscribed);
    sim.advance(0);
    expect(sim.cluster.frameworkId).toBeUndefined();
    expect(sim.cluster.tasks()).toHaveLength(0);
  });
});

async function waitUntil(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
