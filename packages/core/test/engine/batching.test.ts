import type { BatchOp, StateView, TaskGroup } from '@bcs/core';
import { isLive } from '@bcs/core';
import { createMemoryStore } from '@bcs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AppSummary } from '../../src/engine/app-summary.js';
import { LAUNCHES_PER_YIELD } from '../../src/engine/placement-pass.js';
import { MAX_UPDATES_PER_BATCH } from '../../src/engine/status-drain.js';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

/** A memory store that logs each batch with the number of Mesos calls made before it was written. */
function recordingStore(callsSoFar: () => number) {
  const store = createMemoryStore();
  const batches: { ops: readonly BatchOp[]; callsBefore: number }[] = [];
  const batch = store.batch.bind(store);
  store.batch = async (ops) => {
    const revision = await batch(ops);
    batches.push({ ops, callsBefore: callsSoFar() });
    return revision;
  };
  return { store, batches };
}

const taskGroupsIn = (ops: readonly BatchOp[], status: string) =>
  ops.filter(
    (op) => op.type === 'put' && op.collection === 'taskgroup' && (op.value as TaskGroup).status === status,
  );

/** The engine's indexes (Pending, live, being killed) equal a full scan of its state. */
function expectIndexesMatchScan(state: StateView): void {
  const all = [...state.allTaskGroups()].map((e) => e.taskGroup);
  const ids = (list: TaskGroup[]) => list.map((tg) => tg.id).sort();
  const pending = [...state.pending.values()].flatMap((m) => [...m.values()]);
  expect(ids(pending)).toEqual(ids(all.filter((tg) => tg.status === 'Pending')));
  expect(ids([...state.live.values()])).toEqual(ids(all.filter(isLive)));
  const stopped = ['Killed', 'Failed', 'Finish', 'Lost', 'Error'];
  const killing = all.filter(
    (tg) => tg.killRequestedAt !== undefined && tg.agentId !== undefined && !stopped.includes(tg.status),
  );
  expect(ids([...state.killing.values()])).toEqual(ids(killing));
  // Every indexed record is the stored one, not a stale copy.
  for (const tg of [...pending, ...state.live.values(), ...state.killing.values()]) {
    expect(state.findTaskGroup(tg.id)?.taskGroup).toBe(tg);
  }
  // Each application's summary equals one counted afresh over its taskgroups, in their order.
  for (const app of state.apps.values()) {
    const counted = new AppSummary();
    for (const tg of app.taskGroups.values()) counted.add(tg);
    const kept = app.summary!;
    expect(new Map(kept.count)).toEqual(new Map(counted.count));
    expect(new Map(kept.indexes)).toEqual(new Map(counted.indexes));
    expect([...kept.pending.keys()]).toEqual([...counted.pending.keys()]);
    expect(kept.ended).toBe(counted.ended);
    expect(kept.maxIndex()).toBe(counted.maxIndex());
  }
}

describe('status updates that arrive together', () => {
  it('are persisted in one batch and acknowledged only after it', async () => {
    const recorded = recordingStore(() => h?.cluster.calls.length ?? 0);
    h = await createHarness({ agents: 5, startupMs: 0, store: recorded.store });
    await h.apps.create(NS, smallApp({ spec: { instance: 20 } }));
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.every((tg) => tg.status === 'Running')).toBe(true);

    // The 20 launches bring 20 STARTING updates at once: one batch stores them all, and so for RUNNING.
    const starting = recorded.batches.filter((b) => taskGroupsIn(b.ops, 'Starting').length > 0);
    expect(starting.map((b) => taskGroupsIn(b.ops, 'Starting').length)).toEqual([20]);
    // (The implicit reconciliation one tick after subscribing re-reports them all later, in one batch too.)
    const running = recorded.batches.filter((b) => taskGroupsIn(b.ops, 'Running').length > 0);
    expect(running.map((b) => taskGroupsIn(b.ops, 'Running').length)).toEqual(running.map(() => 20));
    // No ACKNOWLEDGE was sent before the STARTING batch was written.
    const firstAck = h.cluster.calls.findIndex((c) => c.type === 'ACKNOWLEDGE');
    expect(firstAck).toBeGreaterThanOrEqual(starting[0]!.callsBefore);
    expect(h.cluster.calls.filter((c) => c.type === 'ACKNOWLEDGE')).toHaveLength(40);
  });

  it('in a burst larger than a chunk are stored in chunks, one queue turn each, and all acknowledged', async () => {
    const recorded = recordingStore(() => h?.cluster.calls.length ?? 0);
    h = await createHarness({ agents: 20, startupMs: 0, store: recorded.store });
    const instances = MAX_UPDATES_PER_BATCH + 100;
    await h.apps.create(
      NS,
      smallApp({ spec: { instance: instances } }, { resources: { limits: { cpu: '0.01', memory: '10' } } }),
    );
    for (let t = 0; t < 20_000; t += 500) {
      await h.advance(500);
      if (h.apps.get(NS, 'app-test').taskGroups.every((tg) => tg.status === 'Running')) break;
    }
    expect(h.apps.get(NS, 'app-test').taskGroups.filter((tg) => tg.status === 'Running')).toHaveLength(
      instances,
    );
    const sizes = recorded.batches.map((b) => taskGroupsIn(b.ops, 'Starting').length).filter((n) => n > 0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_UPDATES_PER_BATCH);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(instances);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(h.cluster.calls.filter((c) => c.type === 'ACKNOWLEDGE').length).toBeGreaterThanOrEqual(
      2 * instances,
    );
    expectIndexesMatchScan(h.engine.state);
  });
});

describe("a round's launches", () => {
  it('are handed to the driver with a yield to the event loop every LAUNCHES_PER_YIELD', async () => {
    h = await createHarness({ agents: 20, startupMs: 0 });
    // Counts event-loop turns: without a yield, every ACCEPT of a round is sent in the same turn.
    let turn = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turn++;
      setImmediate(spin);
    };
    spin();
    const accepts: { turn: number; launches: number }[] = [];
    const call = h.cluster.call.bind(h.cluster);
    h.cluster.call = (c) => {
      if (c.type === 'ACCEPT') {
        const launches = c.accept.operations.reduce(
          (n, op) => n + (op.type === 'LAUNCH_GROUP' ? op.launch_group.task_group.tasks.length : 0),
          0,
        );
        accepts.push({ turn, launches });
      }
      return call(c);
    };
    const instances = 2 * LAUNCHES_PER_YIELD + 100;
    await h.apps.create(
      NS,
      smallApp({ spec: { instance: instances } }, { resources: { limits: { cpu: '0.01', memory: '10' } } }),
    );
    const launchedSoFar = () => accepts.reduce((n, a) => n + a.launches, 0);
    for (let t = 0; t < 20_000 && launchedSoFar() < instances; t += 500) await h.advance(500);
    spinning = false;
    const launched = accepts.reduce((n, a) => n + a.launches, 0);
    expect(launched).toBe(instances);
    const perTurn = new Map<number, number>();
    for (const a of accepts) perTurn.set(a.turn, (perTurn.get(a.turn) ?? 0) + a.launches);
    // More than a yield's worth in the round, sent over several turns of the event loop.
    expect(perTurn.size).toBeGreaterThanOrEqual(2);
    const largestOffer = Math.max(...accepts.map((a) => a.launches));
    for (const n of perTurn.values()) expect(n).toBeLessThan(LAUNCHES_PER_YIELD + largestOffer);
    // Thousands of launches: 2–4 s of CPU alone, past the default 5 s on a loaded machine.
  }, 30_000);
});

describe('the engine indexes', () => {
  it('match a full scan through launch, scale-down kills, agent loss and restarts', async () => {
    h = await createHarness({ agents: 3, killGraceMs: 3000 });
    const check = () => expectIndexesMatchScan(h.engine.state);
    await h.apps.create(
      NS,
      smallApp({
        spec: { instance: 9 },
        restartPolicy: { policy: 'OnFailure', interval: 2, backoff: 10 },
        killPolicy: { gracePeriod: 3 },
      }),
    );
    check();
    expect(h.engine.state.pending.size).toBe(1);
    await h.advance(2000);
    check();
    expect(h.engine.state.live.size).toBe(9);

    await h.apps.scale(NS, 'app-test', 5);
    await h.advance(200);
    check();
    expect(h.engine.state.killing.size).toBe(4);
    await h.advance(5000);
    check();
    expect(h.engine.state.killing.size).toBe(0);

    h.cluster.loseAgent(h.apps.get(NS, 'app-test').taskGroups[0]!.hostname!);
    await h.advance(500);
    check();
    expect(h.engine.state.pending.size).toBe(1);
    await h.advance(5000);
    check();
    expect(h.engine.state.pending.size).toBe(0);

    await h.apps.delete(NS, 'app-test', false);
    await h.advance(5000);
    check();
    expect(h.engine.state.apps.size).toBe(0);
    expect(h.engine.state.live.size + h.engine.state.killing.size).toBe(0);
  });
});
