import type { MesosFrameworkInfo } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { type ClusterHarness, FRAMEWORK, firstOffer, startCluster } from './harness.js';

const NO_KILLING: MesosFrameworkInfo = { user: 'bcs', name: 'plain' };

/** Launches group `grp-1` of t-a and t-b and acknowledges both to RUNNING. */
async function runningGroup(h: ClusterHarness, killGraceMs?: number): Promise<void> {
  const offer = await firstOffer(h);
  const grace = killGraceMs === undefined ? {} : { killGraceMs };
  await h.launch(offer, 'grp-1', [{ id: 't-a', ...grace }, { id: 't-b' }]);
  await h.ackUntil('t-a', 'TASK_RUNNING');
  await h.ackUntil('t-b', 'TASK_RUNNING');
}

function statesAfter(h: ClusterHarness, from: number): string[] {
  return h.events
    .slice(from)
    .flatMap((e) =>
      e.type === 'UPDATE' ? [`${e.update.status.task_id.value} ${e.update.status.state}`] : [],
    );
}

describe('SimulatedCluster KILL and SHUTDOWN', () => {
  it('kills the whole group: TASK_KILLING at once, TASK_KILLED after the 3 s default grace, ACK-gated', async () => {
    const h = await startCluster();
    await runningGroup(h);
    const from = h.events.length;
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-b' } } });
    expect(statesAfter(h, from)).toEqual(['t-a TASK_KILLING', 't-b TASK_KILLING']);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLING', 'TASK_KILLING']);
    await h.advance(2999);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLING', 'TASK_KILLING']);
    await h.advance(1);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLED']);
    expect(statesAfter(h, from)).toEqual(['t-a TASK_KILLING', 't-b TASK_KILLING']);
    await h.ackUntil('t-a', 'TASK_KILLED');
    expect(statesAfter(h, from)).toEqual(['t-a TASK_KILLING', 't-b TASK_KILLING', 't-a TASK_KILLED']);
    const killed = h.updates('t-a').at(-1)!;
    expect(killed).toMatchObject({ source: 'SOURCE_EXECUTOR', uuid: expect.any(String) });
  });

  it('sends no TASK_KILLING to a framework without the TASK_KILLING_STATE capability', async () => {
    const h = await startCluster({}, NO_KILLING);
    await runningGroup(h);
    const from = h.events.length;
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    expect(statesAfter(h, from)).toEqual([]);
    await h.advance(3000);
    expect(statesAfter(h, from)).toEqual(['t-a TASK_KILLED', 't-b TASK_KILLED']);
  });

  it("uses the task's kill_policy, and the call's kill_policy over it", async () => {
    const h = await startCluster();
    await runningGroup(h, 500);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    await h.advance(500);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLING']);
    await h.advance(2500);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLED']);

    const h2 = await startCluster();
    await runningGroup(h2, 500);
    const policy = { grace_period: { nanoseconds: 0 } };
    await h2.call({ type: 'KILL', kill: { task_id: { value: 't-a' }, kill_policy: policy } });
    expect(h2.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLED']);
  });

  it('uses the killGraceMs option as the default grace', async () => {
    const h = await startCluster({ killGraceMs: 100 });
    await runningGroup(h);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    await h.advance(100);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLED']);
  });

  it('kills a task still STAGING at once, from the agent (REASON_TASK_KILLED_DURING_LAUNCH)', async () => {
    const h = await startCluster({ startupMs: 100 });
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-a' }]);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    expect(h.updates('t-a')).toMatchObject([
      { state: 'TASK_KILLED', source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH' },
    ]);
    await h.advance(1000);
    expect(h.updates('t-a')).toHaveLength(1);
  });

  it('ignores a second KILL of a dying task', async () => {
    const h = await startCluster();
    await runningGroup(h);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    expect(h.cluster.tasks()[0]!.unacked.map((s) => s.state)).toEqual(['TASK_KILLING']);
  });

  it('a second KILL with a shorter kill_policy forces the kill sooner', async () => {
    const h = await startCluster();
    await runningGroup(h);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    await h.advance(1000);
    await h.call({
      type: 'KILL',
      kill: { task_id: { value: 't-a' }, kill_policy: { grace_period: { nanoseconds: 5e8 } } },
    });
    await h.advance(500);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLED', 'TASK_KILLED']);
    expect(h.cluster.tasks()[0]!.unacked.map((s) => s.state)).toEqual(['TASK_KILLING', 'TASK_KILLED']);
  });

  it('answers KILL of an unknown task like reconciliation: TASK_LOST from the master, no uuid', async () => {
    const h = await startCluster();
    await h.call({ type: 'KILL', kill: { task_id: { value: 'ghost' }, agent_id: { value: 'S9' } } });
    expect(h.updates()).toEqual([
      {
        task_id: { value: 'ghost' },
        state: 'TASK_LOST',
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
        message: 'Reconciliation: Task is unknown',
        agent_id: { value: 'S9' },
        timestamp: h.clock.now() / 1000,
      },
    ]);
  });

  it('SHUTDOWN kills every task of the executor after the grace period; an unknown executor is ignored', async () => {
    const h = await startCluster({}, NO_KILLING);
    await runningGroup(h);
    const agentId = h.cluster.agents()[0]!.id;
    const from = h.events.length;
    await h.call({
      type: 'SHUTDOWN',
      shutdown: { executor_id: { value: 'nope' }, agent_id: { value: agentId } },
    });
    await h.call({
      type: 'SHUTDOWN',
      shutdown: { executor_id: { value: 'grp-1' }, agent_id: { value: agentId } },
    });
    await h.advance(3000);
    expect(statesAfter(h, from)).toEqual(['t-a TASK_KILLED', 't-b TASK_KILLED']);
    await h.ackUntil('t-a', 'TASK_KILLED');
    await h.ackUntil('t-b', 'TASK_KILLED');
    expect(h.events.at(-1)).toMatchObject({
      type: 'FAILURE',
      failure: { executor_id: { value: 'grp-1' }, status: 0 },
    });
    expect(h.cluster.agents()[0]!.executors).toEqual([]);
  });

  it('keeps the subscription framework capability per subscription', async () => {
    const h = await startCluster({}, { ...FRAMEWORK, capabilities: [] });
    await runningGroup(h);
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-a' } } });
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_RUNNING', 'TASK_RUNNING']);
  });
});
