import { EVENT_COLLECTION, EventLog, type Store, type UnsequencedEvent } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing';
import { describe, expect, it, vi } from 'vitest';

const START = Date.UTC(2026, 11, 1);

/** One application event: each commit below makes one, so chunk n holds event n. */
const event: UnsequencedEvent = {
  kind: 'application.status',
  namespace: 'ns',
  application: 'app',
  from: null,
  to: 'Running',
  message: '',
  instances: 1,
  versionId: 'v1',
};

/** A store that counts the rows its `list` calls return (what a housekeeping pass reads). */
function countingStore(): { store: Store; rowsRead: () => number } {
  const store = createMemoryStore();
  let rows = 0;
  const list = store.list.bind(store);
  store.list = async (collection, options) => {
    const entries = await list(collection, options);
    rows += entries.length;
    return entries as never;
  };
  return { store, rowsRead: () => rows };
}

/** Writes `count` commits of one event each, as the engine does (prepare, batch, committed). */
async function commit(log: EventLog, store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const prepared = log.prepare([event]);
    await store.batch(prepared?.ops ?? []);
    log.committed(prepared);
  }
}

/** One housekeeping pass: writes what `pruneOps` gives, as the engine's tick does. */
async function prune(log: EventLog, store: Store): Promise<number> {
  const prepared = await log.pruneOps();
  if (prepared === undefined) return 0;
  await store.batch(prepared.ops);
  log.committed(prepared);
  return prepared.ops.filter((op) => op.type === 'delete').length;
}

describe('EventLog housekeeping (pruneOps)', () => {
  it('reads what expired and at most a page more, not the whole retained window', async () => {
    const { store, rowsRead } = countingStore();
    const log = new EventLog(store, new ManualClock(START), { maxEvents: 1000 });
    await commit(log, store, 1000);
    expect(await log.pruneOps()).toBeUndefined();
    await commit(log, store, 30);
    const before = rowsRead();
    expect(await prune(log, store)).toBe(30);
    // 30 expired chunks and the first one kept; the window holds 1,000 more.
    expect(rowsRead() - before).toBeLessThanOrEqual(64);
    expect(log.oldestSeq).toBe(31);
    expect((await store.list(EVENT_COLLECTION, { limit: 1 }))[0]?.key).toBe('0000000000000031');
  });

  it('drops at most 1,000 chunks a pass, and the next pass goes on by age', async () => {
    const { store } = countingStore();
    const clock = new ManualClock(START);
    const log = new EventLog(store, clock, { maxAgeMs: 60_000 });
    await commit(log, store, 1500);
    clock.advance(30_000);
    await commit(log, store, 5);
    clock.advance(40_000);
    expect(await prune(log, store)).toBe(1000);
    expect(log.oldestSeq).toBe(1001);
    // The oldest chunk left is still too old: the next pass must see it (its time is known), and stops at the new ones.
    expect(await prune(log, store)).toBe(500);
    expect(log.oldestSeq).toBe(1501);
    expect(await prune(log, store)).toBe(0);
  });
});

describe('EventLog waitAfter', () => {
  /** Whether `promise` has settled once pending callbacks and a macrotask have run. */
  async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    void promise.then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  }

  it('resolves at once when an event after the position exists, else at the next commit of events only', async () => {
    const store = createMemoryStore();
    const log = new EventLog(store, new ManualClock(START), { maxEvents: 2 });
    await commit(log, store, 3);
    expect(await settled(log.waitAfter(2))).toBe(true);
    const waiting = log.waitAfter(3);
    expect(await settled(waiting)).toBe(false);
    // A housekeeping commit (no event) wakes nobody.
    expect(await prune(log, store)).toBeGreaterThan(0);
    expect(await settled(waiting)).toBe(false);
    await commit(log, store, 1);
    expect(await settled(waiting)).toBe(true);
    expect(log.lastSeq).toBe(4);
  });

  it('wakes every waiter of a commit, each once', async () => {
    const store = createMemoryStore();
    const log = new EventLog(store, new ManualClock(START), {});
    await commit(log, store, 1);
    const woken: number[] = [];
    const waits = Array.from({ length: 50 }, (_, i) => log.waitAfter(1).then(() => woken.push(i)));
    await commit(log, store, 1);
    await Promise.all(waits);
    expect(woken.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('resolves when the signal aborts, and adds one abort listener per signal however many waits', async () => {
    const store = createMemoryStore();
    const log = new EventLog(store, new ManualClock(START), {});
    await commit(log, store, 1);
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    for (let i = 0; i < 20; i++) {
      const waiting = log.waitAfter(log.lastSeq, controller.signal);
      await commit(log, store, 1);
      expect(await settled(waiting)).toBe(true);
    }
    expect(add).toHaveBeenCalledTimes(1);
    const last = log.waitAfter(log.lastSeq, controller.signal);
    expect(await settled(last)).toBe(false);
    controller.abort();
    expect(await settled(last)).toBe(true);
    // Already aborted: no wait at all.
    expect(await settled(log.waitAfter(log.lastSeq, controller.signal))).toBe(true);
  });
});
