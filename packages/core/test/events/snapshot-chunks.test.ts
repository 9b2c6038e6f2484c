import { SNAPSHOT_CHUNK } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

// A snapshot for a new subscriber is built in chunks with a macrotask in between (issue 11 §4), and still
// shows the state at its one sequence number: a commit queued while it is built is not in it.

let h: Harness | undefined;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const INSTANCES = 2 * SNAPSHOT_CHUNK + 500;

describe('the event snapshot', () => {
  it('yields to the event loop between chunks and shows the state at its sequence number', async () => {
    h = await createHarness({ agents: 3 });
    const harness = h;
    await harness.apps.create(
      NS,
      smallApp({ metadata: { name: 'big', namespace: NS }, spec: { instance: INSTANCES } }),
    );
    await harness.advance(2000);
    const before = await harness.engine.run(async () => ({
      seq: harness.events.log.lastSeq,
      statuses: [...(harness.engine.state.get(NS, 'big')?.taskGroups.values() ?? [])].map((tg) => tg.status),
    }));
    expect(before.statuses).toHaveLength(INSTANCES);

    let done = false;
    const snapshot = harness.events.snapshot().finally(() => {
      done = true;
    });
    // Queued behind the snapshot's read of the state, committed while its items are built.
    const scaled = harness.apps.scale(NS, 'big', 1);
    let turns = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    const { seq, snapshot: taken } = await snapshot;
    await scaled;

    expect(turns).toBeGreaterThanOrEqual(2);
    expect(seq).toBe(before.seq);
    expect(taken.applications.map((a) => a.application)).toEqual(['big']);
    expect(taken.taskgroups.map((t) => t.status)).toEqual(before.statuses);
    expect(harness.events.log.lastSeq).toBeGreaterThan(seq);
  });
});
