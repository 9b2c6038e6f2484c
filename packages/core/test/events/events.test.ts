import {
  type DomainEvent,
  ErrorCode,
  EVENT_COLLECTION,
  type EventChunk,
  type EventMessage,
  eventKey,
  type SubscribeOptions,
  type TaskGroupStatusEvent,
} from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

let h: Harness;
afterEach(() => h?.dispose());

const NS = 'defaultGroup';

/** Reads a subscription in the background until stopped; collects every message. */
function follow(options: SubscribeOptions = {}) {
  const controller = new AbortController();
  const messages: EventMessage[] = [];
  const iterator = h.events.subscribe({ ...options, signal: controller.signal });
  const done = (async () => {
    for await (const message of { [Symbol.asyncIterator]: () => iterator }) messages.push(message);
  })();
  return {
    messages,
    events: () => messages.flatMap((m) => (m.type === 'events' ? m.events : [])),
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** Every retained event, read as a subscriber reads: page after page. */
async function allEvents(): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  let after = h.events.log.oldestSeq - 1;
  for (
    let page = await h.events.log.read(after, 7);
    page.length > 0;
    page = await h.events.log.read(after, 7)
  ) {
    events.push(...page);
    after = page.at(-1)!.seq;
  }
  return events;
}

const seqs = (events: readonly DomainEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function runApp(name = 'app-a', namespace = NS, instances = 2) {
  await h.apps.create(namespace, smallApp({ metadata: { name, namespace }, spec: { instance: instances } }));
  await h.advance(3000);
}

describe('domain events', () => {
  it('records every taskgroup status change in order, each from the previous status, with its host', async () => {
    h = await createHarness();
    await runApp();
    const events = await allEvents();
    expect(seqs(events)).toEqual(range(1, events.length));
    const taskGroups = events.filter((e): e is TaskGroupStatusEvent => e.kind === 'taskgroup.status');
    const byId = new Map<string, TaskGroupStatusEvent[]>();
    for (const e of taskGroups) byId.set(e.taskgroup, [...(byId.get(e.taskgroup) ?? []), e]);
    expect(byId.size).toBe(2);
    for (const chain of byId.values()) {
      expect(chain[0]?.from).toBeNull();
      for (let i = 1; i < chain.length; i++) expect(chain[i]?.from).toBe(chain[i - 1]?.to);
      const last = chain.at(-1)!;
      expect(last.to).toBe('Running');
      expect(last.host).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(last.agentId).toBeDefined();
      expect(last.application).toBe('app-a');
    }
    const appEvents = events.filter((e) => e.kind === 'application.status');
    expect(appEvents[0]).toMatchObject({ from: null, application: 'app-a', instances: 2 });
    expect(appEvents.at(-1)).toMatchObject({ to: 'Running' });
    // The state agrees with the last event of each taskgroup.
    for (const tg of h.apps.get(NS, 'app-a').taskGroups) {
      expect(byId.get(tg.id)?.at(-1)?.to).toBe(tg.status);
    }
  });

  it('shows a create as Staging → Operating → Deploying → Running (spec §2.3), never Abnormal while offers come', async () => {
    h = await createHarness();
    await runApp('app-a', NS, 2);
    const flow = (await allEvents())
      .filter((e) => e.kind === 'application.status')
      .map((e) => e.to)
      .filter((to, i, all) => to !== all[i - 1]);
    expect(flow).toEqual(['Staging', 'Operating', 'Deploying', 'Running']);
    // Cause before effect: the application turns Running after the taskgroup event that made it so.
    const events = await allEvents();
    const appRunning = events.find((e) => e.kind === 'application.status' && e.to === 'Running')!;
    const lastTaskGroupRunning = events
      .filter((e) => e.kind === 'taskgroup.status' && e.to === 'Running')
      .at(-1)!;
    expect(lastTaskGroupRunning.seq).toBeLessThan(appRunning.seq);
    expect(events.findIndex((e) => e.kind === 'application.status')).toBe(0);
  });

  it('writes events in the store with the state, and numbers on from there after a restart', async () => {
    h = await createHarness();
    await runApp();
    const before = await allEvents();
    // One record per commit, keyed by its last sequence number.
    const stored = await h.store.list<EventChunk>(EVENT_COLLECTION);
    expect(stored.flatMap((e) => e.value.events)).toEqual(before);
    expect(stored.every((e) => e.key === eventKey(e.value.last))).toBe(true);
    expect(stored.length).toBeLessThan(before.length);
    // Read back from the store (not the memory tail) after a restart, they are the same.
    h = await h.restart();
    expect(h.events.log.lastSeq).toBe(before.length);
    expect(await allEvents()).toEqual(before);
    await h.apps.scale(NS, 'app-a', 3);
    await h.advance(3000);
    const after = await allEvents();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(seqs(after)).toEqual(range(1, after.length));
    expect(after.length).toBeGreaterThan(before.length);
  });

  it('publishes nothing from a batch that failed, and gives its numbers out again', async () => {
    h = await createHarness();
    await runApp();
    const last = h.events.log.lastSeq;
    const sub = follow({ since: last });
    const batch = h.store.batch.bind(h.store);
    let failures = 1;
    h.store.batch = async (ops) => {
      if (failures-- > 0) throw new Error('disk full');
      return batch(ops);
    };
    await expect(h.apps.scale(NS, 'app-a', 3)).rejects.toThrow('disk full');
    expect(h.events.log.lastSeq).toBe(last);
    await h.apps.scale(NS, 'app-a', 3);
    await h.advance(3000);
    await sub.stop();
    expect(seqs(sub.events())).toEqual(range(last + 1, h.events.log.lastSeq));
    expect(seqs(await allEvents())).toEqual(range(1, h.events.log.lastSeq));
    expect(h.apps.get(NS, 'app-a').taskGroups.filter((t) => t.status === 'Running')).toHaveLength(3);
  });

  it('records removals with to: null', async () => {
    h = await createHarness();
    await runApp();
    await h.apps.delete(NS, 'app-a', false);
    await h.advance(5000);
    const events = await allEvents();
    const removed = events.filter((e) => e.to === null);
    expect(removed.filter((e) => e.kind === 'taskgroup.status')).toHaveLength(2);
    expect(removed.filter((e) => e.kind === 'application.status')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: 'application.status', to: null });
  });

  it('records deployment status and rollout progress', async () => {
    h = await createHarness();
    const body = (image: string) => {
      const b = aDeployment({
        spec: { instance: 2, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 1 } } },
      }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
      b.spec.template.spec.containers[0]!.image = image;
      return b as unknown as Record<string, unknown>;
    };
    await h.deployments.create(NS, body('img:v1'));
    await h.advance(5000);
    await h.deployments.update(NS, body('img:v2'));
    await h.advance(20_000);
    const events = (await allEvents()).filter((e) => e.kind === 'deployment.status');
    expect(events[0]).toMatchObject({ from: null, to: 'Deploying', deployment: 'deployment-test' });
    expect(events.some((e) => e.kind === 'deployment.status' && e.rollout?.phase === 'rolling')).toBe(true);
    expect(events.at(-1)).toMatchObject({ to: 'Running', rollout: { phase: 'done' } });
    // The owned apps' taskgroup events name the deployment.
    const owned = (await allEvents()).filter((e) => e.kind === 'taskgroup.status');
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.every((e) => e.deployment === 'deployment-test')).toBe(true);
  });
});

describe('subscriptions', () => {
  it('replays from since, then goes live, with no gap and no duplicate', async () => {
    h = await createHarness();
    await runApp('app-a');
    const mid = h.events.log.lastSeq;
    const fromStart = follow({ since: 0 });
    const fromMid = follow({ since: mid });
    const live = follow();
    await h.advance(10);
    await runApp('app-b');
    await Promise.all([fromStart.stop(), fromMid.stop(), live.stop()]);
    const last = h.events.log.lastSeq;
    expect(last).toBeGreaterThan(mid);
    expect(seqs(fromStart.events())).toEqual(range(1, last));
    expect(seqs(fromMid.events())).toEqual(range(mid + 1, last));
    expect(seqs(live.events())).toEqual(range(mid + 1, last));
    expect(fromStart.messages[0]).toEqual({ type: 'hello', seq: mid, oldest: 1 });
  });

  it('reads a reader that fell behind the memory tail from the store, commit by commit, without a gap', async () => {
    h = await createHarness({ events: { memoryEvents: 2 } });
    await runApp('app-a', NS, 3);
    const slow = follow({ since: 0, maxBatch: 3 });
    await runApp('app-b', NS, 2);
    await slow.stop();
    expect(seqs(slow.events())).toEqual(range(1, h.events.log.lastSeq));
    expect(slow.messages.filter((m) => m.type === 'events').length).toBeGreaterThan(2);
    // maxBatch holds from the store too, even when one commit holds more events.
    expect(slow.messages.every((m) => m.type !== 'events' || m.events.length <= 3)).toBe(true);
    // After a restart (an empty memory tail), two readers share the chunks decoded from the store.
    h = await h.restart();
    const [a, b] = [await h.events.log.read(0, 3), await h.events.log.read(0, 3)];
    expect(a[0]).toBe(b[0]);
    expect(a).toEqual(slow.events().slice(0, 3));
  });

  it('ends pages at multiples of the limit, so readers at one position read the same page', async () => {
    h = await createHarness();
    await runApp('app-a', NS, 3);
    expect(h.events.log.lastSeq).toBeGreaterThan(10);
    expect(seqs(await h.events.log.read(3, 5))).toEqual([4, 5]);
    expect(seqs(await h.events.log.read(5, 5))).toEqual([6, 7, 8, 9, 10]);
    expect(seqs(await h.events.log.read(0, 5))).toEqual([1, 2, 3, 4, 5]);
  });

  it('filters by namespace, application, deployment and kind', async () => {
    h = await createHarness();
    const byNamespace = follow({ namespace: 'other' });
    const byApp = follow({ application: 'app-a' });
    const byKind = follow({ kinds: ['application.status'] });
    const byBoth = follow({ namespace: NS, application: 'app-b', kinds: ['taskgroup.status'] });
    const byDeployment = follow({ deployment: 'nothing' });
    await runApp('app-a');
    await runApp('app-b');
    await runApp('app-a', 'other');
    await Promise.all([byNamespace, byApp, byKind, byBoth, byDeployment].map((f) => f.stop()));
    const all = await allEvents();
    const expectExactly = (got: DomainEvent[], want: (e: DomainEvent) => boolean) => {
      expect(got.length).toBeGreaterThan(0);
      expect(seqs(got)).toEqual(seqs(all.filter(want)));
    };
    expectExactly(byNamespace.events(), (e) => e.namespace === 'other');
    expectExactly(byApp.events(), (e) => e.application === 'app-a');
    expectExactly(byKind.events(), (e) => e.kind === 'application.status');
    expectExactly(
      byBoth.events(),
      (e) => e.namespace === NS && e.application === 'app-b' && e.kind === 'taskgroup.status',
    );
    expect(byDeployment.events()).toEqual([]);
  });

  it('sends a resync with a snapshot when since is past retention, then continues live', async () => {
    h = await createHarness({ events: { maxEvents: 5, memoryEvents: 2 } });
    await runApp('app-a', NS, 3);
    // Housekeeping drops whole commits, keeping at least the newest 5 events.
    expect(h.events.log.oldestSeq).toBeGreaterThan(1);
    expect(h.events.log.lastSeq - h.events.log.oldestSeq + 1).toBeGreaterThanOrEqual(5);
    await expect(h.events.log.read(0, 10)).rejects.toMatchObject({ code: ErrorCode.Compacted });
    const atResync = h.events.log.lastSeq;
    const sub = follow({ since: 1 });
    await h.advance(10);
    await h.apps.scale(NS, 'app-a', 4);
    await h.advance(3000);
    await sub.stop();
    const resync = sub.messages[1];
    expect(resync?.type).toBe('resync');
    if (resync?.type !== 'resync') return;
    expect(resync.seq).toBe(atResync);
    expect(resync.reason).toMatch(/no longer retained/);
    expect(resync.snapshot.applications).toEqual([
      expect.objectContaining({ application: 'app-a', status: 'Running', instances: 3 }),
    ]);
    expect(resync.snapshot.taskgroups.map((t) => t.status)).toEqual(['Running', 'Running', 'Running']);
    expect(seqs(sub.events())).toEqual(range(atResync + 1, h.events.log.lastSeq));
  });

  it('sends a resync when since is newer than the log (a log that was reset)', async () => {
    h = await createHarness();
    await runApp();
    const sub = follow({ since: 10_000, kinds: ['taskgroup.status'] });
    await h.advance(10);
    await sub.stop();
    expect(sub.messages[1]).toMatchObject({ type: 'resync', seq: h.events.log.lastSeq });
    const resync = sub.messages[1];
    if (resync?.type !== 'resync') return;
    expect(resync.snapshot.taskgroups).toHaveLength(2);
    expect(resync.snapshot.applications).toEqual([]);
  });

  it('drops events past the age window in housekeeping', async () => {
    h = await createHarness({ events: { maxAgeMs: 60_000 } });
    await runApp();
    const last = h.events.log.lastSeq;
    expect(h.events.log.oldestSeq).toBe(1);
    await h.advance(70_000, 1000);
    expect(h.events.log.oldestSeq).toBe(last + 1);
    expect(await h.store.list(EVENT_COLLECTION)).toEqual([]);
    // The bounds survive a restart.
    h = await h.restart();
    expect(h.events.log.oldestSeq).toBe(last + 1);
    expect(h.events.log.lastSeq).toBe(last);
  });

  it('starts with a snapshot when asked, then the events after it', async () => {
    h = await createHarness();
    await runApp('app-a');
    const at = h.events.log.lastSeq;
    const sub = follow({ snapshot: true, application: 'app-a' });
    await h.advance(10);
    await h.apps.scale(NS, 'app-a', 3);
    await h.advance(3000);
    await sub.stop();
    expect(sub.messages[1]).toMatchObject({ type: 'snapshot', seq: at });
    const snapshot = sub.messages[1];
    if (snapshot?.type !== 'snapshot') return;
    expect(snapshot.snapshot.taskgroups.map((t) => t.status)).toEqual(['Running', 'Running']);
    expect(snapshot.snapshot.applications).toHaveLength(1);
    expect(seqs(sub.events())[0]).toBe(at + 1);
    expect(seqs(sub.events())).toEqual(
      seqs((await allEvents()).filter((e) => e.seq > at && e.application === 'app-a')),
    );
  });

  it('ends a waiting subscription when its signal aborts', async () => {
    h = await createHarness();
    const sub = follow();
    await h.advance(10);
    await sub.stop();
    expect(sub.messages).toEqual([{ type: 'hello', seq: 0, oldest: 1 }]);
  });
});
