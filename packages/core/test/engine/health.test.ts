import { Changes, type DomainEvent, type TaskGroup, type TaskGroupStatusEvent } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

const HTTP_CHECK = { type: 'HTTP', http: { port: 8080, path: '/healthz' }, consecutiveFailures: 0 };

const taskGroups = (): readonly TaskGroup[] => h.apps.get(NS, 'app-test').taskGroups;

/** The domain events after `since`, in order. */
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

const taskGroupEvents = async (since: number) =>
  (await eventsAfter(since)).filter((e): e is TaskGroupStatusEvent => e.kind === 'taskgroup.status');

/** The BCS executor's wire: base64 of base64 of the BcsMessage JSON (/work/briefs/s5-executor-wire.md §1). */
function bcsMessageData(message: Record<string, unknown>): string {
  return Buffer.from(Buffer.from(JSON.stringify(message)).toString('base64')).toString('base64');
}

describe('local health checks: results from the executor', () => {
  it('records RUNNING healthy, then unhealthy with its message and time, as a health-only event', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [HTTP_CHECK] }));
    await h.advance(2000);
    const [running] = taskGroups();
    expect(running!.status).toBe('Running');
    expect(running!.tasks[0]!.health?.state).toBe('healthy');
    expect(running!.tasks[0]!.healthy).toBe(true);
    const { seq } = await h.events.latest();

    h.clock.advance(5000);
    const failedAt = h.clock.now();
    h.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_RUNNING', {
      healthy: false,
      message: 'HTTP health check failed: 503',
      reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
    });
    await h.advance(200);

    const [sick] = taskGroups();
    expect(sick!.status).toBe('Running');
    expect(sick!.tasks[0]!.health).toMatchObject({
      state: 'unhealthy',
      message: 'HTTP health check failed: 503',
      checks: { local: { result: false } },
    });
    const health = sick!.tasks[0]!.health!;
    expect(health.changedAt).toBeGreaterThanOrEqual(failedAt);
    expect(health.changedAt).toBeLessThanOrEqual(h.clock.now());
    expect(health.checks.local?.since).toBe(health.changedAt);
    expect(sick!.tasks[0]!.healthy).toBe(false);
    const events = await taskGroupEvents(seq);
    expect(events.map((e) => [e.from, e.to, e.healthy])).toEqual([['Running', 'Running', false]]);
  });

  it('writes nothing for a repeated verdict', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [HTTP_CHECK] }));
    await h.advance(2000);
    const [running] = taskGroups();
    const { seq } = await h.events.latest();
    h.cluster.injectStatus(running!.tasks[0]!.id, 'TASK_RUNNING', { healthy: true });
    await h.advance(200);
    expect(await taskGroupEvents(seq)).toEqual([]);
    expect(taskGroups()[0]!.tasks[0]!.health?.changedAt).toBe(running!.tasks[0]!.health?.changedAt);
  });

  it('keeps known health across a restart of the scheduler until a new result arrives', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [HTTP_CHECK] }));
    await h.advance(2000);
    const taskId = taskGroups()[0]!.tasks[0]!.id;
    h.cluster.injectStatus(taskId, 'TASK_RUNNING', { healthy: false, message: 'down' });
    await h.advance(200);
    const before = taskGroups()[0]!.tasks[0]!.health;
    expect(before?.state).toBe('unhealthy');

    h = await h.restart();
    await h.advance(3000);
    expect(taskGroups()[0]!.tasks[0]!.health).toEqual(before);

    h.cluster.injectStatus(taskId, 'TASK_RUNNING', { healthy: true });
    await h.advance(200);
    expect(taskGroups()[0]!.tasks[0]!.health?.state).toBe('healthy');
  });

  it('takes health from the BCS executor’s TASK_STATUS_UPDATE messages (type 14)', async () => {
    const uri = 'file:///data/bcs/mesos/libexec/mesos/bcs-container-executor';
    h = await createHarness({ agents: 1, engine: { executor: { kind: 'bcs', uri } } });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [HTTP_CHECK] }));
    await h.advance(2000);
    const [tg] = taskGroups();
    expect(tg!.status).toBe('Running');
    expect(tg!.tasks[0]!.health?.state).toBe('healthy');
    // Forget the verdict (as if no status update had carried it): only the executor's report can restore it.
    const { health: _health, healthy: _healthy, ...bare } = tg!.tasks[0]!;
    await h.engine.run(() => h.engine.commit(new Changes().putTaskGroup({ ...tg!, tasks: [bare] })));
    expect(taskGroups()[0]!.tasks[0]!.health).toBeUndefined();

    // Any message (here TASK_STATUS_QUERY, type 6) makes the executor report every task with type 14.
    await h.driver.call({
      type: 'MESSAGE',
      message: {
        agent_id: { value: tg!.agentId! },
        executor_id: { value: tg!.id },
        data: bcsMessageData({ Id: 1, Type: 6, TaskGroupId: tg!.id, TaskID: null, Status: 'staging' }),
      },
    });
    await h.advance(500);
    expect(h.cluster.executorMessages().map((m) => m.type)).toEqual([6]);
    expect(taskGroups()[0]!.tasks[0]!.health?.state).toBe('healthy');
    expect(taskGroups()[0]!.status).toBe('Running');
  });
});
