import { ErrorCode, type Logger } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { SIM_COLLECTION, SimulatedCluster } from '../src/index.js';
import { FRAMEWORK, firstOffer, scalarOf, startCluster, subscribeHarness, T0 } from './harness.js';

/** A second cluster process on the same store (a different seed: the store, not the seed, restores it). */
async function reopen(
  store: ReturnType<typeof createMemoryStore>,
  clock: ManualClock,
): Promise<SimulatedCluster> {
  const cluster = new SimulatedCluster({ clock, store, seed: 999, agents: 5 });
  await cluster.open();
  return cluster;
}

describe('SimulatedCluster persistence', () => {
  it('a restarted scheduler finds its task still RUNNING, and reconciliation reports it', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const first = new SimulatedCluster({ clock, store, agents: 2 });
    await first.open();
    const h = await subscribeHarness(first, clock);
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1', ports: [31002] }]);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await first.dispose();

    const second = await reopen(store, clock);
    expect(second.masterId).toBe(first.masterId);
    expect(second.agents()).toEqual(first.agents());
    expect(second.tasks()).toEqual([
      {
        taskId: 't-1',
        executorId: 'grp-1',
        agentId: offer.agent_id.value,
        state: 'TASK_RUNNING',
        unacked: [],
      },
    ]);
    const h2 = await subscribeHarness(second, clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(h2.frameworkId).toBe(h.frameworkId);
    await h2.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't-1' } }] } });
    expect(h2.updates()).toMatchObject([{ state: 'TASK_RUNNING', reason: 'REASON_RECONCILIATION' }]);
    await h2.advance(0);
    const again = h2.offers().find((o) => o.agent_id.value === offer.agent_id.value)!;
    expect(scalarOf(again, 'cpus')).toBeCloseTo(3.8, 9);
    expect(again.executor_ids).toEqual([{ value: 'grp-1' }]);
    // Offer ids continue: the old offer stays invalid.
    expect(h2.offers().map((o) => o.id.value)).not.toContain(offer.id.value);
    await h2.launch(offer, 'grp-x', [{ id: 't-x' }]);
    expect(h2.updates('t-x')).toMatchObject([{ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS' }]);
    // The reloaded task can be killed as usual.
    await h2.call({ type: 'KILL', kill: { task_id: { value: 't-1' } } });
    await h2.ackUntil('t-1', 'TASK_KILLED');
    expect(second.tasks()).toEqual([]);
  });

  it('keeps unacknowledged updates: the new process resends the head with the same uuid on subscribe', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const first = new SimulatedCluster({ clock, store });
    const h = await subscribeHarness(first, clock);
    await h.launch(await firstOffer(h), 'grp-1', [{ id: 't-1' }]);
    const starting = h.updates('t-1')[0]!;
    await first.dispose();

    const second = await reopen(store, clock);
    const h2 = await subscribeHarness(second, clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    expect(h2.updates()).toEqual([starting]);
    await h2.ack(starting);
    expect(h2.updates().map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
  });

  it('keeps pending steps: a task mid-startup carries on in the new process', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const first = new SimulatedCluster({ clock, store, startupMs: 1000 });
    const h = await subscribeHarness(first, clock);
    await h.launch(await firstOffer(h), 'grp-1', [{ id: 't-1' }]);
    await h.advance(500);
    await first.dispose();

    const second = await reopen(store, clock);
    expect(second.tasks()[0]!.state).toBe('TASK_STAGING');
    const h2 = await subscribeHarness(second, clock, { ...FRAMEWORK, id: { value: h.frameworkId } });
    await h2.advance(499);
    expect(h2.updates()).toEqual([]);
    await h2.advance(1);
    expect(h2.updates().map((s) => s.state)).toEqual(['TASK_STARTING']);
  });

  it('writes the initial agents on open() and lays records out as meta, agent/<id>, group/<agent>/<executor>', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const cluster = new SimulatedCluster({ clock, store, agents: 2 });
    await cluster.open();
    const m = cluster.masterId;
    expect((await store.list(SIM_COLLECTION)).map((e) => e.key)).toEqual([
      `agent/${m}-S0`,
      `agent/${m}-S1`,
      'meta',
    ]);
    const h = await subscribeHarness(cluster, clock);
    await h.launch(await firstOffer(h, `${m}-S1`), 'grp-1', [{ id: 't-1' }]);
    await cluster.dispose();
    expect((await store.list(SIM_COLLECTION)).map((e) => e.key)).toEqual([
      `agent/${m}-S0`,
      `agent/${m}-S1`,
      `group/${m}-S1/grp-1`,
      'meta',
    ]);
    cluster.loseAgent(`${m}-S1`);
    await cluster.dispose();
    expect((await store.list(SIM_COLLECTION)).map((e) => e.key)).toEqual([`agent/${m}-S0`, 'meta']);
  });

  it('rejects dispose() with the store error (wrapped, code kept) when a write fails', async () => {
    const store = createMemoryStore();
    const cluster = new SimulatedCluster({ clock: new ManualClock(T0), store });
    await cluster.open();
    await store.close();
    cluster.addAgent();
    await expect(cluster.dispose()).rejects.toMatchObject({
      code: ErrorCode.StoreNotOpen,
      message: expect.stringMatching(/^simulated-cluster: /),
    });
  });

  it('writes the changes made while a batch is being written in one batch after it, and loses none', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const cluster = new SimulatedCluster({ clock, store, agents: 2 });
    await cluster.open();
    const h = await subscribeHarness(cluster, clock);
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }, { id: 't-2' }, { id: 't-3' }]);
    await h.advance(1000);
    const starting = ['t-1', 't-2', 't-3'].map((id) => h.updates(id).at(-1)!);
    expect(starting.map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_STARTING', 'TASK_STARTING']);

    // The store takes its time with the next batch: three ACKNOWLEDGE calls, each its own turn, meanwhile.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const written: number[] = [];
    const batch = store.batch.bind(store);
    store.batch = async (ops) => {
      written.push(ops.length);
      await gate;
      return batch(ops);
    };
    for (const status of starting) await h.ack(status);
    // The first call's batch is being written; the other two calls' changes wait for it, together.
    expect(written).toHaveLength(1);
    release();
    await cluster.dispose();
    expect(written).toHaveLength(2);

    const second = await reopen(store, clock);
    const unacked = second.tasks().map((t) => [t.taskId, t.unacked.map((u) => u.state)]);
    expect(unacked).toEqual([
      ['t-1', ['TASK_RUNNING']],
      ['t-2', ['TASK_RUNNING']],
      ['t-3', ['TASK_RUNNING']],
    ]);
  });

  it('works without a store: open() is a no-op', async () => {
    const h = await startCluster();
    await expect(h.cluster.open()).resolves.toBeUndefined();
  });
});

// issue 9 §0: a persisted record the store cannot read back never stops the cluster from opening.
describe('SimulatedCluster persistence: unreadable records', () => {
  const recording = (lines: Record<string, unknown>[]): Logger => ({
    debug() {},
    info() {},
    warn() {},
    error: (fields) => lines.push(fields as Record<string, unknown>),
  });

  async function persistedWithTask() {
    const store = createMemoryStore();
    const clock = new ManualClock(T0);
    const first = new SimulatedCluster({ clock, store, agents: 2 });
    const h = await subscribeHarness(first, clock);
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    await first.dispose();
    return { store, clock, first, agentId: offer.agent_id.value };
  }

  it('an unreadable executor record is skipped and logged; the rest of the cluster is restored', async () => {
    const { store, clock, first, agentId } = await persistedWithTask();
    store.plantUnreadable(SIM_COLLECTION, `group/${agentId}/grp-1`);
    const lines: Record<string, unknown>[] = [];
    const second = new SimulatedCluster({ clock, store, seed: 999, agents: 5, logger: recording(lines) });
    await second.open();
    expect(second.masterId).toBe(first.masterId);
    // The agents come back; the lost executor's resources are free again (free = total − charged).
    expect(second.agents().map((a) => a.id)).toEqual(first.agents().map((a) => a.id));
    expect(second.tasks()).toEqual([]);
    expect(lines).toMatchObject([{ collection: SIM_COLLECTION, key: `group/${agentId}/grp-1` }]);
  });

  it("an unreadable meta record starts a new cluster and deletes the old one's records", async () => {
    const { store, clock, first } = await persistedWithTask();
    store.plantUnreadable(SIM_COLLECTION, 'meta');
    const lines: Record<string, unknown>[] = [];
    const second = new SimulatedCluster({ clock, store, seed: 999, agents: 1, logger: recording(lines) });
    await second.open();
    expect(second.masterId).not.toBe(first.masterId);
    expect(second.tasks()).toEqual([]);
    expect(lines).toMatchObject([{ collection: SIM_COLLECTION, key: 'meta' }]);
    const keys = (await store.list(SIM_COLLECTION)).map((entry) => entry.key);
    expect(keys).toEqual([`agent/${second.agents()[0]!.id}`, 'meta']);
  });
});
