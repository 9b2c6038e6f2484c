import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const view = () => h.apps.get(NS, 'app-test');
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';

/** Advances in small steps and records, after each, how many instances serve (Running) and on which image. */
async function watch(ms: number) {
  const samples: { running: number; images: string[] }[] = [];
  for (let t = 0; t < ms; t += 100) {
    await h.advance(100);
    const tgs = view().taskGroups;
    samples.push({
      running: tgs.filter((tg) => tg.status === 'Running').length,
      images: tgs.map((tg) => tg.tasks[0]!.image),
    });
  }
  return samples;
}

describe('update', () => {
  it('replaces one instance at a time while the others keep serving', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp({ spec: { instance: 3 } }));
    await h.advance(2000);
    await h.apps.update(NS, smallApp({ spec: { instance: 3 } }, { image: V2 }));
    const samples = await watch(20_000);
    // Never more than one instance out of service at once, and never all killed first.
    expect(Math.min(...samples.map((s) => s.running))).toBeGreaterThanOrEqual(2);
    const final = view();
    expect(final.taskGroups.map((tg) => tg.tasks[0]!.image)).toEqual([V2, V2, V2]);
    expect(final.taskGroups.every((tg) => tg.status === 'Running')).toBe(true);
    expect(final.app.operation).toBeUndefined();
    expect(final.app.status).toBe('Running');
    expect(h.apps.versions(NS, 'app-test')).toHaveLength(2);
  });

  it('replaces only `instances` of them when asked (lowest indexes first)', async () => {
    h = await createHarness({ agents: 3 });
    await h.apps.create(NS, smallApp({ spec: { instance: 3 } }));
    await h.advance(2000);
    await h.apps.update(NS, smallApp({ spec: { instance: 3 } }, { image: V2 }), { instances: 1 });
    await h.advance(10_000);
    expect(view().taskGroups.map((tg) => tg.tasks[0]!.image)).toEqual([
      V2,
      'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
      'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
    ]);
  });

  it('rolls back to the definition it is given', async () => {
    h = await createHarness({ agents: 2 });
    const v1 = smallApp({ spec: { instance: 2 } });
    await h.apps.create(NS, v1);
    await h.advance(2000);
    await h.apps.update(NS, smallApp({ spec: { instance: 2 } }, { image: V2 }));
    await h.advance(15_000);
    expect(view().taskGroups.every((tg) => tg.tasks[0]!.image === V2)).toBe(true);
    await h.apps.rollback(NS, v1);
    await h.advance(15_000);
    expect(view().taskGroups.map((tg) => [tg.tasks[0]!.image, tg.status])).toEqual([
      ['dockerhub:8443/bcs/game/gamesvr:v1.1.1', 'Running'],
      ['dockerhub:8443/bcs/game/gamesvr:v1.1.1', 'Running'],
    ]);
    expect(h.apps.definition(NS, 'app-test')).toEqual(v1);
  });

  it('changes resources in place with args=resource: same agents, same taskgroups, no restart', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }));
    await h.advance(2000);
    const before = view().taskGroups.map((tg) => [tg.id, tg.hostname]);
    await h.apps.update(
      NS,
      smallApp({ spec: { instance: 2 } }, { resources: { limits: { cpu: '1', memory: '200' } } }),
      {
        resourceOnly: true,
      },
    );
    await h.advance(2000);
    const after = view().taskGroups;
    expect(after.map((tg) => [tg.id, tg.hostname])).toEqual(before);
    expect(after.every((tg) => tg.status === 'Running')).toBe(true);
    // The executor's overhead (0.01 cpus, 64 MB mem and disk) stays in what the taskgroup holds (issue 9 §4).
    expect(after.map((tg) => tg.resources)).toEqual([
      { cpus: 1.01, mem: 264, disk: 64 },
      { cpus: 1.01, mem: 264, disk: 64 },
    ]);
    expect(h.cluster.messages()).toHaveLength(2);
  });

  it('an identical PUT is a no-op: same version, same taskgroups, nothing restarted (issue 9 §4)', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }));
    await h.advance(2000);
    const before = view();
    const kills = () => h.cluster.calls.filter((c) => c.type === 'SHUTDOWN' || c.type === 'KILL').length;
    const killsBefore = kills();
    // The same definition, keys in another order.
    const same = smallApp({ spec: { instance: 2 } });
    await h.apps.update(NS, Object.fromEntries(Object.entries(same).reverse()));
    await h.advance(5000);
    const after = view();
    expect(after.app.versionId).toBe(before.app.versionId);
    expect(after.app.operation).toBeUndefined();
    expect(after.taskGroups.map((tg) => [tg.id, tg.status, tg.restarts])).toEqual(
      before.taskGroups.map((tg) => [tg.id, 'Running', tg.restarts]),
    );
    expect(h.apps.versions(NS, 'app-test')).toHaveLength(1);
    expect(kills()).toBe(killsBefore);
  });

  it('refuses args=resource when more than resources change, naming the field, and changes nothing', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(2000);
    const revision = await h.store.revision();
    await expect(
      h.apps.update(NS, smallApp({ spec: { instance: 1 } }, { image: V2 }), { resourceOnly: true }),
    ).rejects.toMatchObject({
      code: 1405008,
    });
    expect(await h.store.revision()).toBe(revision);
  });
});
