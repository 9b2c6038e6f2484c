import type { MesosEvent } from '@bcs/core';
import { ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { drainMicrotasks } from '../src/flush.js';
import { SimulatedCluster } from '../src/index.js';
import { FRAMEWORK, firstOffer, startCluster, T0 } from './harness.js';

// disconnect(): the framework's connection is lost without TEARDOWN; its failover_timeout runs on the clock.

const WITH_TIMEOUT = { ...FRAMEWORK, failover_timeout: 30 };

describe('SimulatedCluster.disconnect()', () => {
  it('removes the framework with its tasks failover_timeout seconds later; its id then gets ERROR', async () => {
    const h = await startCluster({ agents: 1 }, WITH_TIMEOUT);
    await h.launch(await firstOffer(h), 'e1', [{ id: 't1' }]);
    h.cluster.disconnect();
    expect(h.cluster.subscribed).toBe(false);
    await h.advance(29_999);
    expect(h.cluster.frameworkId).toBe(h.frameworkId);
    expect(h.cluster.tasks()).toHaveLength(1);
    await h.advance(1);
    expect(h.cluster.frameworkId).toBeUndefined();
    expect(h.cluster.tasks()).toHaveLength(0);
    expect(h.cluster.agents()[0]!.used.cpus).toBe(0);
    const events: MesosEvent[] = [];
    await h.cluster.subscribe({ ...WITH_TIMEOUT, id: { value: h.frameworkId } }, (e) => events.push(e));
    await drainMicrotasks();
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect(h.cluster.subscribed).toBe(false);
  });

  it('a SUBSCRIBE before the timeout cancels it', async () => {
    const h = await startCluster({ agents: 1 }, WITH_TIMEOUT);
    await h.launch(await firstOffer(h), 'e1', [{ id: 't1' }]);
    h.cluster.disconnect();
    await h.advance(10_000);
    await h.cluster.subscribe({ ...WITH_TIMEOUT, id: { value: h.frameworkId } }, () => {});
    await h.advance(60_000);
    expect(h.cluster.frameworkId).toBe(h.frameworkId);
    expect(h.cluster.tasks()).toHaveLength(1);
  });

  it('while disconnected the agents keep running; the updates wait for the next SUBSCRIBE', async () => {
    const h = await startCluster(
      { agents: 1, scripts: { short: { kind: 'finish-after', ms: 5_000 } } },
      WITH_TIMEOUT,
    );
    await h.launch(await firstOffer(h), 'e1', [{ id: 't1', image: 'short' }]);
    await h.ackUntil('t1', 'TASK_RUNNING');
    h.cluster.disconnect();
    await h.advance(6_000);
    expect(h.cluster.tasks()[0]).toMatchObject({
      state: 'TASK_FINISHED',
      unacked: [{ state: 'TASK_FINISHED' }],
    });
    const events: MesosEvent[] = [];
    await h.cluster.subscribe({ ...WITH_TIMEOUT, id: { value: h.frameworkId } }, (e) => events.push(e));
    await drainMicrotasks();
    const updates = events.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status.state] : []));
    expect(updates).toEqual(['TASK_FINISHED']);
  });

  it('dispose() is not a disconnect: no timeout runs, and it cancels a pending one', async () => {
    const h = await startCluster({ agents: 1 }, { ...FRAMEWORK, failover_timeout: 0 });
    await h.cluster.dispose();
    await h.advance(60_000);
    expect(h.cluster.frameworkId).toBe(h.frameworkId);
    const h2 = await startCluster({ agents: 1 }, WITH_TIMEOUT);
    h2.cluster.disconnect();
    await h2.cluster.dispose();
    await h2.advance(60_000);
    expect(h2.cluster.frameworkId).toBe(h2.frameworkId);
  });

  it('waits out a failover_timeout longer than a setTimeout can hold (7 days and 30 days)', async () => {
    for (const days of [7, 30]) {
      const clock = new ManualClock(T0);
      const cluster = new SimulatedCluster({ clock, seed: 3 });
      await cluster.subscribe({ ...FRAMEWORK, failover_timeout: days * 86_400 }, () => {});
      cluster.disconnect();
      clock.advance(days * 86_400_000 - 1);
      expect(cluster.frameworkId).toBeDefined();
      clock.advance(1);
      expect(cluster.frameworkId).toBeUndefined();
    }
  });
});
