import { type DeploymentView, observeApp } from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const NAME = 'deployment-test';
const V1 = 'dockerhub:8443/bcs/game/gamesvr:v1.1.1';
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';
const V3 = 'dockerhub:8443/bcs/game/gamesvr:v3.0.0';

/** The document's example, rolling automatically with 1 s between steps (the example pauses after each). */
function body(image = V1, rolling: Record<string, unknown> = {}, instance = 2) {
  const b = aDeployment({
    spec: { instance, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 1, ...rolling } } },
  }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  b.spec.template.spec.containers[0]!.image = image;
  return b as unknown as Record<string, unknown>;
}

const view = (): Promise<DeploymentView> => h.deployments.get(NS, NAME);

/** Old + new counts now, over every app the deployment owns. */
function owned() {
  const apps = [...h.engine.state.apps.values()].filter((s) => s.app.owner?.name === NAME);
  const counts = apps.map((s) => observeApp(s));
  return {
    apps: apps.map((s) => s.app.id),
    running: counts.reduce((n, c) => n + c.running, 0),
    total: counts.reduce((n, c) => n + c.total, 0),
    available: counts.reduce((n, c) => n + c.available, 0),
  };
}

/** Advances in 100 ms steps, recording the owned counts after each; stops early once `until` holds. */
async function watch(ms: number, until?: (v: DeploymentView) => boolean) {
  const samples: ReturnType<typeof owned>[] = [];
  for (let t = 0; t < ms; t += 100) {
    await h.advance(100);
    samples.push(owned());
    if (until?.(await view())) break;
  }
  return samples;
}

function expectBounds(samples: ReturnType<typeof owned>[], cap = 3, floor = 1) {
  expect(Math.max(...samples.map((s) => s.running))).toBeLessThanOrEqual(cap);
  expect(Math.max(...samples.map((s) => s.total))).toBeLessThanOrEqual(cap);
  expect(Math.min(...samples.map((s) => s.available))).toBeGreaterThanOrEqual(floor);
}

const images = () =>
  [...h.engine.state.apps.values()]
    .filter((s) => s.app.owner?.name === NAME)
    .flatMap((s) => [...s.taskGroups.values()].map((tg) => tg.tasks[0]!.image));

async function deployed() {
  await h.deployments.create(NS, body());
  await h.advance(15_000);
  expect((await view()).deployment.status).toBe('Running');
}

describe('deployments', () => {
  it('deploys the document example: 2 Running instances of an app it owns', async () => {
    h = await createHarness({ agents: 3 });
    const created = await h.deployments.create(NS, aDeployment());
    expect(created.deployment.status).toBe('Deploying');
    await h.advance(15_000);
    const v = await view();
    expect(v.deployment.status).toBe('Running');
    expect(v.app).toMatchObject({ name: NAME, desired: 2, running: 2, available: 2 });
    expect(h.engine.state.get(NS, NAME)?.app.owner).toEqual({ kind: 'deployment', name: NAME });
    expect(await h.deployments.definition(NS, NAME)).toEqual(aDeployment());
  });

  it('rolls an image update out within maxSurge 1 / maxUnavailable 1 (≤ 3 running, ≥ 1 available)', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const started = await h.deployments.update(NS, body(V2));
    expect(started.deployment.status).toBe('Update');
    const samples = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds(samples);
    // The surge was used: old and new together reached 3 at some point.
    expect(Math.max(...samples.map((s) => s.total))).toBe(3);
    const v = await view();
    expect(v.deployment.status).toBe('Running');
    expect(v.deployment.appName).toMatch(/^deployment-test-v\d+$/);
    expect(v.app).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(owned().apps).toEqual([v.deployment.appName]);
    expect(images()).toEqual([V2, V2]);
    expect(await h.deployments.definition(NS, NAME)).toEqual(body(V2));
  });

  it('holds after the current step on pause and continues on resume', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    const paused = await h.deployments.pause(NS, NAME);
    expect(paused.rollout?.paused).toBe(true);
    await h.advance(15_000);
    const held = await view();
    expect(held.deployment.status).toBe('UpdatePaused');
    // Step 1 (new 0 → 1, then old 2 → 0) completed; step 2 (new 1 → 2) waits for resume.
    expect(held.rollout?.new.desired).toBe(1);
    const before = owned();
    await h.advance(10_000);
    expect(owned()).toEqual(before);
    expect(images()).toEqual([V2]);
    const resumed = await h.deployments.resume(NS, NAME);
    expect(resumed.deployment.status).toBe('Update');
    const samples = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds(samples);
    expect(images()).toEqual([V2, V2]);
  });

  it('cancel mid-rollout restores the old app to its full count and removes the new one', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const oldApp = (await view()).deployment.appName;
    await h.deployments.update(NS, body(V2));
    await h.advance(1500);
    await h.deployments.cancel(NS, NAME);
    const samples = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds(samples);
    await h.advance(5000);
    const v = await view();
    expect(v.deployment.appName).toBe(oldApp);
    expect(v.rollout?.phase).toBe('cancelled');
    expect(v.app).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(owned().apps).toEqual([oldApp]);
    expect(images()).toEqual([V1, V1]);
    expect(await h.deployments.definition(NS, NAME)).toEqual(body());
  });

  it('an update during an update replaces the target: V2 is rolled back, then V3 rolled out, within bounds', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    const before = await watch(1500);
    const v2App = (await view()).deployment.rollout?.newApp;
    expect(v2App).toMatch(/^deployment-test-v\d+$/);
    expect(images()).toContain(V2);
    // A bad body is refused at the entry and stores nothing.
    await expect(h.deployments.update(NS, { ...body(V3), spec: { instance: 'x' } })).rejects.toThrow();
    expect((await view()).deployment.pendingDefinition).toBeUndefined();
    const replaced = await h.deployments.update(NS, body(V3, {}, 3));
    expect(replaced.deployment.pendingDefinition?.sent).toEqual(body(V3, {}, 3));
    expect(replaced.rollout?.phase).toBe('cancelling');
    // A second update while one is pending replaces it.
    await h.deployments.update(NS, body(V3));
    expect((await view()).deployment.pendingDefinition?.sent).toEqual(body(V3));
    const after = await watch(120_000, (v) => v.deployment.status === 'Running');
    expectBounds([...before, ...after]);
    await h.advance(5000);
    const v = await view();
    expect(v.deployment.status).toBe('Running');
    expect(v.deployment.pendingDefinition).toBeUndefined();
    expect(v.rollout?.phase).toBe('done');
    expect(v.deployment.appName).not.toBe(v2App);
    expect(h.engine.state.get(NS, v2App!)).toBeUndefined();
    expect(owned().apps).toEqual([v.deployment.appName]);
    expect(v.app).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(images()).toEqual([V3, V3]);
    expect(await h.deployments.definition(NS, NAME)).toEqual(body(V3));
  });

  it('cancel during an old scale-down step (DeleteFirst) brings the old app back to full count', async () => {
    h = await createHarness({ agents: 3 });
    await h.deployments.create(NS, body(V1, { rollingOrder: 'DeleteFirst' }));
    await h.advance(15_000);
    await h.deployments.update(NS, body(V2, { rollingOrder: 'DeleteFirst' }));
    const during = await view();
    expect(during.rollout?.stage).toMatchObject({ kind: 'scale-old', direction: 'down' });
    await h.deployments.cancel(NS, NAME);
    const samples = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds(samples);
    await h.advance(5000);
    expect((await view()).app).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(images()).toEqual([V1, V1]);
  });

  it('continues a rollout across a restart, the bounds holding', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    const before = await watch(1500);
    h = await h.restart();
    const after = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds([...before, ...after]);
    expect(images()).toEqual([V2, V2]);
    expect(owned().apps).toHaveLength(1);
  });

  it('suspends when the new version fails, the old one keeps serving', async () => {
    h = await createHarness({ agents: 3, scripts: { [V2]: { kind: 'fail-at-start', message: 'boom' } } });
    await deployed();
    const failing = { ...body(V2), updatePolicy: { maxFailovers: 1 } };
    await h.deployments.update(NS, failing);
    const samples = await watch(120_000, (v) => v.deployment.status === 'UpdateSuspend');
    expect(Math.min(...samples.map((s) => s.available))).toBeGreaterThanOrEqual(1);
    const v = await view();
    expect(v.deployment.status).toBe('UpdateSuspend');
    expect(v.deployment.message).toMatch(/suspended/);
    expect(v.rollout?.old.available).toBeGreaterThanOrEqual(1);
  });

  it('refuses to update or delete an owned app directly (409)', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await expect(h.apps.delete(NS, NAME, false)).rejects.toMatchObject({ code: 1405901 });
    await expect(h.apps.scale(NS, NAME, 3)).rejects.toThrow(/belongs to deployment/);
  });

  it('deletes both apps, shows Deleting, and removes the record once they are gone', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    await h.advance(500);
    await h.deployments.delete(NS, NAME, false);
    expect((await view()).deployment.status).toBe('Deleting');
    await h.advance(10_000);
    await expect(view()).rejects.toMatchObject({ code: 1405202 });
    expect(owned().apps).toEqual([]);
  });

  it('adopts the one app whose labels carry every selector pair, and refuses more than one (spec.selector)', async () => {
    h = await createHarness({ agents: 3 });
    const labelled = (name: string) =>
      smallApp({ metadata: { name, labels: { podname: 'deployment-test', other: name } } });
    await h.apps.create(NS, labelled('web-1'));
    const noTemplate = aDeployment() as Record<string, unknown> & { spec: Record<string, unknown> };
    delete noTemplate.spec.template;
    await h.deployments.create(NS, noTemplate);
    expect(h.engine.state.get(NS, 'web-1')?.app.owner).toEqual({ kind: 'deployment', name: NAME });
    await h.advance(5000);
    expect((await view()).deployment).toMatchObject({ status: 'Running', appName: 'web-1' });
    // With a template too, an app that already belongs to a deployment is not adopted again (409).
    const withTemplate = { ...aDeployment(), metadata: { name: 'other', namespace: NS } };
    await expect(h.deployments.create(NS, withTemplate)).rejects.toThrow(/already belongs to deployment/);
    await h.apps.create(NS, labelled('web-2'));
    const second = { ...noTemplate, metadata: { name: 'second', namespace: NS } };
    await expect(h.deployments.create(NS, second)).rejects.toThrow(/spec\.selector.*matches 2/);
    await expect(h.deployments.create(NS, noTemplate)).rejects.toMatchObject({ code: 1405201 });
  });

  it('adopts the matching app given a template and rolls it to the template within the bounds', async () => {
    h = await createHarness({ agents: 3 });
    // smallApp: 2 instances of V1, as many as the deployment's spec.instance.
    await h.apps.create(
      NS,
      smallApp({ metadata: { name: 'web-1', labels: { podname: 'deployment-test' } } }),
    );
    await h.advance(5000);
    expect(h.engine.state.get(NS, 'web-1')?.app.status).toBe('Running');
    const created = await h.deployments.create(NS, body(V2));
    expect(created.deployment).toMatchObject({ status: 'Update', appName: 'web-1' });
    expect(created.deployment.rollout).toMatchObject({ oldApp: 'web-1' });
    expect(h.engine.state.get(NS, 'web-1')?.app.owner).toEqual({ kind: 'deployment', name: NAME });
    const samples = await watch(60_000, (v) => v.deployment.status === 'Running');
    expectBounds(samples); // desired 2, maxSurge 1, maxUnavailable 1
    await h.advance(5000);
    const v = await view();
    expect(v.deployment.status).toBe('Running');
    expect(v.deployment.appName).toMatch(/^deployment-test-v\d+$/);
    expect(v.app).toMatchObject({ desired: 2, running: 2, available: 2 });
    expect(h.engine.state.get(NS, 'web-1')).toBeUndefined();
    expect(owned().apps).toEqual([v.deployment.appName]);
    expect(images()).toEqual([V2, V2]);
    expect(await h.deployments.definition(NS, NAME)).toEqual(body(V2));
  });

  it('refuses a scale during an update (409) and scales the bound app when Running', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    await expect(h.deployments.scale(NS, NAME, 3)).rejects.toMatchObject({ code: 1405901 });
    await watch(60_000, (v) => v.deployment.status === 'Running');
    await h.deployments.scale(NS, NAME, 3);
    await h.advance(5000);
    expect((await view()).app).toMatchObject({ desired: 3, available: 3 });
  });
});

describe('writes of a rollout', () => {
  it("writes a step's marks with its scale in one batch, each mark's event still in its place", async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    // Per store batch: the deployment record puts and the kinds of the events it carries, in order.
    const batches: { records: number; events: string[] }[] = [];
    const batch = h.store.batch.bind(h.store);
    h.store.batch = (ops) => {
      const records = ops.filter((op) => op.type === 'put' && op.collection === 'deployment').length;
      const events = ops.flatMap((op) =>
        op.type === 'put' && op.collection === 'event'
          ? (op.value as { events: { kind: string }[] }).events.map((e) => e.kind)
          : [],
      );
      batches.push({ records, events });
      return batch(ops);
    };
    await h.deployments.update(NS, body(V2, { upgradeDuration: 0 }));
    await watch(60_000, (v) => v.deployment.status === 'Running');
    expect((await view()).deployment.rollout?.phase).toBe('done');
    // The record is written at most once per batch, and some batch folds marks (their deployment events) before
    // the scale they lead to (the app's event): written one by one, the marks came in batches of their own.
    expect(batches.every((b) => b.records <= 1)).toBe(true);
    const folded = batches.filter((b) => b.events.join(' ').includes('deployment.status application.status'));
    expect(folded.length).toBeGreaterThan(0);
    expect(folded.every((b) => b.records === 1)).toBe(true);
    // Every deployment event was written with the record: the store and the events agree on the last state.
    const stored = await h.store.get<{ rollout?: { phase: string } }>('deployment', `${NS}/${NAME}`);
    expect(stored?.value.rollout?.phase).toBe('done');
  });
});
