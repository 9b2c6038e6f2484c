import type { EngineOptions, MesosCall } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCEPTS_IN_FLIGHT } from '../../src/engine/placement-pass.js';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness | undefined;
let releaseAll: (() => void) | undefined;
afterEach(async () => {
  releaseAll?.();
  releaseAll = undefined;
  await h?.dispose();
  h = undefined;
});
const NS = 'defaultGroup';

/** Event-loop turns, for the engine and the cluster to run what they can without the harness's settle. */
async function spin(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A harness whose cluster holds every ACCEPT (as a master that has not answered yet: it takes effect when
 * released) and records each call's type when the engine hands it to the driver.
 */
async function holdingAccepts(agents: number, engine: EngineOptions = {}) {
  const harness = await createHarness({ agents, startupMs: 0, transport: 'in-process', engine });
  h = harness;
  const calls: string[] = [];
  const held: (() => void)[] = [];
  const call = harness.cluster.call.bind(harness.cluster);
  harness.cluster.call = (c: MesosCall) => {
    calls.push(c.type);
    if (c.type !== 'ACCEPT') return call(c);
    return new Promise<void>((resolve, reject) => {
      held.push(() => call(c).then(resolve, reject));
    });
  };
  const release = () => {
    for (const answer of held.splice(0)) answer();
  };
  releaseAll = release;
  return { harness, calls, held, release };
}

/** Advances the clock until a round's ACCEPTs are held, without waiting for the engine to be idle. */
async function untilAcceptsHeld(harness: Harness, held: readonly unknown[]): Promise<void> {
  for (let t = 0; t < 10_000 && held.length === 0; t += 100) {
    harness.clock.advance(100);
    await spin();
  }
  expect(held.length).toBeGreaterThan(0);
}

describe("a round's ACCEPTs", () => {
  it('do not hold the engine queue while unanswered, and a KILL made meanwhile waits for them', async () => {
    const { harness, calls, held, release } = await holdingAccepts(3);
    await harness.apps.create(NS, smallApp({ spec: { instance: 3 } }));
    await untilAcceptsHeld(harness, held);
    const accepts = held.length;
    // Other work gets its queue turn while the ACCEPTs are on the wire.
    await expect(harness.engine.run(async () => 'ran')).resolves.toBe('ran');
    // Deleting the app kills its (Staging) taskgroups: the KILLs wait until the ACCEPTs are answered.
    const deleted = harness.apps.delete(NS, 'app-test', true);
    await spin();
    expect(calls).not.toContain('KILL');
    release();
    await deleted;
    await harness.engine.idle();
    const firstKill = calls.indexOf('KILL');
    expect(firstKill).toBeGreaterThan(-1);
    const acceptIndexes = calls.flatMap((type, i) => (type === 'ACCEPT' ? [i] : []));
    expect(acceptIndexes).toHaveLength(accepts);
    expect(Math.max(...acceptIndexes)).toBeLessThan(firstKill);
  });

  it('hold back a RECONCILE made meanwhile until they are answered (else it would be answered "unknown")', async () => {
    const { harness, calls, held, release } = await holdingAccepts(3, { reconcileIntervalMs: 1000 });
    await harness.apps.create(NS, smallApp({ spec: { instance: 3 } }));
    await untilAcceptsHeld(harness, held);
    const heldAt = calls.lastIndexOf('ACCEPT');
    // The periodic implicit reconciliation comes due on the next ticks.
    for (let t = 0; t < 3000; t += 100) {
      harness.clock.advance(100);
      await spin();
    }
    expect(calls.slice(heldAt)).not.toContain('RECONCILE');
    release();
    await harness.engine.idle();
    expect(calls.slice(heldAt)).toContain('RECONCILE');
  });

  it(`are handed to the driver at most ACCEPTS_IN_FLIGHT (${ACCEPTS_IN_FLIGHT}) unanswered at a time, all sent in the end`, async () => {
    const agents = ACCEPTS_IN_FLIGHT + 6;
    const { harness, held, release } = await holdingAccepts(agents);
    await harness.apps.create(
      NS,
      smallApp({ spec: { instance: agents } }, { resources: { limits: { cpu: '3', memory: '100' } } }),
    );
    await untilAcceptsHeld(harness, held);
    await spin();
    expect(held).toHaveLength(ACCEPTS_IN_FLIGHT);
    let answered = 0;
    while (held.length > 0) {
      answered += held.length;
      release();
      await spin();
    }
    expect(answered).toBe(agents);
    await harness.engine.idle();
    const running = [...harness.engine.state.allTaskGroups()].filter((e) => e.taskGroup.status !== 'Pending');
    expect(running).toHaveLength(agents);
  });
});
