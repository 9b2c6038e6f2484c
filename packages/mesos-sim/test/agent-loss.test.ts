import { describe, expect, it } from 'vitest';
import { drainMicrotasks } from '../src/flush.js';
import { firstOffer, startCluster } from './harness.js';

describe('SimulatedCluster agent loss', () => {
  it('rescinds the offer, reports FAILURE(agent) and TASK_LOST (no uuid) for each task, then forgets them', async () => {
    const h = await startCluster({ agents: 2 });
    await h.advance(0);
    const [s0, s1] = h.cluster.agents().map((a) => a.id);
    const offer0 = h.offers().find((o) => o.agent_id.value === s0)!;
    await h.launch(offer0, 'grp-1', [{ id: 't-1' }, { id: 't-2' }], 0);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await h.advance(1000);
    const reoffer = h.cluster.outstandingOffers().find((o) => o.agent_id.value === s0)!;
    const from = h.events.length;
    h.cluster.loseAgent(s0!);
    await drainMicrotasks();
    const events = h.events.slice(from);
    expect(events).toHaveLength(4);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'RESCIND', rescind: { offer_id: reoffer.id } },
        { type: 'FAILURE', failure: { agent_id: { value: s0 } } },
      ]),
    );
    const lost = events.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    expect(lost.map((s) => s.task_id.value).sort()).toEqual(['t-1', 't-2']);
    for (const status of lost) {
      expect(status).toMatchObject({
        state: 'TASK_LOST',
        source: 'SOURCE_MASTER',
        reason: 'REASON_AGENT_REMOVED',
      });
      expect(status.uuid).toBeUndefined();
    }
    expect(h.cluster.tasks()).toEqual([]);
    expect(h.cluster.agents().map((a) => a.id)).toEqual([s1]);
    await h.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't-1' } }] } });
    expect(h.updates('t-1').at(-1)).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_RECONCILIATION' });
    await h.launch(reoffer, 'grp-2', [{ id: 't-3' }]);
    expect(h.updates('t-3')).toMatchObject([{ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS' }]);
  });

  it('finds the agent by hostname and throws RangeError for an unknown one', async () => {
    const h = await startCluster({ agents: 2 });
    h.cluster.loseAgent('sim-agent-1');
    expect(h.cluster.agents().map((a) => a.hostname)).toEqual(['sim-agent-0']);
    expect(() => h.cluster.loseAgent('sim-agent-1')).toThrow(RangeError);
  });

  it('orders the loss events by seed, reproducibly', async () => {
    const orderFor = async (seed: number) => {
      const h = await startCluster({ seed, agents: 1 });
      const offer = await firstOffer(h);
      await h.launch(offer, 'grp-1', [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], 0);
      await h.advance(1000);
      const from = h.events.length;
      h.cluster.loseAgent(offer.agent_id.value);
      await drainMicrotasks();
      return h.events
        .slice(from)
        .map((e) => (e.type === 'UPDATE' ? e.update.status.task_id.value : e.type))
        .join(' ');
    };
    const orders = await Promise.all([1, 2, 3, 4, 5].map(orderFor));
    expect(await orderFor(1)).toBe(orders[0]);
    expect(new Set(orders).size).toBeGreaterThan(1);
  });

  it('adds an agent that is offered on the next tick, with the next S<n> id', async () => {
    const h = await startCluster({ agents: 2 });
    await h.advance(0);
    h.cluster.loseAgent('sim-agent-1');
    const id = h.cluster.addAgent({ cpus: 1 });
    expect(id).toBe(`${h.cluster.masterId}-S2`);
    await h.advance(0);
    expect(h.offers().at(-1)).toMatchObject({ agent_id: { value: id }, hostname: 'sim-agent-2' });
    expect(h.cluster.agents().at(-1)).toMatchObject({ innerIp: '127.0.0.3', total: { cpus: 1 } });
  });
});
