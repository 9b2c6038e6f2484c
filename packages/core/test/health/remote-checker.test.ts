import {
  type DomainEvent,
  firstCheckJitterMs,
  RemoteHealthChecker,
  type TaskGroup,
  type TaskGroupStatusEvent,
} from '@bcs/core';
import { FakeOutbound } from '@bcs/testing/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const HOST = 'http://127.0.0.1:8080';

/** A remote HTTP check: first 5 s after start, every 10 s, 2 s timeout, failures ignored for 30 s. */
const REMOTE_HTTP = {
  type: 'REMOTE_HTTP',
  http: { port: 8080, path: '/healthz', headers: { 'X-Check': 'bcs' } },
  delaySeconds: 5,
  intervalSeconds: 10,
  timeoutSeconds: 2,
  gracePeriodSeconds: 30,
};

const taskGroups = (): readonly TaskGroup[] => h.apps.get(NS, 'app-test').taskGroups;
const healthOf = (index = 0) => taskGroups()[index]!.tasks[0]!.health;

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

/** A fake endpoint at {@link HOST} answering 200 while `up.value`, else 503. */
function flippingEndpoint(outbound: FakeOutbound) {
  const up = { value: false };
  outbound.endpoint(HOST, () => (up.value ? { status: 200, body: 'ok' } : { status: 503 }));
  return up;
}

describe('remote health checks run by the scheduler', () => {
  it('waits the delay, ignores failures in the grace period, then flips unhealthy and healthy with the endpoint', async () => {
    const outbound = new FakeOutbound();
    const up = flippingEndpoint(outbound);
    h = await createHarness({ agents: 1, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [REMOTE_HTTP] }));
    await h.advance(1000);
    expect(taskGroups()[0]!.status).toBe('Running');
    expect(outbound.calls).toHaveLength(0);

    await h.advance(5000);
    expect(outbound.httpRequests.map((r) => [r.method, r.url, r.headers, r.timeoutMs])).toEqual([
      ['GET', `${HOST}/healthz`, { 'X-Check': 'bcs' }, 2000],
    ]);
    // Failed, but within the 30 s grace period and nothing passed yet: still unknown.
    await h.advance(20_000);
    expect(outbound.calls).toHaveLength(3);
    expect(healthOf()).toBeUndefined();

    await h.advance(10_000); // the check at 36 s is past the grace period
    expect(healthOf()).toMatchObject({ state: 'unhealthy', checks: { REMOTE_HTTP: { result: false } } });
    expect(healthOf()!.message).not.toBe('');
    const { seq } = await h.events.latest();

    up.value = true;
    await h.advance(10_000);
    expect(healthOf()).toMatchObject({ state: 'healthy', message: '' });
    const events = (await eventsAfter(seq)).filter(
      (e): e is TaskGroupStatusEvent => e.kind === 'taskgroup.status',
    );
    expect(events.map((e) => [e.from, e.to, e.healthy])).toEqual([['Running', 'Running', true]]);
  });

  it('writes nothing while the result repeats', async () => {
    const outbound = new FakeOutbound();
    flippingEndpoint(outbound).value = true;
    h = await createHarness({ agents: 1, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [REMOTE_HTTP] }));
    await h.advance(7000);
    expect(healthOf()?.state).toBe('healthy');
    const { seq } = await h.events.latest();
    await h.advance(60_000);
    expect(outbound.calls.length).toBeGreaterThanOrEqual(7);
    expect(await eventsAfter(seq)).toEqual([]);
  });

  it('checks TCP on the host port of the named port, and stops checking a Lost taskgroup', async () => {
    const outbound = new FakeOutbound();
    h = await createHarness({ agents: 2, outbound });
    const check = { type: 'REMOTE_TCP', tcp: { portName: 'test-port' }, delaySeconds: 1, intervalSeconds: 5 };
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [check] }));
    await h.advance(3000);
    const tg = taskGroups()[0]!;
    const mapping = tg.tasks[0]!.portMappings.find((m) => m.name === 'test-port')!;
    expect(outbound.calls[0]).toEqual({
      type: 'tcp',
      request: { host: tg.agentIp, port: mapping.hostPort, timeoutMs: 20_000 },
    });

    h.cluster.loseAgent(tg.agentId!);
    await h.advance(500);
    expect(taskGroups().find((t) => t.id === tg.id)?.status ?? 'gone').not.toBe('Running');
    const calls = outbound.calls.filter((c) => c.type === 'tcp' && c.request.host === tg.agentIp).length;
    await h.advance(20_000);
    expect(outbound.calls.filter((c) => c.type === 'tcp' && c.request.host === tg.agentIp)).toHaveLength(
      calls,
    );
  });

  it('keeps at most maxConcurrent checks in flight and never holds the engine queue', async () => {
    const outbound = new FakeOutbound();
    const pending: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    outbound.endpoint(HOST, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      inFlight--;
      return { status: 200 };
    });
    h = await createHarness({ agents: 1, outbound, healthChecks: { maxConcurrent: 3 } });
    const check = { ...REMOTE_HTTP, delaySeconds: 1 };
    await h.apps.create(NS, smallApp({ spec: { instance: 6 } }, { healthChecks: [check] }));
    await h.advance(3000);
    const checker = h.container.resolve(RemoteHealthChecker);
    expect(checker.scheduled).toBe(6);
    expect(checker.active).toBe(3);
    // The engine still answers while 3 checks hang.
    await h.apps.scale(NS, 'app-test', 7);
    await h.advance(200);
    expect(h.apps.get(NS, 'app-test').app.desiredInstances).toBe(7);
    while (pending.length > 0) {
      pending.shift()!();
      await h.advance(100);
    }
    expect(most).toBe(3);
    expect(taskGroups().filter((tg) => tg.tasks[0]!.health?.state === 'healthy')).toHaveLength(6);
  });

  it('keeps the known health across a restart, then checks again', async () => {
    const outbound = new FakeOutbound();
    const up = flippingEndpoint(outbound);
    up.value = true;
    h = await createHarness({ agents: 1, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 } }, { healthChecks: [REMOTE_HTTP] }));
    await h.advance(7000);
    expect(healthOf()?.state).toBe('healthy');
    const before = healthOf();

    up.value = false;
    h = await h.restart();
    expect(healthOf()).toEqual(before);
    await h.advance(1000);
    // The taskgroup started long ago: the first check after the restart comes within one interval (spread by the
    // task id), and it is past grace.
    await h.advance(30_000);
    expect(healthOf()?.state).toBe('unhealthy');
  });

  it('spreads the checks already due at a restart over the interval, and keeps them spread', async () => {
    const outbound = new FakeOutbound();
    outbound.endpoint(HOST, () => ({ status: 200 }));
    h = await createHarness({ agents: 3, outbound });
    await h.apps.create(NS, smallApp({ spec: { instance: 20 } }, { healthChecks: [REMOTE_HTTP] }));
    await h.advance(20_000);
    expect(taskGroups().filter((tg) => tg.status === 'Running')).toHaveLength(20);

    h = await h.restart();
    const perSecond: number[] = [];
    for (let second = 0; second < 20; second++) {
      const before = outbound.calls.length;
      await h.advance(1000);
      perSecond.push(outbound.calls.length - before);
    }
    const [first, second] = [perSecond.slice(0, 10), perSecond.slice(10)];
    // Every check once per 10 s interval, never all in one burst.
    expect(first.reduce((a, b) => a + b)).toBe(20);
    expect(second.reduce((a, b) => a + b)).toBe(20);
    expect(first.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...first)).toBeLessThanOrEqual(10);
    expect(second).toEqual(first);
  });
});

describe('firstCheckJitterMs', () => {
  it('is a fixed share of the interval per key, spread evenly over it', () => {
    const intervalMs = 60_000;
    const buckets = new Array<number>(60).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const jitter = firstCheckJitterMs(
        `app-${i}.ns.cluster.${1_700_000_000_000 + i}/REMOTE_HTTP`,
        intervalMs,
      );
      expect(Number.isInteger(jitter) && jitter >= 0 && jitter < intervalMs).toBe(true);
      buckets[Math.floor(jitter / 1000)]!++;
    }
    // 10,000 checks over 60 one-second buckets: about 167 each, none more than twice that.
    expect(Math.max(...buckets)).toBeLessThan(2 * (10_000 / 60));
    expect(Math.min(...buckets)).toBeGreaterThan(0);
    expect(firstCheckJitterMs('t1/REMOTE_TCP', 5000)).toBe(firstCheckJitterMs('t1/REMOTE_TCP', 5000));
  });
});
