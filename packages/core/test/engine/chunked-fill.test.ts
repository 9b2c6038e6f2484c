import { FILL_CHUNK, fillChunk } from '@bcs/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { placementBudget } from '../../src/engine/placement-pass.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// issue 9 §0: "Creating 10 000 pending taskgroups must not stall unrelated requests for seconds." The engine
// creates an application's missing taskgroups a chunk per queue turn, letting other work run in between.

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

const taskGroupsOf = (name = 'app-test') => h.engine.state.get(NS, name)?.taskGroups.size ?? 0;

async function advanceUntil(done: () => boolean, limitMs = 60_000): Promise<void> {
  for (let t = 0; t < limitMs && !done(); t += 100) await h.advance(100);
  expect(done()).toBe(true);
}

// 10 000 taskgroups take a few seconds of CPU on a loaded machine; the bound is on the work, not on time.
describe('filling an application a chunk per queue turn', { timeout: 30_000 }, () => {
  it.each([
    [1, 500],
    [10_000, 500],
    [20_000, 500],
    [100_000, 2500],
  ])('fillChunk(%i) = %i', (desired, chunk) => {
    expect(fillChunk(desired)).toBe(chunk);
  });

  it.each([
    [100, 250],
    [10_000, 250],
    [40_000, 1000],
  ])('placementBudget(%i) = %i', (pending, budget) => {
    expect(placementBudget(pending)).toBe(budget);
  });

  it('a pass places at most its budget; the next passes place the rest of the round', async () => {
    h = await createHarness({ agents: [1, 2, 3].map(() => ({ cpus: 64, mem: 65_536 })) });
    // Every store batch: how many taskgroups it stores Staging (placed by a pass, one batch per pass).
    const placedPerBatch: number[] = [];
    const batch = h.store.batch.bind(h.store);
    vi.spyOn(h.store, 'batch').mockImplementation((ops) => {
      const staged = ops.filter(
        (op) =>
          op.type === 'put' &&
          (op.value as { status?: string; lastStatus?: string }).lastStatus === 'Pending' &&
          (op.value as { status?: string }).status === 'Staging',
      ).length;
      if (staged > 0) placedPerBatch.push(staged);
      return batch(ops);
    });
    await h.apps.create(
      NS,
      smallApp({ spec: { instance: 600 } }, { resources: { limits: { cpu: '0.1', memory: '10' } } }),
    );
    await h.advance(3000);
    expect(h.apps.get(NS, 'app-test').taskGroups.filter((tg) => tg.status === 'Running')).toHaveLength(600);
    expect(placedPerBatch.reduce((a, b) => a + b, 0)).toBe(600);
    expect(Math.max(...placedPerBatch)).toBeLessThanOrEqual(placementBudget(600));
    expect(placedPerBatch.length).toBeGreaterThanOrEqual(3);
  });

  it('a create of 10 000 returns after one chunk, and work queued after it runs before the create has finished', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 10_000 } }));
    expect(taskGroupsOf()).toBe(FILL_CHUNK);

    // An unrelated request queued now runs after at most one more chunk, not after all 10 000.
    const seen = await h.engine.run(() => taskGroupsOf());
    expect(seen).toBeLessThanOrEqual(2 * FILL_CHUNK);
    const other = await h.apps.create(NS, smallApp({ metadata: { name: 'other' }, spec: { instance: 1 } }));
    expect(other.taskGroups).toHaveLength(1);
    expect(taskGroupsOf()).toBeLessThan(10_000);

    await advanceUntil(() => taskGroupsOf() === 10_000);
    const indexes = h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.index);
    expect(indexes).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(h.apps.get(NS, 'app-test').app.operation?.type).toBe('create');
  });

  it('a scale-up to 3000 fills the same way and ends the scale only once every index has its taskgroup', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(2000);
    await h.apps.scale(NS, 'app-test', 3000);
    expect(taskGroupsOf()).toBe(1 + FILL_CHUNK);
    expect(h.apps.get(NS, 'app-test').app.operation?.type).toBe('scale');
    await advanceUntil(() => taskGroupsOf() === 3000);
    await h.advance(500);
    expect(h.apps.get(NS, 'app-test').app.operation).toBeUndefined();
  });

  it('resumes after a crash between chunks, keeping the taskgroups already stored', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 3000 } }));
    const before = h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.id);
    expect(before).toHaveLength(FILL_CHUNK);

    h = await h.restart();
    await advanceUntil(() => taskGroupsOf() === 3000);
    const after = h.apps.get(NS, 'app-test').taskGroups;
    expect(after.slice(0, FILL_CHUNK).map((tg) => tg.id)).toEqual(before);
    expect(new Set(after.map((tg) => tg.index)).size).toBe(3000);
    expect(new Set(after.map((tg) => tg.id)).size).toBe(3000);
  });
});
