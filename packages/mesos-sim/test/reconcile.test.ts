import type { MesosFrameworkInfo } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { firstOffer, startCluster } from './harness.js';

const PARTITION_AWARE: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'pa',
  capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
};

describe('SimulatedCluster RECONCILE', () => {
  it('explicit: reports the latest state of known tasks, from the master, without uuid', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1', healthCheck: true }]);
    const from = h.updates().length;
    // Only STARTING was delivered (unacknowledged), but the master already knows RUNNING.
    await h.call({
      type: 'RECONCILE',
      reconcile: { tasks: [{ task_id: { value: 't-1' }, agent_id: offer.agent_id }] },
    });
    expect(h.updates().slice(from)).toEqual([
      {
        task_id: { value: 't-1' },
        state: 'TASK_RUNNING',
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
        message: 'Reconciliation: Latest task state',
        agent_id: offer.agent_id,
        executor_id: { value: 'grp-1' },
        timestamp: h.clock.now() / 1000,
        healthy: true,
      },
    ]);
  });

  it('explicit: answers TASK_LOST for an unknown task, in the order listed', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const from = h.updates().length;
    await h.call({
      type: 'RECONCILE',
      reconcile: { tasks: [{ task_id: { value: 'ghost' } }, { task_id: { value: 't-1' } }] },
    });
    expect(
      h
        .updates()
        .slice(from)
        .map((s) => [s.task_id.value, s.state, s.uuid]),
    ).toEqual([
      ['ghost', 'TASK_LOST', undefined],
      ['t-1', 'TASK_RUNNING', undefined],
    ]);
  });

  it('implicit: reports every tracked task, terminal-but-unacknowledged included, until the terminal ACK', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }, { id: 't-2' }], 0);
    await h.advance(1000);
    await h.launch(h.offers()[1]!, 'grp-2', [{ id: 't-3' }]);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await h.call({
      type: 'KILL',
      kill: { task_id: { value: 't-1' }, kill_policy: { grace_period: { nanoseconds: 0 } } },
    });
    let from = h.updates().length;
    await h.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(
      h
        .updates()
        .slice(from)
        .map((s) => [s.task_id.value, s.state, s.source]),
    ).toEqual([
      ['t-1', 'TASK_KILLED', 'SOURCE_MASTER'],
      ['t-2', 'TASK_KILLED', 'SOURCE_MASTER'],
      ['t-3', 'TASK_RUNNING', 'SOURCE_MASTER'],
    ]);
    await h.ackUntil('t-1', 'TASK_KILLED');
    from = h.updates().length;
    await h.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(
      h
        .updates()
        .slice(from)
        .map((s) => s.task_id.value),
    ).toEqual(['t-2', 't-3']);
  });

  it('reports TASK_STAGING for a task not started yet', async () => {
    const h = await startCluster({ startupMs: 500 });
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    await h.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(h.updates().map((s) => s.state)).toEqual(['TASK_STAGING']);
  });

  it('answers a PARTITION_AWARE framework TASK_GONE (registered agent) or TASK_UNKNOWN instead of TASK_LOST', async () => {
    const h = await startCluster({}, PARTITION_AWARE);
    const agentId = h.cluster.agents()[0]!.id;
    await h.call({
      type: 'RECONCILE',
      reconcile: {
        tasks: [
          { task_id: { value: 'a' }, agent_id: { value: agentId } },
          { task_id: { value: 'b' }, agent_id: { value: 'gone' } },
          { task_id: { value: 'c' } },
        ],
      },
    });
    expect(h.updates().map((s) => s.state)).toEqual(['TASK_GONE', 'TASK_UNKNOWN', 'TASK_UNKNOWN']);
  });

  it('drops the invalid-offer answer to TASK_DROPPED for a PARTITION_AWARE framework', async () => {
    const h = await startCluster({}, PARTITION_AWARE);
    const offer = await firstOffer(h);
    await h.call({ type: 'DECLINE', decline: { offer_ids: [offer.id] } });
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    expect(h.updates()).toMatchObject([{ state: 'TASK_DROPPED', reason: 'REASON_INVALID_OFFERS' }]);
  });
});

describe('SimulatedCluster invalid offers', () => {
  it('answers ACCEPT of a used offer with TASK_LOST REASON_INVALID_OFFERS for every task, no uuid', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }]);
    const from = h.updates().length;
    await h.launch(offer, 'grp-2', [{ id: 't-2' }, { id: 't-3' }]);
    const statuses = h.updates().slice(from);
    expect(statuses.map((s) => s.task_id.value)).toEqual(['t-2', 't-3']);
    for (const status of statuses) {
      expect(status).toMatchObject({
        state: 'TASK_LOST',
        source: 'SOURCE_MASTER',
        reason: 'REASON_INVALID_OFFERS',
        message: expect.stringMatching(/^Task launched with invalid offers: /),
      });
      expect(status.uuid).toBeUndefined();
    }
  });

  it('rejects offers of two agents together, and consumes the valid ones', async () => {
    const h = await startCluster({ agents: 2 });
    await h.advance(0);
    const [a, b] = h.offers();
    const call = {
      type: 'ACCEPT' as const,
      accept: { offer_ids: [a!.id, b!.id], operations: [], filters: { refuse_seconds: 0 } },
    };
    await h.call(call);
    expect(h.cluster.outstandingOffers()).toEqual([]);
    await h.call({ type: 'DECLINE', decline: { offer_ids: [a!.id, { value: 'unknown' }] } });
    expect(h.updates()).toEqual([]);
    await h.advance(1000);
    expect(h.offers()).toHaveLength(4);
  });
});
