import { type DomainEvent, HEALTH_RESTART_WINDOW_MS, restartBudget, type TaskGroup } from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { FakeOutbound } from '@bcs/testing/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

// What health decides (issue 13 §2): updates wait for a healthy new instance; health restarts only when the
// definition asks, within a per-application budget, with a circuit breaker.

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const view = () => h.apps.get(NS, 'app-test');
const taskGroups = (): readonly TaskGroup[] => view().taskGroups;

/** The document's application with only a local HTTP check (its remote ones dropped). */
const LOCAL_ONLY = { healthChecks: [{ type: 'HTTP', http: { port: 8080, path: '/' } }] };

async function eventsAfter(since: number): Promise<DomainEvent[]> {
  const { seq: latest } = await h.events.latest();
  if (latest <= since) return [];
  const controller = new AbortController();
  const out: DomainEvent[] = [];
  for await (const message of h.events.subscribe({ since, signal: controller.signal })) {
    if (message.type !== 'events') continue;
    out.push(...message.events);
    if (out.at(-1)!.seq >= latest) break;
  }
  controller.abort();
  return out;
}

describe('restartBudget', () => {
  it.each([
    [1, 1],
    [9, 1],
    [10, 1],
    [25, 2],
    [100, 10],
  ])('%i desired instances → %i per window', (desired, budget) => {
    expect(restartBudget(desired)).toBe(budget);
  });
});

describe('an update waits for a healthy new instance', () => {
  it('holds back at the first new instance while its local check reports unhealthy', async () => {
    h = await createHarness({ agents: 2, scripts: { sick: { kind: 'unhealthy' } } });
    await h.apps.create(NS, smallApp({ spec: { instance: 3 } }, LOCAL_ONLY));
    await h.advance(3000);
    expect(taskGroups().map((tg) => [tg.status, tg.tasks[0]!.health?.state])).toEqual([
      ['Running', 'healthy'],
      ['Running', 'healthy'],
      ['Running', 'healthy'],
    ]);
    const oldVersion = view().app.versionId;

    await h.apps.update(
      NS,
      smallApp({ spec: { instance: 3 } }, { ...LOCAL_ONLY, image: 'registry/sick:v2' }),
    );
    await h.advance(60_000, 500);

    const running = taskGroups().filter((tg) => tg.status === 'Running');
    const fresh = running.filter((tg) => tg.versionId !== oldVersion);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.tasks[0]!.health?.state).toBe('unhealthy');
    expect(running.filter((tg) => tg.versionId === oldVersion)).toHaveLength(2);
    expect(view().app.operation?.type).toBe('update');
  });

  it('marks the tasks of a version with a local check as waiting for a verdict', async () => {
    h = await createHarness({ agents: 2 });
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }, LOCAL_ONLY));
    await h.advance(3000);
    const [first] = taskGroups();
    expect(first!.tasks[0]!.localCheck).toBe(true);
  });
});

describe('a deployment rollout to a version that never turns healthy', () => {
  const NAME = 'deployment-test';
  function deployment(image: string) {
    const b = aDeployment({
      spec: { instance: 2, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 1 } } },
    }) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    Object.assign(b.spec.template.spec.containers[0]!, { image, ...LOCAL_ONLY });
    return b as unknown as Record<string, unknown>;
  }

  it('is held back (the old version keeps serving), then suspended at the stage deadline', async () => {
    h = await createHarness({ agents: 3, scripts: { sick: { kind: 'unhealthy' } } });
    await h.deployments.create(NS, deployment('registry/app:v1'));
    await h.advance(15_000, 500);
    expect((await h.deployments.get(NS, NAME)).deployment.status).toBe('Running');

    await h.deployments.update(NS, deployment('registry/sick:v2'));
    let status = '';
    let leastOldAvailable = Number.POSITIVE_INFINITY;
    for (let t = 0; t < 600_000 && status !== 'UpdateSuspend'; t += 1000) {
      await h.advance(1000, 500);
      const v = await h.deployments.get(NS, NAME);
      status = v.deployment.status;
      if (v.rollout !== undefined) leastOldAvailable = Math.min(leastOldAvailable, v.rollout.old.available);
      // The new version's instances run but are never available.
      if (v.rollout !== undefined) expect(v.rollout.new.available).toBe(0);
    }
    expect(status).toBe('UpdateSuspend');
    expect((await h.deployments.get(NS, NAME)).rollout?.new.running).toBe(1);
    expect(leastOldAvailable).toBeGreaterThanOrEqual(1);
  });
});

describe('restarts on unhealthy', () => {
  /** Remote HTTP checks on every agent (127.0.0.1-3:8080), answering 200 while `up.value`, else 503. */
  function endpoints(outbound: FakeOutbound) {
    const up = { value: true };
    for (const ip of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
      outbound.endpoint(`http://${ip}:8080`, () => ({ status: up.value ? 200 : 503 }));
    }
    return up;
  }

  const check = (restartOnUnhealthy: boolean) => ({
    healthChecks: [
      {
        type: 'REMOTE_HTTP',
        http: { port: 8080, path: '/' },
        delaySeconds: 1,
        intervalSeconds: 5,
        gracePeriodSeconds: 5,
        consecutiveFailures: 2,
        restartOnUnhealthy,
      },
    ],
  });

  const killed = () =>
    new Set(h.cluster.calls.flatMap((c) => (c.type === 'KILL' ? [c.kill.task_id.value] : [])));

  it('leaves an unhealthy instance running unless the check asks for restarts', async () => {
    const outbound = new FakeOutbound();
    const up = endpoints(outbound);
    h = await createHarness({ agents: 1, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, check(false)));
    await h.advance(10_000);
    up.value = false;
    await h.advance(30_000);
    expect(taskGroups()[0]!.tasks[0]!.health?.state).toBe('unhealthy');
    expect(killed().size).toBe(0);
  });

  it('restarts an instance after consecutiveFailures failures when restartOnUnhealthy', async () => {
    const outbound = new FakeOutbound();
    const up = endpoints(outbound);
    h = await createHarness({ agents: 1, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, check(true)));
    await h.advance(10_000);
    const before = taskGroups()[0]!;
    expect(before.tasks[0]!.health?.state).toBe('healthy');
    up.value = false;
    await h.advance(4_000); // one failure: unhealthy, not restarted yet
    expect(taskGroups()[0]!.id).toBe(before.id);
    expect(taskGroups()[0]!.tasks[0]!.health?.state).toBe('unhealthy');
    await h.advance(5_000); // the second failure in a row
    expect(killed()).toEqual(new Set([before.tasks[0]!.id]));
    up.value = true;
    await h.advance(10_000);
    const after = taskGroups()[0]!;
    expect(after.id).not.toBe(before.id);
    expect(after.status).toBe('Running');
    expect(after.restarts).toBe(1);
  });

  it('trips the breaker when the whole application turns unhealthy at once, and resets once healthy', async () => {
    const outbound = new FakeOutbound();
    const up = endpoints(outbound);
    h = await createHarness({ agents: 3, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 10 } }, check(true)));
    await h.advance(10_000);
    expect(taskGroups().filter((tg) => tg.tasks[0]!.health?.state === 'healthy')).toHaveLength(10);
    const { seq } = await h.events.latest();

    up.value = false;
    await h.advance(20_000);
    // One restart (10% of 10) in the window; the other nine stay up, and the breaker says why.
    expect(killed().size).toBe(restartBudget(10));
    expect(view().app.healthBreaker).toBeDefined();
    const breaker = view().app.healthBreaker!.message;
    expect(view().app.message).toContain(breaker);
    const appEvents = (await eventsAfter(seq)).filter((e) => e.kind === 'application.status');
    expect(appEvents.some((e) => e.message.includes(breaker))).toBe(true);
    // Tripped, it stops killing, also after the window.
    await h.advance(HEALTH_RESTART_WINDOW_MS);
    expect(killed().size).toBe(restartBudget(10));
    expect(taskGroups().filter((tg) => tg.status === 'Running')).toHaveLength(10);

    up.value = true;
    await h.advance(20_000);
    expect(view().app.healthBreaker).toBeUndefined();
    expect(view().app.message).not.toContain(breaker);
    expect(taskGroups().filter((tg) => tg.tasks[0]!.health?.state === 'healthy')).toHaveLength(10);
  });
});
