import type { MesosEvent } from '@bcs/core';
import { ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { drainMicrotasks } from '../src/flush.js';
import { SimulatedCluster } from '../src/index.js';
import { FRAMEWORK, firstOffer, startCluster, subscribeHarness, T0 } from './harness.js';

describe('SimulatedCluster subscription', () => {
  it('answers SUBSCRIBED with <masterId>-0000 and master_info, then HEARTBEAT, then one every 15 s', async () => {
    const h = await startCluster();
    expect(h.events[0]).toEqual({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: `${h.cluster.masterId}-0000` },
        heartbeat_interval_seconds: 15,
        master_info: expect.objectContaining({ id: h.cluster.masterId, port: 5050 }),
      },
    });
    expect(h.cluster.frameworkId).toBe(`${h.cluster.masterId}-0000`);
    await h.advance(14_999);
    expect(h.types().filter((t) => t === 'HEARTBEAT')).toHaveLength(1);
    await h.advance(1);
    await h.advance(15_000);
    expect(h.types().filter((t) => t === 'HEARTBEAT')).toHaveLength(3);
  });

  it('delivers nothing synchronously: events of a call arrive on a later microtask, in order', async () => {
    const cluster = new SimulatedCluster({ clock: new ManualClock(T0) });
    const events: MesosEvent[] = [];
    await cluster.subscribe(FRAMEWORK, (e) => events.push(e));
    await drainMicrotasks();
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    const ghosts = ['g-1', 'g-2', 'g-3'].map((value) => ({ task_id: { value } }));
    void cluster.call({ type: 'RECONCILE', reconcile: { tasks: ghosts } });
    expect(events).toHaveLength(2);
    await drainMicrotasks();
    expect(
      events.slice(2).map((e) => (e.type === 'UPDATE' ? e.update.status.task_id.value : e.type)),
    ).toEqual(['g-1', 'g-2', 'g-3']);
  });

  it('re-subscribing with the framework id keeps the tasks and resends unacknowledged heads at once', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const starting = h.updates('t-1')[0]!;
    await h.cluster.dispose();
    expect(h.cluster.outstandingOffers()).toEqual([]);
    const h2 = await subscribeHarness(h.cluster, h.clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(h2.frameworkId).toBe(h.frameworkId);
    expect(h2.types()).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'UPDATE']);
    expect(h2.updates()[0]).toEqual(starting);
    await h2.ack(starting);
    expect(h2.updates('t-1').map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
  });

  it('a second subscription ends the first stream with ERROR "Framework failed over"', async () => {
    const h = await startCluster();
    await h.advance(0);
    const h2 = await subscribeHarness(h.cluster, h.clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(h.events.at(-1)).toEqual({ type: 'ERROR', error: { message: 'Framework failed over' } });
    const seen = h.events.length;
    await h2.advance(20_000);
    expect(h.events).toHaveLength(seen);
    // Old offers are gone without RESCIND; the new subscription gets fresh ones.
    expect(h2.types()).not.toContain('RESCIND');
    expect(h2.offers()[0]!.id.value).not.toBe(h.offers()[0]!.id.value);
  });

  it('a subscription without id replaces the framework (its tasks go) with the next id', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const h2 = await subscribeHarness(h.cluster, h.clock);
    expect(h2.frameworkId).toBe(`${h.cluster.masterId}-0001`);
    expect(h.cluster.tasks()).toEqual([]);
    expect(h.cluster.agents()[0]!.used.cpus).toBe(0);
  });

  it('TEARDOWN removes the tasks and closes the stream without an event; the id is dead afterwards', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const seen = h.events.length;
    await h.call({ type: 'TEARDOWN' });
    await h.advance(20_000);
    expect(h.events).toHaveLength(seen);
    expect(h.cluster.tasks()).toEqual([]);
    expect(h.cluster.frameworkId).toBeUndefined();
    await expect(h.cluster.call({ type: 'REVIVE' })).rejects.toMatchObject({ status: 403 });
    const h2 = await subscribeHarness(h.cluster, h.clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(h2.events).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
  });

  it('status(): connecting, subscribed (with the framework id), removed after a subscribe with a dead id, closed', async () => {
    const clock = new ManualClock(T0);
    const cluster = new SimulatedCluster({ clock });
    expect(cluster.status()).toEqual({ state: 'connecting', master: 'in-process', since: T0 });
    const h = await subscribeHarness(cluster, clock);
    expect(cluster.status()).toMatchObject({ state: 'subscribed', frameworkId: h.frameworkId });
    await h.call({ type: 'TEARDOWN' });
    expect(cluster.status()).toMatchObject({ state: 'removed' });
    await subscribeHarness(cluster, h.clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(cluster.status()).toMatchObject({ state: 'removed', lastError: 'Framework has been removed' });
    await cluster.dispose();
    expect(cluster.status().state).toBe('closed');
  });

  it('dispose() is idempotent, drops queued events and leaves no timer on the clock', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }], 0);
    expect(h.clock.pendingTimers).toBe(1);
    void h.cluster.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    const seen = h.events.length;
    await h.cluster.dispose();
    await h.cluster[Symbol.asyncDispose]();
    await drainMicrotasks();
    expect(h.events).toHaveLength(seen);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('records every call in order and delivers MESSAGE only to an existing executor', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const message = (executor: string) => ({
      type: 'MESSAGE' as const,
      message: { agent_id: offer.agent_id, executor_id: { value: executor }, data: 'cmVsb2Fk' },
    });
    await h.call(message('grp-1'));
    await h.call(message('missing'));
    expect(h.cluster.messages()).toEqual([
      { agentId: offer.agent_id.value, executorId: 'grp-1', data: 'cmVsb2Fk', at: h.clock.now() },
    ]);
    expect(h.cluster.calls.map((c) => c.type)).toEqual(['ACCEPT', 'MESSAGE', 'MESSAGE']);
  });

  it('holds one clock timer however many tasks are pending', async () => {
    const h = await startCluster({ agents: 50, startupMs: 1000 });
    await h.advance(0);
    for (const [i, offer] of h.offers().entries()) await h.launch(offer, `grp-${i}`, [{ id: `t-${i}` }]);
    expect(h.cluster.tasks()).toHaveLength(50);
    expect(h.clock.pendingTimers).toBe(1);
  });
});
