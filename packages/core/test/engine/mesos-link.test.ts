import {
  ApplicationService,
  ClusterService,
  Collections,
  type EngineOptions,
  FRAMEWORK_ID_KEY,
  type Logger,
  type MesosCall,
  type MesosEvent,
  type MesosLinkStatus,
  type MesosTaskState,
  NO_FRAMEWORK_ID_REASON,
  RECONCILE_CHUNK,
  registerCore,
  SchedulerEngine,
  type Store,
} from '@bcs/core';
import { createMemoryStore, FakeMesosDriver, ManualClock, SequentialIds } from '@bcs/testing';
import { container as rootContainer } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, START, smallApp } from './harness.js';

// The engine behind a real, reconnecting driver (issue 10): the FrameworkInfo it subscribes with, what it does
// after every SUBSCRIBED (a reconnecting driver delivers one per re-subscribe), the framework id it refuses to
// replace, offers and acknowledgements, and the two executor modes.

const NS = 'defaultGroup';
const UUID = 'yquKe+R9RxyK7YbDJb5OCA==';

let h: Harness | undefined;
let fake: OnFake | undefined;
afterEach(async () => {
  await h?.dispose();
  await fake?.dispose();
  h = undefined;
  fake = undefined;
});

/** A scheduler on a FakeMesosDriver: the test plays the master (`driver.emit`) and reads the calls. */
interface OnFake {
  readonly driver: FakeMesosDriver;
  readonly engine: SchedulerEngine;
  readonly apps: ApplicationService;
  readonly clock: ManualClock;
  readonly errors: { fields: Record<string, unknown>; message: string | undefined }[];
  /** Advances the clock in 100 ms steps, letting the engine settle after each. */
  advance(ms: number): Promise<void>;
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

async function onFake(
  store: Store,
  options: { engine?: EngineOptions; driver?: FakeMesosDriver; clock?: ManualClock } = {},
): Promise<OnFake> {
  const clock = options.clock ?? new ManualClock(START + 60_000);
  const driver = options.driver ?? new FakeMesosDriver({ frameworkId: 'new-framework' });
  const errors: OnFake['errors'] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (fields, message) => errors.push({ fields: fields as Record<string, unknown>, message }),
  };
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock,
    logger,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver,
    engine: { clusterName: '10001', tickMs: 1000, ...options.engine },
  });
  const engine = container.resolve(SchedulerEngine);
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await engine.start();
  await settle();
  return {
    driver,
    engine,
    apps: container.resolve(ApplicationService),
    clock,
    errors,
    settle,
    async advance(ms) {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(Math.min(100, ms - t));
        await settle();
      }
    },
    async dispose() {
      await engine.dispose();
      await container.dispose();
    },
  };
}

/** A store with `instances` taskgroups Running on the simulated cluster, and their framework id and task ids. */
async function storeWithRunning(
  instances: number,
  app: Record<string, unknown> = {},
  size: { agents?: number; cpu?: string; memory?: string } = {},
): Promise<{ store: Store; frameworkId: string; taskIds: string[]; agentId: string }> {
  const store = createMemoryStore();
  // A fixture only (the tests then run on a FakeMesosDriver): built in process whatever the transport.
  const sim = await createHarness({ store, agents: size.agents ?? 2, transport: 'in-process' });
  const limits = { cpu: size.cpu ?? '0.5', memory: size.memory ?? '100' };
  await sim.apps.create(NS, smallApp({ spec: { instance: instances }, ...app }, { resources: { limits } }));
  await sim.advance(instances > 100 ? 10_000 : 2000);
  const taskGroups = sim.apps.get(NS, 'app-test').taskGroups;
  expect(taskGroups.map((tg) => tg.status)).toEqual(Array(instances).fill('Running'));
  const frameworkId = sim.engine.frameworkId!;
  await sim.dispose();
  return {
    store,
    frameworkId,
    taskIds: taskGroups.flatMap((tg) => tg.tasks.map((t) => t.id)),
    agentId: taskGroups[0]!.agentId!,
  };
}

/** A FakeMesosDriver whose `status()` the test sets, as a reconnecting driver reports its link. */
class LinkFakeDriver extends FakeMesosDriver {
  link: MesosLinkStatus['state'] = 'subscribed';
  status(): MesosLinkStatus {
    return { state: this.link, master: 'fake', since: 0 };
  }
}

/** A FakeMesosDriver whose master refuses every ACCEPT (a 400, say) while the link stays up. */
class RefusingAcceptDriver extends FakeMesosDriver {
  override async call(call: MesosCall): Promise<void> {
    await super.call(call);
    if (call.type === 'ACCEPT') throw new Error('400 Bad Request');
  }
}

const reconciled = (call: MesosCall) =>
  call.type === 'RECONCILE' ? call.reconcile.tasks.map((t) => t.task_id.value).sort() : [];
const explicitReconciles = (driver: FakeMesosDriver) =>
  driver.callsOf('RECONCILE').filter((c) => c.reconcile.tasks.length > 0);
const implicitReconciles = (driver: FakeMesosDriver) =>
  driver.callsOf('RECONCILE').filter((c) => c.reconcile.tasks.length === 0);

function subscribed(frameworkId: string): MesosEvent {
  return { type: 'SUBSCRIBED', subscribed: { framework_id: { value: frameworkId } } };
}

/** The master's explicit-reconciliation answer about a task (no uuid). */
function reconciliationAnswer(
  taskId: string,
  agentId: string,
  state: MesosTaskState = 'TASK_RUNNING',
): MesosEvent {
  return {
    type: 'UPDATE',
    update: {
      status: {
        task_id: { value: taskId },
        agent_id: { value: agentId },
        state,
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
      },
    },
  };
}

function anOffer(id: string, agentId: string): MesosEvent {
  return {
    type: 'OFFERS',
    offers: {
      offers: [
        {
          id: { value: id },
          framework_id: { value: 'fw' },
          agent_id: { value: agentId },
          hostname: 'far-away',
          resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
            { name: 'mem', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
            { name: 'disk', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
            { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
          ],
        },
      ],
    },
  };
}

const namesOffer = (call: MesosCall, offerId: string) =>
  (call.type === 'ACCEPT' && call.accept.offer_ids.some((o) => o.value === offerId)) ||
  (call.type === 'DECLINE' && call.decline.offer_ids.some((o) => o.value === offerId));

describe('the FrameworkInfo', () => {
  it('by default: bcs-scheduler, role * with MULTI_ROLE, PARTITION_AWARE, TASK_KILLING_STATE, a week of failover', async () => {
    fake = await onFake(createMemoryStore());
    expect(fake.driver.framework).toEqual({
      user: 'root',
      name: 'bcs-scheduler',
      roles: ['*'],
      failover_timeout: 604_800,
      checkpoint: true,
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    });
  });

  it('from the options, with the stored framework id', async () => {
    const store = createMemoryStore();
    await store.put(Collections.framework, FRAMEWORK_ID_KEY, 'stored-0001');
    fake = await onFake(store, {
      engine: {
        frameworkName: 'other',
        frameworkUser: 'svc',
        role: 'batch',
        hostname: 'sched-1',
        webuiUrl: 'http://sched-1:8080',
        failoverTimeoutSeconds: 3600,
      },
    });
    expect(fake.driver.framework).toMatchObject({
      id: { value: 'stored-0001' },
      user: 'svc',
      name: 'other',
      roles: ['batch'],
      hostname: 'sched-1',
      webui_url: 'http://sched-1:8080',
      failover_timeout: 3600,
    });
    expect(fake.engine.frameworkId).toBe('stored-0001');
  });

  it('launches on the simulated cluster, whose offers carry allocation_info under MULTI_ROLE', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(2000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running']);
    const [agent] = [...h.engine.agents.values()];
    expect(agent!.offer.resources.every((r) => r.allocation_info?.role === '*')).toBe(true);
  });
});

describe('after every SUBSCRIBED', () => {
  it('drops the pooled offers: one received just before a re-SUBSCRIBED is never accepted nor declined', async () => {
    const { store, frameworkId, agentId } = await storeWithRunning(1);
    fake = await onFake(store);
    // Pending work, so that a placement pass would use the offer.
    await fake.apps.scale(NS, 'app-test', 3);
    await fake.settle();
    for (const round of [1, 2]) {
      fake.driver.emit(anOffer(`stale-${round}`, agentId));
      fake.driver.emit(subscribed(frameworkId));
      await fake.advance(300);
      expect(fake.driver.calls.filter((c) => namesOffer(c, `stale-${round}`))).toEqual([]);
    }
    // An offer of the current subscription is used.
    fake.driver.emit(anOffer('fresh', agentId));
    await fake.advance(300);
    expect(fake.driver.callsOf('ACCEPT').map((c) => c.accept.offer_ids[0]!.value)).toEqual(['fresh']);
  });

  it('REVIVEs when taskgroups wait, and not otherwise', async () => {
    const { store, frameworkId } = await storeWithRunning(1);
    fake = await onFake(store);
    await fake.advance(2000);
    fake.driver.clearCalls();
    fake.driver.emit(subscribed(frameworkId));
    await fake.settle();
    expect(fake.driver.callsOf('REVIVE')).toHaveLength(0);

    await fake.apps.scale(NS, 'app-test', 2);
    await fake.advance(2000);
    fake.driver.clearCalls();
    for (let i = 0; i < 2; i++) {
      fake.driver.emit(subscribed(frameworkId));
      await fake.settle();
    }
    expect(fake.driver.callsOf('REVIVE')).toHaveLength(2);
    expect(fake.driver.callsOf('SUPPRESS')).toHaveLength(0);
  });

  it('sends nothing while the driver reports its link down, and resumes after the next SUBSCRIBED', async () => {
    const { store, frameworkId } = await storeWithRunning(1);
    const driver = new LinkFakeDriver({ frameworkId });
    fake = await onFake(store, { driver });
    await fake.advance(2000);
    driver.link = 'reconnecting';
    driver.clearCalls();
    await fake.apps.scale(NS, 'app-test', 3);
    await fake.advance(5000);
    expect(driver.calls).toEqual([]);

    driver.link = 'subscribed';
    driver.emit(subscribed(frameworkId));
    await fake.settle();
    expect(driver.callsOf('REVIVE')).toHaveLength(1);
    expect(explicitReconciles(driver)).toHaveLength(1);
  });

  it('reconciles every task explicitly, again with back-off until each has answered, then implicitly', async () => {
    const { store, frameworkId, taskIds, agentId } = await storeWithRunning(2);
    fake = await onFake(store, { engine: { reconcileRetry: { initialMs: 1000, maxMs: 4000 } } });
    const { driver } = fake;
    expect(driver.framework?.id?.value).toBe(frameworkId);
    expect(explicitReconciles(driver).map(reconciled)).toEqual([[...taskIds].sort()]);
    expect(explicitReconciles(driver)[0]!.reconcile.tasks[0]!.agent_id?.value).toBe(agentId);

    // Nobody answers (agents not re-registered yet): asked again after 1 s, then 2 s.
    await fake.advance(1000);
    expect(explicitReconciles(driver)).toHaveLength(2);
    await fake.advance(1900);
    expect(explicitReconciles(driver)).toHaveLength(2);
    await fake.advance(100);
    expect(explicitReconciles(driver)).toHaveLength(3);

    // One answers: the next round (4 s later) asks only about the other.
    driver.emit(reconciliationAnswer(taskIds[0]!, agentId));
    await fake.advance(4000);
    expect(explicitReconciles(driver).map(reconciled).at(-1)).toEqual([taskIds[1]]);
    expect(implicitReconciles(driver)).toHaveLength(0);

    // The other answers: one implicit reconciliation, and no explicit one any more.
    driver.emit(reconciliationAnswer(taskIds[1]!, agentId));
    await fake.advance(4000);
    const explicitCount = explicitReconciles(driver).length;
    expect(implicitReconciles(driver)).toHaveLength(1);
    await fake.advance(60_000);
    expect(explicitReconciles(driver)).toHaveLength(explicitCount);
    expect(implicitReconciles(driver)).toHaveLength(1);
  });

  it('writes nothing for an answer that confirms the stored state; one that changes it is stored', async () => {
    const { store, taskIds, agentId } = await storeWithRunning(2);
    fake = await onFake(store);
    await fake.advance(3000);
    // (The first answers let the restarted engine settle the application's own status record.)
    for (const id of taskIds) fake.driver.emit(reconciliationAnswer(id, agentId));
    await fake.settle();
    const revision = await store.revision();
    const before = fake.apps.get(NS, 'app-test').taskGroups;
    for (let round = 0; round < 3; round++) {
      for (const id of taskIds) fake.driver.emit(reconciliationAnswer(id, agentId));
    }
    await fake.settle();
    expect(await store.revision()).toBe(revision);
    expect(fake.apps.get(NS, 'app-test').taskGroups).toEqual(before);

    fake.driver.emit(reconciliationAnswer(taskIds[0]!, agentId, 'TASK_FAILED'));
    await fake.settle();
    expect(await store.revision()).toBeGreaterThan(revision);
  });

  it('restarts the reconciliation on a second SUBSCRIBED, forgetting the answers given before it', async () => {
    const { store, frameworkId, taskIds, agentId } = await storeWithRunning(2);
    fake = await onFake(store, { engine: { reconcileRetry: { initialMs: 1000, maxMs: 1000 } } });
    const { driver } = fake;
    driver.emit(reconciliationAnswer(taskIds[0]!, agentId));
    await fake.settle();
    // A re-subscribe (the driver reconnected) before the retry: every task is asked about again at once.
    driver.emit(subscribed(frameworkId));
    await fake.settle();
    expect(explicitReconciles(driver).map(reconciled)).toEqual([[...taskIds].sort(), [...taskIds].sort()]);
    // Answers after it count; the retry asks only about the silent task.
    driver.emit(reconciliationAnswer(taskIds[1]!, agentId));
    await fake.advance(1000);
    expect(explicitReconciles(driver).map(reconciled).at(-1)).toEqual([taskIds[0]]);
  });
});

describe('the framework id', () => {
  it('is never replaced by a new one while the store holds placed taskgroups: no SUBSCRIBE, an error, link() says why', async () => {
    const { store } = await storeWithRunning(1);
    await store.delete(Collections.framework, FRAMEWORK_ID_KEY);
    fake = await onFake(store);
    await fake.advance(3000);
    expect(fake.driver.subscribed).toBe(false);
    expect(fake.driver.calls).toEqual([]);
    expect(fake.errors.filter((e) => e.fields.reason === NO_FRAMEWORK_ID_REASON)).toHaveLength(1);
    expect(fake.engine.link()).toMatchObject({ state: 'removed', reason: NO_FRAMEWORK_ID_REASON });
    // Nothing is deleted: the taskgroup is still there, as it was.
    expect(fake.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running']);
  });

  it('a store without placed taskgroups registers a new framework and stores its id', async () => {
    const store = createMemoryStore();
    fake = await onFake(store);
    expect(fake.driver.subscribed).toBe(true);
    expect(fake.driver.framework?.id).toBeUndefined();
    expect((await store.get(Collections.framework, FRAMEWORK_ID_KEY))?.value).toBe('new-framework');
    expect(fake.engine.link()).toMatchObject({ frameworkId: 'new-framework' });
  });

  it('removed by the master: an error, link() says so, nothing is sent or deleted', async () => {
    const { store, frameworkId } = await storeWithRunning(1);
    fake = await onFake(store);
    fake.driver.emit({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    await fake.settle();
    fake.driver.clearCalls();
    await fake.apps.scale(NS, 'app-test', 0);
    await fake.advance(3000);
    expect(fake.driver.calls).toEqual([]);
    expect(fake.engine.link()).toMatchObject({
      state: 'removed',
      frameworkId,
      lastError: 'Framework has been removed',
      reason: expect.any(String),
    });
    expect(fake.errors.filter((e) => e.fields.reason !== undefined)).toHaveLength(1);
    expect((await store.get(Collections.framework, FRAMEWORK_ID_KEY))?.value).toBe(frameworkId);
  });

  it('removed, with allowNewFramework: a new framework, and the old instances replaced by the restart policy', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 }, restartPolicy: { policy: 'OnFailure' } }));
    await h.advance(2000);
    const before = h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.id);
    const oldFramework = h.engine.frameworkId!;
    // The framework's failover timeout expired while the scheduler was away: the master tore it down.
    await h.cluster.call({ type: 'TEARDOWN' });
    h = await h.restart({ clusterName: '10001', tickMs: 1000 });
    await h.advance(2000);
    expect(h.engine.link()).toMatchObject({ state: 'removed', frameworkId: oldFramework });
    expect(h.clusterView.mesos()).toMatchObject({ state: 'removed', reason: expect.any(String) });
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.id)).toEqual(before);

    h = await h.restart({ clusterName: '10001', tickMs: 1000, allowNewFramework: true });
    await h.advance(10_000);
    expect(h.engine.frameworkId).not.toBe(oldFramework);
    expect(h.engine.link()).toMatchObject({ state: 'subscribed', frameworkId: h.engine.frameworkId });
    const after = h.apps.get(NS, 'app-test').taskGroups;
    expect(after.map((tg) => tg.status)).toEqual(['Running', 'Running']);
    expect(after.every((tg) => !before.includes(tg.id) && tg.restarts === 1)).toBe(true);
  });
});

describe('partition-aware task states', () => {
  it.each([
    ['TASK_GONE', 'Failed'],
    ['TASK_GONE_BY_OPERATOR', 'Failed'],
    ['TASK_UNKNOWN', 'Failed'],
  ] as const)('%s ends the instance (%s), and the restart policy replaces it', async (state, ended) => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, restartPolicy: { policy: 'OnFailure' } }));
    await h.advance(2000);
    const [running] = h.apps.get(NS, 'app-test').taskGroups;
    await h.engine.run(() => h!.cluster.injectStatus(running!.tasks[0]!.id, state));
    await h.advance(200);
    const [replacement] = h.apps.get(NS, 'app-test').taskGroups;
    expect(replacement).toMatchObject({ index: 0, status: 'Pending', restarts: 1 });
    expect(replacement!.message).toContain(ended);
    expect(h.engine.state.usageOn(running!.agentId!).cpus).toBe(0);
  });

  it('TASK_DROPPED (never launched): placed again at once whatever the policy, not counted as a restart', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, restartPolicy: { policy: 'Never' } }));
    await h.advance(2000);
    const [running] = h.apps.get(NS, 'app-test').taskGroups;
    await h.engine.run(() => h!.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_DROPPED'));
    await h.advance(100);
    const [replacement] = h.apps.get(NS, 'app-test').taskGroups;
    expect(replacement).toMatchObject({ index: 0, restarts: 0 });
    expect(replacement!.id).not.toBe(running!.id);
    expect(replacement!.notBefore ?? 0).toBeLessThanOrEqual(h.clock.now());
    await h.advance(2000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.id, tg.status])).toEqual([
      [replacement!.id, 'Running'],
    ]);
  });

  it('TASK_UNREACHABLE: Lost, still counted on its agent, and Running again when it comes back', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, restartPolicy: { policy: 'Never' } }));
    await h.advance(2000);
    const [running] = h.apps.get(NS, 'app-test').taskGroups;
    h.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_UNREACHABLE');
    await h.advance(200);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => [tg.id, tg.status])).toEqual([
      [running!.id, 'Lost'],
    ]);
    expect(h.engine.state.usageOn(running!.agentId!).cpus).toBeGreaterThan(0);
    h.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_RUNNING');
    await h.advance(200);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running']);
  });
});

describe('launches that never reached the master', () => {
  /** The master's explicit-reconciliation answer about a task it has no record of (agent registered). */
  const unknownToMaster = (taskId: string, agentId: string) =>
    reconciliationAnswer(taskId, agentId, 'TASK_GONE');
  const launchedIds = (call: MesosCall) =>
    call.type === 'ACCEPT'
      ? call.accept.operations.flatMap((op) =>
          op.type === 'LAUNCH_GROUP' ? op.launch_group.task_group.tasks.map((t) => t.task_id.value) : [],
        )
      : [];

  it('an ACCEPT refused while the link stays up: its tasks are reconciled soon after, until they answer', async () => {
    const { store, agentId } = await storeWithRunning(1);
    const driver = new RefusingAcceptDriver();
    fake = await onFake(store, { driver });
    await fake.apps.scale(NS, 'app-test', 2);
    await fake.settle();
    await fake.advance(3000);
    driver.clearCalls();
    driver.emit(anOffer('o-refused', agentId));
    await fake.advance(300);
    const refused = driver.callsOf('ACCEPT').flatMap(launchedIds);
    expect(refused).toHaveLength(1);
    // The refused tasks join the start-up reconciliation (still asking about the Running task, which this
    // master never answers), whose next round is brought forward to reconcileRetry.initialMs.
    const asking = () => explicitReconciles(driver).filter((c) => reconciled(c).includes(refused[0]!));
    expect(asking()).toHaveLength(0);
    await fake.advance(1000);
    expect(asking()).toHaveLength(1);
    await fake.advance(2000); // unanswered: asked again after the doubled delay
    expect(asking()).toHaveLength(2);

    driver.emit(reconciliationAnswer(refused[0]!, agentId, 'TASK_STAGING'));
    await fake.settle();
    await fake.advance(130_000);
    expect(asking()).toHaveLength(2);
    expect(explicitReconciles(driver).length).toBeGreaterThan(2); // the Running task is still asked about
  });

  it('a Staging task the master does not know is placed again with new ids whatever the policy; a Running one stays Failed', async () => {
    const { store, frameworkId, taskIds, agentId } = await storeWithRunning(1, {
      restartPolicy: { policy: 'Never' },
    });
    fake = await onFake(store);
    await fake.apps.scale(NS, 'app-test', 2);
    await fake.settle();
    fake.driver.emit(anOffer('o-1', agentId));
    await fake.advance(300);
    const staging = fake.driver.callsOf('ACCEPT').flatMap(launchedIds);
    expect(staging).toHaveLength(1);
    const before = fake.apps.get(NS, 'app-test').taskGroups.find((tg) => tg.index === 1)!;
    expect(before.status).toBe('Staging');

    // That ACCEPT never reached the master (a former leader answered 307); the driver re-subscribes.
    fake.driver.clearCalls();
    fake.driver.emit(subscribed(frameworkId));
    await fake.settle();
    expect(reconciled(explicitReconciles(fake.driver)[0]!)).toEqual([...taskIds, ...staging].sort());
    fake.driver.emit(unknownToMaster(staging[0]!, agentId));
    fake.driver.emit(unknownToMaster(taskIds[0]!, agentId));
    await fake.advance(300);

    const groups = [...fake.apps.get(NS, 'app-test').taskGroups].sort((a, b) => a.index - b.index);
    expect(groups.map((tg) => [tg.index, tg.status])).toEqual([
      [0, 'Failed'],
      [1, 'Pending'],
    ]);
    const replacement = groups[1]!;
    expect(replacement.id).not.toBe(before.id);
    expect(replacement.restarts).toBe(0);
    expect(replacement.tasks.map((t) => t.id)).not.toContain(staging[0]);
    // The next offer launches the replacement under its own task id; the unknown one is never sent again.
    fake.driver.emit(anOffer('o-2', agentId));
    await fake.advance(300);
    expect(fake.driver.callsOf('ACCEPT').flatMap(launchedIds)).toEqual(replacement.tasks.map((t) => t.id));
  });
});

describe('offers', () => {
  it('an offer held longer than offerMaxHoldMs is declined with the refuse filter, never accepted', async () => {
    const { store, agentId } = await storeWithRunning(1);
    fake = await onFake(store, { engine: { offerMaxHoldMs: 5000, declineRefuseSeconds: 7 } });
    await fake.apps.scale(NS, 'app-test', 2);
    await fake.settle();
    fake.driver.clearCalls();
    // The engine is busy (a long turn) when the offer arrives and while time passes.
    let release!: () => void;
    const busy = fake.engine.run(() => new Promise<void>((resolve) => (release = resolve)));
    fake.driver.emit(anOffer('held', agentId));
    await new Promise((resolve) => setImmediate(resolve));
    fake.clock.advance(6000);
    release();
    await busy;
    await fake.settle();
    expect(fake.driver.callsOf('ACCEPT')).toEqual([]);
    expect(fake.driver.callsOf('DECLINE')).toEqual([
      { type: 'DECLINE', decline: { offer_ids: [{ value: 'held' }], filters: { refuse_seconds: 7 } } },
    ]);
  });

  it('an offer within offerMaxHoldMs is used', async () => {
    const { store, agentId } = await storeWithRunning(1);
    fake = await onFake(store, { engine: { offerMaxHoldMs: 5000 } });
    await fake.apps.scale(NS, 'app-test', 2);
    await fake.settle();
    fake.driver.emit(anOffer('young', agentId));
    await fake.advance(1000);
    expect(fake.driver.callsOf('ACCEPT').map((c) => c.accept.offer_ids[0]!.value)).toEqual(['young']);
  });
});

describe('acknowledgements', () => {
  /** A store whose batches fail while `failing` is set, recording each successful batch in `log`. */
  function flakyStore(log: string[]): { store: Store; fail(on: boolean): void } {
    const inner = createMemoryStore();
    let failing = false;
    const store = new Proxy(inner, {
      get(target, property) {
        if (property === 'batch') {
          return async (...args: Parameters<Store['batch']>) => {
            if (failing) throw new Error('disk full');
            await target.batch(...args);
            log.push('batch');
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    return { store, fail: (on) => (failing = on) };
  }

  /** A FakeMesosDriver that also writes each call's type into `log`. */
  class LoggingDriver extends FakeMesosDriver {
    constructor(private readonly log: string[]) {
      super({ frameworkId: 'fw-1' });
    }
    override async call(call: MesosCall): Promise<void> {
      this.log.push(call.type);
      await super.call(call);
    }
  }

  async function runningOnFlaky() {
    const log: string[] = [];
    const flaky = flakyStore(log);
    const sim = await createHarness({ store: flaky.store, agents: 1 });
    await sim.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await sim.advance(2000);
    const [taskGroup] = sim.apps.get(NS, 'app-test').taskGroups;
    await sim.dispose();
    fake = await onFake(flaky.store, { driver: new LoggingDriver(log) });
    log.length = 0;
    return { log, flaky, task: taskGroup!.tasks[0]!.id, agentId: taskGroup!.agentId! };
  }

  function update(taskId: string, agentId: string, state: 'TASK_RUNNING' | 'TASK_FAILED', uuid?: string) {
    return {
      type: 'UPDATE',
      update: {
        status: {
          task_id: { value: taskId },
          agent_id: { value: agentId },
          state,
          source: 'SOURCE_EXECUTOR',
          ...(uuid === undefined ? {} : { uuid }),
        },
      },
    } as MesosEvent;
  }

  it('only updates with a uuid, and only after the batch that applied them is written', async () => {
    const { log, task, agentId } = await runningOnFlaky();
    fake!.driver.emit(update(task, agentId, 'TASK_FAILED', UUID));
    fake!.driver.emit(update(task, agentId, 'TASK_RUNNING'));
    await fake!.settle();
    const acks = fake!.driver.callsOf('ACKNOWLEDGE');
    expect(acks).toEqual([
      {
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: { value: agentId }, task_id: { value: task }, uuid: UUID },
      },
    ]);
    expect(log.indexOf('batch')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('batch')).toBeLessThan(log.indexOf('ACKNOWLEDGE'));
  });

  it('a resent update the scheduler already applied is acknowledged again and writes nothing', async () => {
    const { log, task, agentId } = await runningOnFlaky();
    fake!.driver.emit(update(task, agentId, 'TASK_RUNNING', UUID));
    await fake!.settle();
    log.length = 0;
    fake!.driver.emit(update(task, agentId, 'TASK_RUNNING', UUID));
    await fake!.settle();
    expect(fake!.driver.callsOf('ACKNOWLEDGE')).toHaveLength(2);
    expect(log).toEqual(['ACKNOWLEDGE']);
  });

  it('not when the batch fails: Mesos resends it, and the resent update is acknowledged once stored', async () => {
    const { flaky, task, agentId } = await runningOnFlaky();
    flaky.fail(true);
    fake!.driver.emit(update(task, agentId, 'TASK_FAILED', UUID));
    await fake!.settle();
    expect(fake!.driver.callsOf('ACKNOWLEDGE')).toEqual([]);
    expect(fake!.apps.get(NS, 'app-test').taskGroups[0]!.status).toBe('Running');

    flaky.fail(false);
    fake!.driver.emit(update(task, agentId, 'TASK_FAILED', UUID));
    await fake!.settle();
    expect(fake!.driver.callsOf('ACKNOWLEDGE')).toHaveLength(1);
  });
});

/** What the HTTP driver adds to every call it puts on the wire (the simulator records calls as received). */
const onTheWire = (harness: Harness) =>
  harness.http === undefined ? {} : { framework_id: { value: harness.engine.frameworkId } };

describe('executor modes', () => {
  it('default: the DEFAULT executor, and a kill is a KILL of each task with the grace period, no SHUTDOWN', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, killPolicy: { gracePeriod: 2 } }));
    await h.advance(2000);
    const [running] = h.apps.get(NS, 'app-test').taskGroups;
    const launch = h.cluster.calls.find((c) => c.type === 'ACCEPT');
    expect(launch?.type === 'ACCEPT' && launch.accept.operations[0]!.launch_group.executor.type).toBe(
      'DEFAULT',
    );
    await h.apps.scale(NS, 'app-test', 0);
    await h.advance(4000);
    expect(h.cluster.calls.filter((c) => c.type === 'SHUTDOWN')).toEqual([]);
    const wire = onTheWire(h);
    expect(h.cluster.calls.filter((c) => c.type === 'KILL')).toEqual(
      running!.tasks.map((t) => ({
        type: 'KILL',
        kill: {
          task_id: { value: t.id },
          agent_id: { value: running!.agentId },
          kill_policy: { grace_period: { nanoseconds: 2_000_000_000 } },
        },
        ...wire,
      })),
    );
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toEqual([]);
    expect(h.apps.get(NS, 'app-test').taskGroups).toEqual([]);
  });

  it('bcs: the CUSTOM BCS executor fetched from the URI, and a kill is a SHUTDOWN of it, no KILL', async () => {
    const uri = 'file:///data/bcs/mesos/libexec/mesos/bcs-container-executor';
    h = await createHarness({ agents: 1, engine: { executor: { kind: 'bcs', uri } } });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
    await h.advance(2000);
    const [running] = h.apps.get(NS, 'app-test').taskGroups;
    expect(running?.status).toBe('Running');
    const launch = h.cluster.calls.find((c) => c.type === 'ACCEPT');
    const executor =
      launch?.type === 'ACCEPT' ? launch.accept.operations[0]!.launch_group.executor : undefined;
    expect(executor).toMatchObject({
      type: 'CUSTOM',
      executor_id: { value: running!.id },
      framework_id: { value: h.engine.frameworkId },
      name: 'BcsExec',
      source: 'bcs',
      // The builder's application has networktype BRIDGE.
      command: {
        uris: [{ value: uri, executable: true }],
        value: './bcs-container-executor --network-mode BRIDGE',
      },
    });
    expect(executor?.container).toBeUndefined();
    await h.apps.scale(NS, 'app-test', 0);
    await h.advance(5000);
    expect(h.cluster.calls.filter((c) => c.type === 'KILL')).toEqual([]);
    expect(h.cluster.calls.filter((c) => c.type === 'SHUTDOWN')).toEqual([
      {
        type: 'SHUTDOWN',
        shutdown: { executor_id: { value: running!.id }, agent_id: { value: running!.agentId } },
        ...onTheWire(h),
      },
    ]);
    expect(h.cluster.tasks().filter((t) => t.state === 'TASK_RUNNING')).toEqual([]);
    expect(h.apps.get(NS, 'app-test').taskGroups).toEqual([]);
  });
});

describe('link()', () => {
  it('the simulated cluster (in process, or its HTTP face): subscribed, with the framework id; the cluster view shows it', async () => {
    h = await createHarness({ agents: 1 });
    const link = h.engine.link();
    const master = h.http?.server.leaderUrl ?? 'in-process';
    expect(link).toMatchObject({ master, state: 'subscribed', frameworkId: h.engine.frameworkId });
    expect(h.container.resolve(ClusterService).mesos()).toEqual({
      master,
      state: 'subscribed',
      since: link.since,
      frameworkId: h.engine.frameworkId,
    });
  });
});

describe('explicit reconciliation of many tasks', () => {
  it(`asks about at most RECONCILE_CHUNK (${RECONCILE_CHUNK}) tasks per call`, async () => {
    const { store, taskIds } = await storeWithRunning(1100, {}, { agents: 12, cpu: '0.01', memory: '8' });
    fake = await onFake(store);
    const calls = explicitReconciles(fake.driver);
    expect(calls.map((c) => c.reconcile.tasks.length)).toEqual([RECONCILE_CHUNK, 1100 - RECONCILE_CHUNK]);
    expect(calls.flatMap(reconciled).sort()).toEqual([...taskIds].sort());
  });
});
