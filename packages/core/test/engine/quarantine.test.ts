import {
  Collections,
  createScheduler,
  ErrorCode,
  type Logger,
  type MesosDriver,
  type Scheduler,
  SchedulerEngine,
  type Store,
  type Version,
} from '@bcs/core';
import { createMemoryStore, ManualClock, type MemoryStore, SequentialIds } from '@bcs/testing';
import { aConfigMap, aDeployment } from '@bcs/testing/builders';
import { SimulatedCluster } from '@bcs/testing/cluster';
import { container as rootContainer } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { START, smallApp } from './harness.js';

// issue 9 §0: "A record that cannot be loaded never prevents the server from starting." A data dir holding an
// application with `instance: 1e9` (written before the bounds) used to run the heap out on every restart.

const NS = 'defaultGroup';

interface Started {
  readonly scheduler: Scheduler;
  readonly cluster: SimulatedCluster;
  readonly clock: ManualClock;
  readonly errors: Record<string, unknown>[];
  advance(ms: number): Promise<void>;
}

let started: Started | undefined;
afterEach(async () => {
  await started?.scheduler.close();
  await started?.cluster.dispose();
  started = undefined;
});

/** A scheduler on `store` with a fresh simulated cluster, recording its error log lines. */
async function startOn(
  store: Store,
  given?: { cluster: SimulatedCluster; clock: ManualClock; allowNewFramework?: boolean },
): Promise<Started> {
  const clock = given?.clock ?? new ManualClock(START);
  const cluster =
    given?.cluster ??
    new SimulatedCluster({ clock, seed: 7, agents: 3, offerIntervalMs: 1000, startupMs: 100 });
  if (given === undefined) await cluster.open();
  const errors: Record<string, unknown>[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (fields) => errors.push(fields as Record<string, unknown>),
  };
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    logger,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver: cluster as MesosDriver,
    engine: { clusterName: '10001', tickMs: 1000, allowNewFramework: given?.allowNewFramework ?? false },
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await settle();
  started = {
    scheduler,
    cluster,
    clock,
    errors,
    async advance(ms) {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(100);
        await settle();
      }
    },
  };
  return started;
}

/**
 * A store with application `good` (2 instances, Running) written by a real scheduler, and its version; the
 * scheduler is stopped, its cluster runs on (`restart` starts a scheduler on both again).
 */
async function storeWithGoodApp(): Promise<{
  store: MemoryStore;
  version: Version;
  restart: (options?: { allowNewFramework?: boolean }) => Promise<Started>;
}> {
  const store = createMemoryStore();
  const first = await startOn(store);
  await first.scheduler.applications.create(
    NS,
    smallApp({ metadata: { name: 'good' }, spec: { instance: 2 } }),
  );
  await first.advance(3000);
  const version = first.scheduler.applications.get(NS, 'good').version!;
  await first.scheduler.close();
  const { cluster, clock } = first;
  started = undefined;
  const restart = async (options: { allowNewFramework?: boolean } = {}) => {
    const next = await startOn(store, { cluster, clock, ...options });
    return next;
  };
  return { store, version, restart };
}

/** Writes application `name` as today's code wrote `instance: 1e9`: the app record and its version. */
async function writePoisoned(store: Store, version: Version, name: string, instances: number) {
  const poisonedVersion = { ...version, id: `${version.id}9`, appId: name, instances };
  await store.put(Collections.version, `${NS}/${name}/${poisonedVersion.id}`, poisonedVersion);
  await store.put(Collections.application, `${NS}/${name}`, {
    id: name,
    namespace: NS,
    kind: 'application',
    status: 'Staging',
    message: 'application created',
    desiredInstances: instances,
    versionId: poisonedVersion.id,
    createdAt: START,
    updatedAt: START,
    operation: { type: 'create', startedAt: START },
  });
}

const quarantineLines = (s: Started, key: string) =>
  s.errors.filter((e) => e.key === key && typeof e.reason === 'string');

describe('records that cannot be loaded are quarantined, never fatal', () => {
  it('starts on a store holding an application with instance 1e9 and shows it Abnormal, scheduling nothing for it', async () => {
    const { store, version, restart } = await storeWithGoodApp();
    await writePoisoned(store, version, 'poisoned', 1_000_000_000);
    const stored = (await store.get(Collections.application, `${NS}/poisoned`))!.value;

    const s = await restart();
    await s.advance(2000);

    const view = s.scheduler.applications.get(NS, 'poisoned');
    expect(view.app.status).toBe('Abnormal');
    expect(view.app.operation).toBeUndefined();
    expect(view.taskGroups).toHaveLength(0);
    expect(quarantineLines(s, `${NS}/poisoned`)).toHaveLength(1);
    // Kept in the store untouched.
    expect((await store.get(Collections.application, `${NS}/poisoned`))!.value).toEqual(stored);
    // The rest of the cluster runs on.
    const good = s.scheduler.applications.get(NS, 'good');
    expect(good.taskGroups.map((tg) => tg.status)).toEqual(['Running', 'Running']);
    await s.scheduler.applications.create(
      NS,
      smallApp({ metadata: { name: 'fresh' }, spec: { instance: 1 } }),
    );
    await s.advance(2000);
    expect(s.scheduler.applications.get(NS, 'fresh').taskGroups.map((tg) => tg.status)).toEqual(['Running']);
  });

  it('refuses to scale or update a quarantined application (409) and deletes it on request', async () => {
    const { store, version, restart } = await storeWithGoodApp();
    await writePoisoned(store, version, 'poisoned', 2 ** 53);
    const s = await restart();
    await expect(s.scheduler.applications.scale(NS, 'poisoned', 1)).rejects.toMatchObject({
      code: ErrorCode.Conflict,
    });
    await s.scheduler.applications.delete(NS, 'poisoned', false);
    await s.advance(500);
    expect(() => s.scheduler.applications.get(NS, 'poisoned')).toThrow();
    expect(await store.get(Collections.application, `${NS}/poisoned`)).toBeUndefined();
    expect(await store.list(Collections.version, { prefix: `${NS}/poisoned/` })).toEqual([]);
  });

  it.each([
    [
      'a record that is not an object',
      async (store: Store) => store.put(Collections.application, `${NS}/bad`, 'x'),
    ],
    [
      'a version with killPolicy.gracePeriod 1e12',
      async (store: Store, version: Version) => {
        await writePoisoned(store, version, 'bad', 1);
        const key = `${NS}/bad/${version.id}9`;
        const v = (await store.get<Version>(Collections.version, key))!.value;
        await store.put(Collections.version, key, { ...v, killGracePeriod: 1e12 });
      },
    ],
    [
      'an application whose version is missing',
      async (store: Store, version: Version) => {
        await writePoisoned(store, version, 'bad', 1);
        await store.delete(Collections.version, `${NS}/bad/${version.id}9`);
      },
    ],
    [
      'a taskgroup that is not a taskgroup',
      async (store: Store, version: Version) => {
        await writePoisoned(store, version, 'bad', 1);
        await store.put(Collections.taskGroup, `${NS}/bad/tg-1`, { id: 'tg-1', index: -1 });
      },
    ],
  ] as const)('%s: the application is shown Abnormal and the others run', async (_label, poison) => {
    const { store, version, restart } = await storeWithGoodApp();
    await poison(store, version);
    const s = await restart();
    await s.advance(1000);
    const bad = s.scheduler.applications.get(NS, 'bad');
    expect(bad.app.status).toBe('Abnormal');
    expect(bad.taskGroups.filter((tg) => tg.status !== 'Pending')).toHaveLength(0);
    expect(s.errors.some((e) => typeof e.reason === 'string' && String(e.key).startsWith(`${NS}/bad`))).toBe(
      true,
    );
    expect(s.scheduler.applications.get(NS, 'good').taskGroups.map((tg) => tg.status)).toEqual([
      'Running',
      'Running',
    ]);
  });

  it('logs and keeps a taskgroup whose application is missing, and an unreadable agent setting', async () => {
    const { store, version, restart } = await storeWithGoodApp();
    await store.put(Collections.taskGroup, `${NS}/gone/tg-1`, { id: 'tg-1' });
    await store.put('agentsetting', '10.0.0.9', null);
    const s = await restart();
    await s.advance(1000);
    expect(quarantineLines(s, `${NS}/gone/tg-1`)).toHaveLength(1);
    expect(quarantineLines(s, '10.0.0.9')).toHaveLength(1);
    expect(await store.get(Collections.taskGroup, `${NS}/gone/tg-1`)).toBeDefined();
    expect(s.scheduler.applications.get(NS, 'good').version?.id).toBe(version.id);
  });
});

// issue 9 §0, the rest: a row the store cannot read back at all (not JSON: a torn or foreign write). The memory
// store plants one where LevelDB would hold garbage text (the on-disk case is packages/server's test).
describe('rows the store cannot read back are quarantined, never fatal', () => {
  const linesOf = (s: Started, collection: string, key: string) =>
    s.errors.filter((e) => e.collection === collection && e.key === key);

  it('an unreadable application row: shown Abnormal under its key, logged once, deleted on request', async () => {
    const { store, restart } = await storeWithGoodApp();
    store.plantUnreadable(Collections.application, `${NS}/torn`);
    const s = await restart();
    await s.advance(1000);
    const torn = s.scheduler.applications.get(NS, 'torn');
    expect(torn.app).toMatchObject({ id: 'torn', namespace: NS, status: 'Abnormal', desiredInstances: 0 });
    expect(torn.taskGroups).toHaveLength(0);
    expect(s.scheduler.applications.list(NS).map((v) => v.app.id)).toEqual(['good', 'torn']);
    expect(linesOf(s, Collections.application, `${NS}/torn`)).toHaveLength(1);
    expect(s.scheduler.applications.get(NS, 'good').taskGroups.map((tg) => tg.status)).toEqual([
      'Running',
      'Running',
    ]);
    await s.scheduler.applications.delete(NS, 'torn', false);
    await s.advance(500);
    expect(() => s.scheduler.applications.get(NS, 'torn')).toThrow();
    expect(await store.list(Collections.application, { prefix: `${NS}/torn` })).toEqual([]);
  });

  it.each([
    ['version', (version: Version) => `${NS}/bad/${version.id}9`],
    ['taskgroup', () => `${NS}/bad/tg-1`],
  ] as const)('an unreadable %s row: its application is shown Abnormal', async (collection, keyOf) => {
    const { store, version, restart } = await storeWithGoodApp();
    await writePoisoned(store, version, 'bad', 1);
    store.plantUnreadable(collection, keyOf(version));
    const s = await restart();
    await s.advance(1000);
    expect(s.scheduler.applications.get(NS, 'bad').app.status).toBe('Abnormal');
    expect(linesOf(s, collection, keyOf(version))).toHaveLength(1);
    expect(s.scheduler.applications.get(NS, 'good').taskGroups.map((tg) => tg.status)).toEqual([
      'Running',
      'Running',
    ]);
  });

  it('unreadable agent setting, framework id, deployment and configmap rows: logged, the rest served', async () => {
    const { store, restart } = await storeWithGoodApp();
    const first = await restart();
    await first.scheduler.configMaps.create(NS, aConfigMap({ metadata: { name: 'kept' } }));
    await first.scheduler.agentSettings.disable(['127.0.0.2']);
    await first.scheduler.close();
    started = undefined;
    store.plantUnreadable('agentsetting', '10.0.0.9');
    store.plantUnreadable(Collections.framework, 'id');
    store.plantUnreadable('deployment', `${NS}/torn`);
    store.plantUnreadable('configmap', `${NS}/torn`);

    // Without a readable framework id the store's placed taskgroups would be orphaned by a new framework:
    // the scheduler registers one only when allowed (see link.test.ts for the refusal).
    const s = await restart({ allowNewFramework: true });
    await s.advance(1000);
    expect(linesOf(s, 'agentsetting', '10.0.0.9')).toHaveLength(1);
    expect(linesOf(s, Collections.framework, 'id')).toHaveLength(1);
    expect((await s.scheduler.agentSettings.list([])).map((a) => a.innerIP)).toEqual(['127.0.0.2']);
    expect(await s.scheduler.agentSettings.list(['10.0.0.9', '127.0.0.2'])).toHaveLength(1);
    // The configmap list leaves the row out and logs it once, however often it is read.
    for (let i = 0; i < 2; i++) {
      expect((await s.scheduler.configMaps.list(NS)).map((c) => c.metadata.name)).toEqual(['kept']);
    }
    expect(linesOf(s, 'configmap', `${NS}/torn`)).toHaveLength(1);
    await expect(s.scheduler.configMaps.get(NS, 'torn')).rejects.toHaveProperty('code', ErrorCode.Unreadable);
    await s.scheduler.configMaps.delete(NS, 'torn');
    expect(await store.get('configmap', `${NS}/torn`)).toBeUndefined();
    // The deployment controller loads around the row; a new deployment runs.
    await s.scheduler.deployments.create(
      NS,
      aDeployment({ metadata: { name: 'fresh' }, spec: { instance: 1 } }),
    );
    await s.advance(3000);
    expect((await s.scheduler.deployments.get(NS, 'fresh')).deployment.status).toBe('Running');
    expect(linesOf(s, 'deployment', `${NS}/torn`)).toHaveLength(1);
    // The framework id record was replaced at SUBSCRIBED; the good application still runs.
    expect(await store.get(Collections.framework, 'id')).toBeDefined();
    expect(s.scheduler.applications.get(NS, 'good').taskGroups).toHaveLength(2);
  });

  it('unreadable event rows: the log bounds are rebuilt, a reader of a lost chunk resyncs, numbering goes on', async () => {
    const { store, restart } = await storeWithGoodApp();
    const [first, second] = await store.list<{ last: number }>('event', { limit: 2 });
    const { seq: before } = await (async () => {
      const s = await restart();
      const latest = await s.scheduler.events.latest();
      await s.scheduler.close();
      started = undefined;
      return latest;
    })();
    store.plantUnreadable('eventlog', 'bounds');
    store.plantUnreadable('event', second!.key);

    const s = await restart();
    expect((await s.scheduler.events.latest()).seq).toBe(before);
    expect(linesOf(s, 'eventlog', 'bounds')).toHaveLength(1);
    const controller = new AbortController();
    const messages = s.scheduler.events.subscribe({ since: first!.value.last, signal: controller.signal });
    const types: string[] = [];
    for await (const message of messages) {
      types.push(message.type);
      if (types.length === 2) break;
    }
    controller.abort();
    expect(types).toEqual(['hello', 'resync']);
    expect(linesOf(s, 'event', second!.key)).toHaveLength(1);
    await s.scheduler.applications.create(
      NS,
      smallApp({ metadata: { name: 'next' }, spec: { instance: 1 } }),
    );
    await s.advance(1000);
    expect((await s.scheduler.events.latest()).seq).toBeGreaterThan(before);
  });
});
