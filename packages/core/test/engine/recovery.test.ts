import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

const acceptCount = () => h.cluster.calls.filter((c) => c.type === 'ACCEPT').length;
const launchedTaskGroups = () =>
  h.cluster.calls.flatMap((c) =>
    c.type === 'ACCEPT' ? c.accept.operations.map((op) => op.launch_group.executor.executor_id.value) : [],
  );

describe('recovery after the scheduler restarts', () => {
  it('finds the same 50 Running taskgroups, duplicates nothing and launches nothing twice', async () => {
    h = await createHarness({ agents: 10 });
    await h.apps.create(NS, smallApp({ spec: { instance: 50 } }));
    await h.advance(5000);
    const before = h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.index, tg.id, tg.status]);
    expect(before.filter(([, , status]) => status === 'Running')).toHaveLength(50);
    const accepts = acceptCount();

    h = await h.restart();
    await h.advance(5000);

    const after = h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.index, tg.id, tg.status]);
    expect(after).toEqual(before);
    expect(acceptCount()).toBe(accepts);
    expect(new Set(launchedTaskGroups()).size).toBe(launchedTaskGroups().length);
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(50);
    // The restarted scheduler asked Mesos about every task it knew (explicit reconciliation).
    const reconciles = h.cluster.calls.filter((c) => c.type === 'RECONCILE');
    expect(reconciles.some((c) => c.type === 'RECONCILE' && c.reconcile.tasks.length === 50)).toBe(true);
  });

  it('treats a task Mesos no longer knows as Lost and restarts it by policy', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(
      NS,
      smallApp({ spec: { instance: 2 }, restartPolicy: { policy: 'OnFailure', interval: 1 } }),
    );
    await h.advance(2000);
    const victim = h.apps.get(NS, 'app-test').taskGroups[0]!;
    // The agent disappears while the scheduler is down: Mesos answers the reconciliation with TASK_LOST.
    await h.engine.dispose();
    h.cluster.loseAgent(victim.hostname!);
    h = await h.restart();
    await h.advance(4000);
    const tgs = h.apps.get(NS, 'app-test').taskGroups;
    expect(tgs.map((tg) => tg.status)).toEqual(['Running', 'Running']);
    expect(tgs.find((tg) => tg.index === victim.index)!.id).not.toBe(victim.id);
  });

  it('kills a running task the scheduler has no record of', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(2000);
    // Forget the application in the store behind the scheduler's back, as if it had been lost.
    await h.engine.dispose();
    for (const collection of ['application', 'taskgroup', 'version']) {
      for (const { key } of await h.store.list(collection)) await h.store.delete(collection, key);
    }
    h = await h.restart();
    await h.advance(4000);
    expect(h.cluster.calls.some((c) => c.type === 'SHUTDOWN' || c.type === 'KILL')).toBe(true);
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(0);
  });
});
