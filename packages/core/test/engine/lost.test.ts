import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

// A Lost taskgroup may come back (spec/bcs-behaviour.md §2.1: Lost is not terminal), so it still holds its
// host: constraint checks and the agent's usage count it, as the original's "live = not Finish/Failed" did
// (§3.4). See status/lifecycle.ts.

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const view = () => h.apps.get(NS, 'app-test');
const UNIQUE_HOST = { IntersectionItem: [{ unionData: [{ name: 'hostname', operate: 'UNIQUE' }] }] };

/** One instance, UNIQUE per host, never restarted (so a Lost record stays), Running on the only agent. */
async function lostOnTheOnlyAgent(): Promise<string> {
  h = await createHarness({ agents: 1 });
  await h.apps.create(
    NS,
    smallApp({ spec: { instance: 1 }, constraint: UNIQUE_HOST, restartPolicy: { policy: 'Never' } }),
  );
  await h.advance(2000);
  const [running] = view().taskGroups;
  expect(running?.status).toBe('Running');
  // The agent stays; its task becomes unreachable (a partition), which may heal.
  h.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_UNREACHABLE');
  await h.advance(500);
  expect(view().taskGroups.map((tg) => [tg.index, tg.status, tg.hostname])).toEqual([
    [0, 'Lost', running!.hostname],
  ]);
  return running!.hostname!;
}

describe('a Lost taskgroup still holds its host', () => {
  it('for UNIQUE: a new instance is not placed on the host of a Lost one', async () => {
    const host = await lostOnTheOnlyAgent();
    await h.apps.scale(NS, 'app-test', 2);
    await h.advance(3000);
    const [lost, added] = view().taskGroups;
    expect(lost?.status).toBe('Lost');
    expect(added?.status).toBe('Pending');
    expect(added?.hostname).toBeUndefined();

    // It comes back: Running where it was, and the constraint still keeps the new one off that host…
    h.cluster.injectStatus(lost!.tasks[0]!.id, 'TASK_RUNNING');
    await h.advance(500);
    expect(view().taskGroups.map((tg) => [tg.index, tg.status, tg.hostname])).toEqual([
      [0, 'Running', host],
      [1, 'Pending', undefined],
    ]);
    // …which goes to the next agent that offers.
    h.cluster.addAgent({ hostname: 'second' });
    await h.advance(3000);
    expect(view().taskGroups.map((tg) => [tg.index, tg.status, tg.hostname])).toEqual([
      [0, 'Running', host],
      [1, 'Running', 'second'],
    ]);
  });

  it("in the agent's usage", async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, restartPolicy: { policy: 'Never' } }));
    await h.advance(2000);
    const usedWhileRunning = h.clusterView.resources().cpuused;
    expect(usedWhileRunning).toBeGreaterThan(0);
    h.cluster.injectStatus(view().taskGroups[0]!.tasks[0]!.id, 'TASK_UNREACHABLE');
    await h.advance(500);
    expect(view().taskGroups[0]?.status).toBe('Lost');
    expect(h.clusterView.resources().cpuused).toBe(usedWhileRunning);
  });

  it('until it is removed: scaled down, a Lost instance no longer counts', async () => {
    await lostOnTheOnlyAgent();
    await h.apps.scale(NS, 'app-test', 0);
    await h.advance(1000);
    expect(view().taskGroups).toEqual([]);
    await h.apps.scale(NS, 'app-test', 1);
    await h.advance(3000);
    expect(view().taskGroups.map((tg) => tg.status)).toEqual(['Running']);
  });
});
