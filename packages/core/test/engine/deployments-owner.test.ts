import {
  DEPLOYMENT_COLLECTION,
  type Deployment,
  type DomainEvent,
  definitionRecordOf,
  observeApp,
} from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

/** Issue 9 §3: deployments with one owner, no lag, no stale rollback; §4: an identical update is a no-op. */

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const NAME = 'deployment-test';
const V1 = 'dockerhub:8443/bcs/game/gamesvr:v1.1.1';
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';
const V3 = 'dockerhub:8443/bcs/game/gamesvr:v3.0.0';
const V4 = 'dockerhub:8443/bcs/game/gamesvr:v4.0.0';

function body(image = V1, instance = 2, rolling: Record<string, unknown> = {}) {
  const b = aDeployment({
    spec: { instance, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 1, ...rolling } } },
  }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  b.spec.template.spec.containers[0]!.image = image;
  return b as unknown as Record<string, unknown>;
}

const view = () => h.deployments.get(NS, NAME);
const bound = async () => h.engine.state.get(NS, (await view()).deployment.appName);

/** Images of every live taskgroup of the deployment's apps, sorted. */
function images(): string[] {
  return [...h.engine.state.apps.values()]
    .filter((s) => s.app.owner?.name === NAME)
    .flatMap((s) => [...s.taskGroups.values()].map((tg) => tg.tasks[0]!.image))
    .sort();
}

/** Running taskgroups of the deployment's apps on `image`. */
function running(image: string): number {
  return [...h.engine.state.apps.values()]
    .filter((s) => s.app.owner?.name === NAME)
    .flatMap((s) => [...s.taskGroups.values()])
    .filter((tg) => tg.status === 'Running' && tg.tasks[0]!.image === image).length;
}

async function until(ms: number, done: () => Promise<boolean> | boolean): Promise<void> {
  for (let t = 0; t < ms && !(await done()); t += 100) await h.advance(100);
}

async function deployed(instance = 2) {
  await h.deployments.create(NS, body(V1, instance));
  await until(15_000, async () => (await view()).deployment.status === 'Running');
  expect((await view()).deployment.status).toBe('Running');
}

async function deploymentEvents(): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  let after = h.events.log.oldestSeq - 1;
  for (
    let page = await h.events.log.read(after, 50);
    page.length > 0;
    page = await h.events.log.read(after, 50)
  ) {
    events.push(...page.filter((e) => e.kind === 'deployment.status'));
    after = page.at(-1)!.seq;
  }
  return events;
}

describe('deployments: one owner, no lag (issue 9 §3)', () => {
  it('scales right after create, while still Deploying, and ends Running at the new count', async () => {
    h = await createHarness({ agents: 3 });
    const created = await h.deployments.create(NS, body());
    expect(created.deployment.status).toBe('Deploying');
    const scaled = await h.deployments.scale(NS, NAME, 3);
    expect(scaled.deployment.instance).toBe(3);
    expect(h.engine.state.get(NS, NAME)?.app.desiredInstances).toBe(3);
    await h.advance(15_000);
    const v = await view();
    expect(v.deployment.status).toBe('Running');
    expect(v.app).toMatchObject({ desired: 3, running: 3, available: 3 });
    expect(((await h.deployments.definition(NS, NAME)) as { spec: { instance: number } }).spec.instance).toBe(
      3,
    );
  });

  it('scales while Deploying when every taskgroup already runs', async () => {
    h = await createHarness({ agents: 3 });
    await h.deployments.create(NS, body());
    // The app runs; the deployment is Deploying or already Running: a scale is accepted in both.
    await until(15_000, async () => observeApp(await bound()).available === 2);
    await h.deployments.scale(NS, NAME, 1);
    await h.advance(5000);
    expect((await view()).app).toMatchObject({ desired: 1, running: 1 });
  });

  it("follows its app's status at once: Running in the same moment the app serves every instance", async () => {
    h = await createHarness({ agents: 3 });
    await h.deployments.create(NS, body());
    const mismatches: string[] = [];
    for (let t = 0; t < 15_000; t += 100) {
      await h.advance(100);
      const available = observeApp(await bound()).available;
      const status = (await view()).deployment.status;
      if (available >= 2 !== (status === 'Running')) mismatches.push(`${t}: ${available} ${status}`);
    }
    expect(mismatches).toEqual([]);
    expect((await view()).deployment.status).toBe('Running');
  });

  it('finishes a rollout in the same moment its new app serves every instance and the old one is gone', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    await h.deployments.update(NS, body(V2));
    const mismatches: string[] = [];
    for (let t = 0; t < 60_000; t += 100) {
      await h.advance(100);
      const v = await view();
      const owned = [...h.engine.state.apps.values()].filter((s) => s.app.owner?.name === NAME);
      const done =
        owned.length === 1 && observeApp(owned[0]).available === 2 && images().every((i) => i === V2);
      if (done !== (v.deployment.status === 'Running')) mismatches.push(`${t}: ${v.deployment.status}`);
      if (done && v.deployment.status === 'Running') break;
    }
    expect(mismatches).toEqual([]);
  });

  it('an identical update is a no-op: same app, nothing restarted, no rollout', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const before = await view();
    const taskGroups = [...(await bound())!.taskGroups.keys()];
    const answer = await h.deployments.update(NS, body());
    expect(answer.deployment.status).toBe('Running');
    expect(answer.deployment.appName).toBe(before.deployment.appName);
    expect(answer.deployment.rollout).toBeUndefined();
    await h.advance(5000);
    expect([...(await bound())!.taskGroups.keys()]).toEqual(taskGroups);
    expect([...h.engine.state.apps.values()].filter((s) => s.app.owner?.name === NAME)).toHaveLength(1);
  });

  it('holds the records in memory: no store reads of deployments on ticks or commits', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const reads: string[] = [];
    const { list, get } = h.store;
    h.store.list = ((collection: string, ...rest: unknown[]) => {
      if (collection === DEPLOYMENT_COLLECTION) reads.push('list');
      return (list as (...a: unknown[]) => unknown).call(h.store, collection, ...rest);
    }) as typeof list;
    h.store.get = ((collection: string, ...rest: unknown[]) => {
      if (collection === DEPLOYMENT_COLLECTION) reads.push('get');
      return (get as (...a: unknown[]) => unknown).call(h.store, collection, ...rest);
    }) as typeof get;
    await h.deployments.update(NS, body(V2));
    await until(60_000, async () => (await view()).deployment.status === 'Running' && images().length === 2);
    await h.advance(5000);
    expect(images()).toEqual([V2, V2]);
    expect(reads).toEqual([]);
  });

  it('a pending definition that cannot start fails once, visibly, and is not retried', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    // A crash left a pending definition the scheduler cannot start: valid as a deployment, but without the
    // template a rollout needs.
    const key = `${NS}/${NAME}`;
    const stored = (await h.store.get<Deployment>(DEPLOYMENT_COLLECTION, key))!.value;
    const { spec, ...rest } = body(V2) as { spec: Record<string, unknown> };
    const { template: _template, ...withoutTemplate } = spec;
    const pendingDefinition = definitionRecordOf({ ...rest, spec: withoutTemplate }, NS);
    await h.store.put(DEPLOYMENT_COLLECTION, key, { ...stored, pendingDefinition });
    const eventsBefore = (await deploymentEvents()).length;
    h = await h.restart();
    await h.advance(10_000);
    const v = await view();
    expect(v.deployment.pendingDefinition).toBeUndefined();
    expect(v.deployment.status).toBe('Running');
    expect(v.deployment.message).not.toBe(stored.message);
    expect(
      (await h.store.get<Deployment>(DEPLOYMENT_COLLECTION, key))!.value.pendingDefinition,
    ).toBeUndefined();
    // One event for the failure, none after (not retried every second).
    expect((await deploymentEvents()).length).toBe(eventsBefore + 1);
    expect(images()).toEqual([V1, V1]);
  });
});

describe('deployments: typed definitions (issue 9 §3)', () => {
  it('keeps the definition typed and as sent; a scale changes both', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const record = (await view()).deployment;
    expect(record.definition.parsed.spec.instance).toBe(2);
    expect(record.definition.sent).toEqual(body());
    await h.deployments.scale(NS, NAME, 3);
    const scaled = (await view()).deployment;
    expect(scaled.definition.parsed.spec.instance).toBe(3);
    expect((scaled.definition.sent as { spec: { instance: number } }).spec.instance).toBe(3);
  });

  it('loads a record written before typed definitions (raw bodies) and rolls from it', async () => {
    h = await createHarness({ agents: 3 });
    await deployed();
    const key = `${NS}/${NAME}`;
    const stored = (await h.store.get<Deployment>(DEPLOYMENT_COLLECTION, key))!.value;
    await h.store.put(DEPLOYMENT_COLLECTION, key, { ...stored, definition: body() });
    h = await h.restart();
    expect(await h.deployments.definition(NS, NAME)).toEqual(body());
    expect((await view()).deployment.definition.parsed.spec.instance).toBe(2);
    await h.deployments.update(NS, body(V2));
    await until(60_000, async () => (await view()).deployment.status === 'Running' && images().length === 2);
    await h.advance(3000);
    expect(images()).toEqual([V2, V2]);
  });
});

describe('deployments: cancel restores the definition that ran before this update (issue 9 §3)', () => {
  it('the stale rollback: an update sent as soon as every new instance runs does not restore the first definition', async () => {
    h = await createHarness({ agents: 4 });
    // 1. The document's deployment, 2 instances.
    await deployed();
    // 2. 4 instances of a new image; let it finish.
    await h.deployments.update(NS, body(V2, 4));
    await until(120_000, async () => (await view()).deployment.status === 'Running');
    expect(images()).toEqual([V2, V2, V2, V2]);
    // 3. A third image, pause, resume, and "let it finish" as a user sees it: all 4 new instances run. (Before
    //    issue 9 the deployment still said Update for up to a second then, the controller's tick, and the next
    //    update was taken for an update during an update: it cancelled back to the first definition.)
    await h.deployments.update(NS, body(V3, 4));
    await h.deployments.pause(NS, NAME);
    await h.deployments.resume(NS, NAME);
    await until(120_000, () => running(V3) === 4);
    expect(running(V3)).toBe(4);
    // 4. A fourth image, cancelled once one new instance runs.
    await h.deployments.update(NS, body(V4, 4));
    await until(60_000, () => running(V4) >= 1);
    expect(running(V4)).toBeGreaterThanOrEqual(1);
    await h.deployments.cancel(NS, NAME);
    await until(120_000, async () => (await view()).deployment.status === 'Running');
    await h.advance(10_000);
    // The 4 instances of the third image, not the 2 of the first.
    expect(images()).toEqual([V3, V3, V3, V3]);
    expect((await view()).deployment.instance).toBe(4);
    expect(await h.deployments.definition(NS, NAME)).toEqual(body(V3, 4));
  });
});
