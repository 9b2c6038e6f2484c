import type { MesosCall, MesosEvent, MesosEventListener } from '@bcs/core';
import { ManualClock } from '@bcs/testing';
import { SimulatedCluster } from '@bcs/testing/cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, START, smallApp } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});
const NS = 'defaultGroup';

/**
 * An in-process cluster whose stream the test can replay (Mesos resending an update: same event, same uuid)
 * and whose ACKNOWLEDGE answers the test can hold back (a slow master, a long queue of acknowledgements).
 */
async function resendingCluster() {
  const clock = new ManualClock(START);
  const cluster = new SimulatedCluster({ clock, seed: 7, agents: 3, offerIntervalMs: 1000, startupMs: 100 });
  await cluster.open();
  const updates: Extract<MesosEvent, { type: 'UPDATE' }>[] = [];
  let listener: MesosEventListener | undefined;
  const subscribe = cluster.subscribe.bind(cluster);
  cluster.subscribe = (framework, given) => {
    listener = (event) => {
      if (event.type === 'UPDATE') updates.push(event);
      given(event);
    };
    return subscribe(framework, listener);
  };
  /** Every ACKNOWLEDGE the engine sent (answered or held), by uuid. */
  const acks: string[] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const call = cluster.call.bind(cluster);
  cluster.call = async (c: MesosCall) => {
    if (c.type === 'ACKNOWLEDGE') {
      acks.push(c.acknowledge.uuid);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
    }
    return call(c);
  };
  return {
    clock,
    cluster,
    updates,
    acks,
    resend: (event: MesosEvent) => listener!(event),
    holdAcks: (on: boolean) => {
      hold = on;
    },
    releaseAcks: () => {
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

/** Lets microtasks and immediates run, without waiting for the engine's queue (it waits for held ACKs). */
async function turns(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('a status update Mesos resends', () => {
  it('is dropped while its first copy is not acknowledged yet, and acknowledged again after', async () => {
    const sim = await resendingCluster();
    h = await createHarness({ clock: sim.clock, cluster: sim.cluster, transport: 'in-process' });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(3000);
    const [tg] = h.apps.get(NS, 'app-test').taskGroups;
    expect(tg?.status).toBe('Running');
    const taskId = tg!.tasks[0]!.id;

    // A new update whose ACKNOWLEDGE the master does not answer yet.
    sim.holdAcks(true);
    sim.cluster.injectStatus(taskId, 'TASK_RUNNING', { healthy: true });
    await turns();
    const update = sim.updates.at(-1)!;
    const uuid = update.update.status.uuid!;
    expect(sim.acks.filter((u) => u === uuid)).toHaveLength(1);
    const revision = await h.store.revision();

    // Its resends meanwhile: nothing applied, written or acknowledged again.
    sim.resend(update);
    sim.resend(update);
    await turns();
    expect(sim.acks.filter((u) => u === uuid)).toHaveLength(1);

    sim.releaseAcks();
    sim.holdAcks(false);
    await h.advance(100);
    // Applied: the executor's (local) result is recorded (the task's overall health also waits for its remote checks).
    expect(h.apps.get(NS, 'app-test').taskGroups[0]!.tasks[0]!.health?.checks.local?.result).toBe(true);

    // A resend after the answer (the master did not get it, say) is acknowledged again, and writes nothing.
    const before = await h.store.revision();
    expect(before).toBeGreaterThanOrEqual(revision);
    sim.resend(update);
    await h.advance(100);
    expect(sim.acks.filter((u) => u === uuid)).toHaveLength(2);
    expect(await h.store.revision()).toBe(before);
  });

  it("the queue waits for the previous batch's acknowledgements, not for its own", async () => {
    const sim = await resendingCluster();
    h = await createHarness({ clock: sim.clock, cluster: sim.cluster, transport: 'in-process' });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }));
    await h.advance(3000);
    const [taskId, otherId] = h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.tasks[0]!.id);
    const engine = h.engine;
    const probe = () => {
      const ran = { done: false };
      void engine.run(() => {
        ran.done = true;
      });
      return ran;
    };

    sim.holdAcks(true);
    sim.cluster.injectStatus(taskId!, 'TASK_RUNNING', { healthy: true });
    await turns();
    // The first batch's ACK is unanswered, yet work queued after it runs.
    const first = probe();
    await turns();
    expect(first.done).toBe(true);

    // (Another task: Mesos sends a task's next update only once its previous one is acknowledged.)
    sim.cluster.injectStatus(otherId!, 'TASK_RUNNING', { healthy: false });
    await turns();
    // The second batch is persisted and acknowledged, but its drain waits for the first batch's answer.
    expect(sim.acks).toHaveLength(sim.updates.length);
    const second = probe();
    await turns();
    expect(second.done).toBe(false);

    sim.releaseAcks();
    await turns();
    expect(second.done).toBe(true);
    sim.holdAcks(false);
    sim.releaseAcks();
    await h.advance(100);
    const local = h.apps
      .get(NS, 'app-test')
      .taskGroups.map((tg) => tg.tasks[0]!.health?.checks.local?.result);
    expect(local).toEqual([true, false]);
  });

  it('two copies delivered together are applied and acknowledged once', async () => {
    const sim = await resendingCluster();
    h = await createHarness({ clock: sim.clock, cluster: sim.cluster, transport: 'in-process' });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }));
    await h.advance(3000);
    const taskIds = h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.tasks[0]!.id);
    const before = sim.acks.length;
    sim.cluster.injectStatus(taskIds[0]!, 'TASK_FAILED', { message: 'exited 1' });
    const failed = () => sim.updates.find((u) => u.update.status.state === 'TASK_FAILED')!;
    // The copy arrives before the engine drained the first.
    await Promise.resolve();
    await Promise.resolve();
    sim.resend(failed());
    await h.advance(100);
    const uuid = failed().update.status.uuid!;
    expect(sim.acks.slice(before).filter((u) => u === uuid)).toHaveLength(1);
    const tg = h.apps.get(NS, 'app-test').taskGroups.find((t) => t.tasks[0]!.id === taskIds[0]);
    expect(tg?.status).toBe('Failed');
  });
});
