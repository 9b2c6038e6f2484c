import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RollingUpdateSettings } from '../../src/resources/deployment.js';
import { type SimEvent, type SimInput, simulate } from './simulate.js';

// Style 31, issue "Tests": for any strategy and any cluster-event sequence, simulated second by second
// (`simulate.ts`), with A = available instances (Running, healthy, not being killed) and
// D = instances that failed while available and are not available again yet (not being killed):
// (a) old + new instances that exist (Pending, Running, Failed, killed-not-gone) ≤ desired + maxSurge;
//     every scale-up leaves footprint(old) + footprint(new) ≤ desired + maxSurge;
// (b) A + D ≥ desired − maxUnavailable at every moment: only injected failures take availability below the
//     floor; and every kill the planner asks for leaves A ≥ desired − maxUnavailable even if all killed
//     instances were available (except after a forced cancel, which says so in its state and happens only
//     when failures left no way to keep the floor for the deadline);
// (c) the rollout terminates: `done`, `cancelled` after a cancel, or `suspended` — and suspended only when
//     failures were injected; a run without failures or cancel ends `done`; at most desired + oldDesired steps
//     forward, and every second's chain of answers ends in `wait` within 8 actions (no livelock).

const DEADLINE_S = 300;

const settingsArb: fc.Arbitrary<RollingUpdateSettings> = fc
  .record({
    maxSurge: fc.integer({ min: 0, max: 3 }),
    maxUnavailable: fc.integer({ min: 0, max: 3 }),
    upgradeDuration: fc.integer({ min: 0, max: 5 }),
    rollingManually: fc.boolean(),
    rollingOrder: fc.constantFrom('CreateFirst' as const, 'DeleteFirst' as const),
  })
  .filter((s) => s.maxSurge + s.maxUnavailable > 0);

const failArb = fc.record({
  at: fc.integer({ min: 0, max: 400 }),
  kind: fc.constant('fail' as const),
  app: fc.constantFrom('old' as const, 'new' as const),
  pick: fc.nat({ max: 20 }),
  permanent: fc.boolean(),
});
const crashArb = fc.record({
  at: fc.integer({ min: 0, max: 400 }),
  kind: fc.constant('crash' as const),
  cut: fc.integer({ min: 0, max: 3 }),
  downtime: fc.integer({ min: 1, max: 60 }),
});
const pauseArb = fc.record({ at: fc.integer({ min: 0, max: 400 }), kind: fc.constant('pause' as const) });
const cancelArb = fc.record({ at: fc.integer({ min: 0, max: 600 }), kind: fc.constant('cancel' as const) });

const eventsArb = (withCancel: boolean): fc.Arbitrary<SimEvent[]> =>
  fc
    .tuple(
      fc.array(failArb, { maxLength: 6 }),
      fc.array(crashArb, { maxLength: 3 }),
      fc.array(pauseArb, { maxLength: 3 }),
      withCancel ? fc.array(cancelArb, { maxLength: 1 }) : fc.constant([]),
    )
    .map(([fails, crashes, pauses, cancels]) => [...fails, ...crashes, ...pauses, ...cancels]);

const inputArb = (counts: fc.Arbitrary<{ desired: number; oldDesired: number }>, withCancel: boolean) =>
  fc
    .record({
      settings: settingsArb,
      counts,
      maxFailovers: fc.integer({ min: 0, max: 3 }),
      resumeEvery: fc.integer({ min: 1, max: 60 }),
      events: eventsArb(withCancel),
      delays: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 32 }),
    })
    .map(
      ({ counts: { desired, oldDesired }, ...rest }): SimInput => ({
        ...rest,
        desired,
        oldDesired,
        deadlineMs: DEADLINE_S * 1000,
        maxSeconds: 6000,
      }),
    );

const sameCount = fc.integer({ min: 1, max: 10 }).map((n) => ({ desired: n, oldDesired: n }));
const anyCounts = fc.record({
  desired: fc.integer({ min: 0, max: 10 }),
  oldDesired: fc.integer({ min: 0, max: 10 }),
});

function checkRun(input: SimInput): void {
  const result = simulate(input);
  const { state, final } = result;
  const label = `${JSON.stringify(input)} → ${state.phase} at ${result.seconds}s: ${state.message}`;
  // (a), (b)
  expect(result.violations, label).toEqual([]);
  // (c) terminates…
  expect(['done', 'cancelled', 'suspended'], label).toContain(state.phase);
  expect(result.longestChain, label).toBeLessThanOrEqual(8);
  // …suspended only after failures; cancelled exactly when cancelled; done otherwise.
  if (state.phase === 'suspended') expect(result.failuresInjected, label).toBeGreaterThan(0);
  if (state.forced) expect(result.failuresInjected, label).toBeGreaterThan(0);
  if (result.cancelRequested) expect(state.phase, label).toBe('cancelled');
  if (result.failuresInjected === 0 && !result.cancelRequested) expect(state.phase, label).toBe('done');
  if (state.phase === 'done') {
    expect(final.old.total, label).toBe(0);
    expect(final.new, label).toMatchObject({ desired: input.desired, total: input.desired });
  }
  if (state.phase === 'cancelled') {
    expect(final.new.total, label).toBe(0);
    expect(final.old.desired, label).toBe(input.oldDesired);
  }
  if (!result.cancelRequested) {
    expect(state.stepsCompleted, label).toBeLessThanOrEqual(input.desired + input.oldDesired);
  }
}

describe('planRolloutStep properties', () => {
  it('keeps the surge cap and the availability floor, and terminates (any strategy, any events)', () => {
    fc.assert(fc.property(inputArb(sameCount, true), checkRun), { numRuns: 300 });
  });

  it('the same when the rollout resizes the deployment (desired ≠ the old count), without cancel', () => {
    // (a) then bounds by max(desired + maxSurge, old count): the planner never adds past the cap; (b) by
    // min(floor, old count): a growing rollout starts below the floor and the planner kills nothing until
    // availability is back above it.
    fc.assert(fc.property(inputArb(anyCounts, false), checkRun), { numRuns: 200 });
  });

  it('reaches done without failures, in at most desired + old count steps', () => {
    fc.assert(
      fc.property(
        inputArb(sameCount, false).map((input) => ({
          ...input,
          events: input.events.filter((e) => e.kind !== 'fail'),
        })),
        (input) => {
          const result = simulate(input);
          expect(result.violations).toEqual([]);
          expect(result.state.phase).toBe('done');
        },
      ),
      { numRuns: 200 },
    );
  });
});
