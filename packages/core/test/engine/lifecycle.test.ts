import { anApplication } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());

const NS = 'defaultGroup';
const statuses = (appId = 'app-test') => h.apps.get(NS, appId).taskGroups.map((tg) => tg.status);

describe('application lifecycle on the simulated cluster', () => {
  it("brings the API document's example to 2 Running taskgroups", async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, anApplication());
    await h.advance(3000);
    const view = h.apps.get(NS, 'app-test');
    expect(view.taskGroups.map((tg) => [tg.index, tg.status])).toEqual([
      [0, 'Running'],
      [1, 'Running'],
    ]);
    expect(view.app.status).toBe('Running');
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(2);
  });
});

describe('scale', () => {
  it('scales up with new indexes and down from the highest index first', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp());
    await h.advance(2000);
    await h.apps.scale(NS, 'app-test', 4);
    await h.advance(3000);
    expect(statuses()).toEqual(['Running', 'Running', 'Running', 'Running']);
    await h.apps.scale(NS, 'app-test', 1);
    // The kills go to the highest indexes; index 0 keeps running throughout.
    await h.advance(200);
    const during = h.apps.get(NS, 'app-test').taskGroups;
    expect(during.find((tg) => tg.index === 0)?.status).toBe('Running');
    expect(during.filter((tg) => tg.index > 0).every((tg) => tg.killRequestedAt !== undefined)).toBe(true);
    await h.advance(6000);
    const after = h.apps.get(NS, 'app-test');
    expect(after.taskGroups.map((tg) => [tg.index, tg.status])).toEqual([[0, 'Running']]);
    expect(after.app.status).toBe('Running');
    expect(after.app.operation).toBeUndefined();
  });

  it('sends the kills of a scale-down together, each only once its kill request is stored', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp({ spec: { instance: 4 } }));
    await h.advance(3000);
    // Hold every KILL unanswered until released: kills awaited one by one would leave one in flight.
    const held: { taskId: string; storedKill: boolean; release: () => void }[] = [];
    const call = h.driver.call.bind(h.driver);
    h.driver.call = (c) => {
      if (c.type !== 'KILL') return call(c);
      const taskId = c.kill.task_id.value;
      const owner = h.apps
        .get(NS, 'app-test')
        .taskGroups.find((tg) => tg.tasks.some((task) => task.id === taskId));
      return new Promise<void>((resolve, reject) => {
        held.push({
          taskId,
          storedKill: owner?.killRequestedAt !== undefined,
          release: () => call(c).then(resolve, reject),
        });
      });
    };
    const scaled = h.apps.scale(NS, 'app-test', 1);
    // Not `advance`: it waits for the engine's queue, which the held kills hold.
    for (let turn = 0; turn < 200 && held.length < 3; turn++) await new Promise((r) => setImmediate(r));
    const doomed = h.apps.get(NS, 'app-test').taskGroups.filter((tg) => tg.index > 0);
    expect(held.map((k) => k.taskId).sort()).toEqual(
      doomed.flatMap((tg) => tg.tasks.map((t) => t.id)).sort(),
    );
    // The in-memory state follows the store only once a batch is written: each kill was stored before sent.
    expect(held.every((k) => k.storedKill)).toBe(true);
    for (const k of held) k.release();
    await scaled;
    await h.advance(6000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.index, tg.status])).toEqual([
      [0, 'Running'],
    ]);
  });

  it('scaled back up while a scale-down is still killing, replaces the killed instances', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp({ spec: { instance: 4 } }));
    await h.advance(3000);
    await h.apps.scale(NS, 'app-test', 1);
    await h.advance(200);
    // Indexes 1-3 have their kill requested and are not gone yet: scale back up.
    expect(
      h.apps.get(NS, 'app-test').taskGroups.filter((tg) => tg.killRequestedAt !== undefined),
    ).toHaveLength(3);
    await h.apps.scale(NS, 'app-test', 4);
    await h.advance(10_000);
    const after = h.apps.get(NS, 'app-test');
    expect(after.taskGroups.map((tg) => [tg.index, tg.status])).toEqual([
      [0, 'Running'],
      [1, 'Running'],
      [2, 'Running'],
      [3, 'Running'],
    ]);
    expect(after.app.status).toBe('Running');
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(4);
  });

  it('refuses scale of a missing application with NotFound', async () => {
    h = await createHarness({ agents: 1 });
    await expect(h.apps.scale(NS, 'nope', 2)).rejects.toMatchObject({ code: 1405202 });
  });
});

describe('delete', () => {
  it('kills gracefully, honouring killPolicy.gracePeriod, then removes everything', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, anApplication({ killPolicy: { gracePeriod: 5 } }));
    await h.advance(2000);
    await h.apps.delete(NS, 'app-test', false);
    await h.advance(1000);
    // Still there: the executors get 5 s to stop.
    expect(h.apps.get(NS, 'app-test').app.status).toBe('Operating');
    expect(h.cluster.tasks().some((t) => t.state === 'TASK_RUNNING' || t.state === 'TASK_KILLING')).toBe(
      true,
    );
    await h.advance(6000);
    expect(() => h.apps.get(NS, 'app-test')).toThrow(expect.objectContaining({ code: 1405202 }));
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(0);
    expect(await h.store.list('taskgroup')).toEqual([]);
    expect(await h.store.list('version')).toEqual([]);
  });

  it('with enforce removes the records at once and still stops the executors', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, anApplication({ killPolicy: { gracePeriod: 5 } }));
    await h.advance(2000);
    await h.apps.delete(NS, 'app-test', true);
    expect(() => h.apps.get(NS, 'app-test')).toThrow(expect.objectContaining({ code: 1405202 }));
    await h.advance(7000);
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(0);
  });
});

describe('versions and definitions', () => {
  it('keeps the definition as sent and lists versions', async () => {
    h = await createHarness({ agents: 2 });
    const body = anApplication();
    await h.apps.create(NS, body);
    expect(h.apps.definition(NS, 'app-test')).toEqual(body);
    const ids = h.apps.versions(NS, 'app-test');
    expect(ids).toHaveLength(1);
    expect(h.apps.version(NS, 'app-test', ids[0]!).instances).toBe(2);
    expect(() => h.apps.version(NS, 'app-test', '1')).toThrow(expect.objectContaining({ code: 1405202 }));
  });

  it('refuses a duplicate create with AlreadyExists and stores nothing new', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, anApplication());
    const before = await h.store.revision();
    await expect(h.apps.create(NS, anApplication())).rejects.toMatchObject({ code: 1405201 });
    expect(await h.store.revision()).toBe(before);
  });
});
