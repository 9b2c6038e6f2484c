import { describe, expect, it } from 'vitest';
import { cancelRollout, pauseRollout, resumeRollout } from '../../src/rollout/control.js';
import { planRolloutStep } from '../../src/rollout/plan.js';
import type { RolloutObservation, RolloutState } from '../../src/rollout/state.js';
import { counts as c, drive, observe, play, rolloutOf, S, type ScriptRow, T0 } from './helpers.js';

// Scenarios of spec/bcs-behaviour.md §5.3–§5.4, one planner answer per row: [seconds, observation, answer].
// `c(desired, total = desired, available = total, failed = 0)`.

describe('planRolloutStep: CreateFirst, 2 instances, maxSurge 1, maxUnavailable 1 (cap 3, floor 1)', () => {
  const rows: ScriptRow[] = [
    [0, observe(c(2), c(0)), 'mark step-started: scale-new up 0 → 1'],
    [0, observe(c(2), c(0)), 'scale new → 1'],
    [0, observe(c(2), c(1, 1, 0)), 'wait'],
    // The new instance is Running and healthy: old may lose 2 (2 + 1 available − floor 1).
    [5, observe(c(2), c(1)), 'mark stage-started: scale-old down 2 → 0'],
    [5, observe(c(2), c(1)), 'scale old → 0'],
    [5, observe(c(0, 2, 0), c(1)), 'wait'],
    [8, observe(c(0), c(1)), 'mark step-completed'],
    // upgradeDuration 10 s after the step ended.
    [8, observe(c(0), c(1)), 'wait'],
    [18, observe(c(0), c(1)), 'mark step-started: scale-new up 1 → 2'],
    [18, observe(c(0), c(1)), 'scale new → 2'],
    [19, observe(c(0), c(2, 2, 1)), 'wait'],
    [20, observe(c(0), c(2)), 'mark step-completed'],
    [20, observe(c(0), c(2)), 'finish'],
  ];

  it('plays step by step', () => {
    const { state, answers } = play(rolloutOf(), rows);
    expect(answers).toEqual(rows.map(([, , expected]) => expected));
    expect(state).toMatchObject({ phase: 'done', stepsCompleted: 2, step: undefined });
  });

  it('waits upgradeDuration after a step, and says until when', () => {
    const { state } = play(rolloutOf(), rows.slice(0, 7));
    expect(planRolloutStep(state, observe(c(0), c(1)), T0 + 8 * S)).toEqual({
      type: 'wait',
      reason: 'waiting upgradeDuration before the next step',
      wakeAt: T0 + 18 * S,
    });
  });
});

describe('planRolloutStep: DeleteFirst, 2 instances, maxSurge 1, maxUnavailable 1', () => {
  const rows: ScriptRow[] = [
    [0, observe(c(2), c(0)), 'mark step-started: scale-old down 2 → 1'],
    [0, observe(c(2), c(0)), 'scale old → 1'],
    [1, observe(c(1, 2, 1), c(0)), 'wait'],
    [2, observe(c(1), c(0)), 'mark stage-started: scale-new up 0 → 2'],
    [2, observe(c(1), c(0)), 'scale new → 2'],
    [3, observe(c(1), c(2, 2, 1)), 'wait'],
    [4, observe(c(1), c(2)), 'mark step-completed'],
    [14, observe(c(1), c(2)), 'mark step-started: scale-old down 1 → 0'],
    [14, observe(c(1), c(2)), 'scale old → 0'],
    [15, observe(c(0), c(2)), 'mark step-completed'],
    [15, observe(c(0), c(2)), 'finish'],
  ];

  it('plays step by step', () => {
    const { state, answers } = play(rolloutOf({ rollingOrder: 'DeleteFirst' }), rows);
    expect(answers).toEqual(rows.map(([, , expected]) => expected));
    expect(state.phase).toBe('done');
  });

  it('with maxUnavailable 0 it cannot delete first, so it creates first', () => {
    const state = rolloutOf({ rollingOrder: 'DeleteFirst', maxUnavailable: 0, maxSurge: 1 });
    const { answers } = play(state, [[0, observe(c(2), c(0)), '']]);
    expect(answers).toEqual(['mark step-started: scale-new up 0 → 1']);
  });
});

describe('planRolloutStep: bounds across scenarios', () => {
  it.each<[string, Partial<RolloutState['settings']>, RolloutObservation, string]>([
    [
      'maxSurge 0: no room, deletes first',
      { maxSurge: 0 },
      observe(c(2), c(0)),
      'mark step-started: scale-old down 2 → 1',
    ],
    [
      'maxSurge 3: grows the new app to desired only',
      { maxSurge: 3 },
      observe(c(2), c(0)),
      'mark step-started: scale-new up 0 → 2',
    ],
    ['killed old instances still take room', { maxUnavailable: 0 }, observe(c(1, 2, 1), c(1)), 'wait'],
    [
      'once gone, their room is free',
      { maxUnavailable: 0 },
      observe(c(1, 1, 1), c(1)),
      'mark step-started: scale-new up 1 → 2',
    ],
    [
      'unavailable old instances may all go',
      {},
      observe(c(1, 2, 0), c(1)),
      'mark step-started: scale-old down 1 → 0',
    ],
    ['availability below the floor: no kills', { maxSurge: 0 }, observe(c(2, 2, 1), c(0)), 'wait'],
    [
      'a failing old instance may go when the rest keeps the floor',
      { maxSurge: 0, maxUnavailable: 2 },
      observe(c(2, 2, 1), c(0)),
      'mark step-started: scale-old down 2 → 0',
    ],
  ])('%s', (_name, settings, observed, expected) => {
    const { answers } = play(rolloutOf(settings), [[0, observed, expected]]);
    expect(answers).toEqual([expected]);
  });

  it('re-clamps a scale-old stage after a restart when availability dropped meanwhile', () => {
    // The intent (old 2 → 0) was persisted; the scale was not applied before the crash; since then the new
    // instance failed, so the margin is 2 + 0 − 1 = 1 and old's 2 available may lose only 1.
    const state = rolloutOf(
      {},
      {
        step: {
          number: 1,
          kind: 'scale-old',
          direction: 'down',
          first: false,
          from: 2,
          target: 0,
          startedAt: T0,
        },
      },
    );
    const step = planRolloutStep(state, observe(c(2), c(1, 1, 0, 1)), T0 + S);
    expect(step).toMatchObject({ type: 'scale', app: 'old', to: 1 });
  });
});

describe('planRolloutStep: manual, pause and resume', () => {
  it('rollingManually pauses after each step but the last; resume continues', () => {
    const first = drive(rolloutOf({ rollingManually: true }), observe(c(2), c(0)));
    expect(first.answers.slice(-3)).toEqual(['mark paused', 'wait', 'wait']);
    expect(first.state).toMatchObject({ phase: 'paused', stepsCompleted: 1 });

    const resumed = resumeRollout(first.state, first.observed.new, T0 + 100 * S);
    const rest = drive(resumed, first.observed, { startAt: 100 });
    expect(rest.answers).toEqual([
      'mark step-started: scale-new up 1 → 2',
      'scale new → 2',
      'wait',
      'mark step-completed',
      'finish',
    ]);
    expect(rest.state.phase).toBe('done');
  });

  it('a pause during a step holds after the step; a resume continues', () => {
    const { state } = play(rolloutOf(), [
      [0, observe(c(2), c(0)), ''],
      [0, observe(c(2), c(0)), ''],
    ]);
    const pausing = pauseRollout(state, T0 + S);
    expect(pausing).toMatchObject({ phase: 'rolling', pauseRequested: true });
    const held = drive(pausing, observe(c(2), c(1, 1, 0)), { startAt: 1 });
    expect(held.state).toMatchObject({ phase: 'paused', stepsCompleted: 1, pauseRequested: false });
    expect(held.answers).toContain('mark paused');

    const resumed = drive(resumeRollout(held.state, held.observed.new, T0 + 60 * S), held.observed, {
      startAt: 60,
    });
    expect(resumed.state.phase).toBe('done');
  });

  it('waits while paused, even with room to move', () => {
    const paused = pauseRollout(rolloutOf(), T0);
    expect(planRolloutStep(paused, observe(c(2), c(0)), T0 + S)).toEqual({
      type: 'wait',
      reason: 'rolling update paused',
    });
  });
});

describe('planRolloutStep: suspension', () => {
  it('suspends when the new version fails more than maxFailovers times; resume retries', () => {
    const { state, answers } = play(rolloutOf(), [
      [0, observe(c(2), c(0)), ''],
      [0, observe(c(2), c(0)), ''],
      [5, observe(c(2), c(1, 1, 0, 1)), ''],
      [9, observe(c(2), c(1, 1, 0, 2)), ''],
      [10, observe(c(2), c(1, 1, 0, 2)), ''],
    ]);
    expect(answers.slice(2)).toEqual(['wait', 'mark suspended', 'wait']);
    expect(state).toMatchObject({ phase: 'suspended', step: undefined });
    expect(state.message).toBe('rolling update suspended: web-v1 failed 2 times (maxFailovers 1)');

    const resumed = resumeRollout(state, { failed: 2 }, T0 + 60 * S);
    expect(resumed).toMatchObject({ phase: 'rolling', failureBaseline: 2 });
    const retried = drive(resumed, observe(c(2), c(1, 1, 0, 2)), { startAt: 60 });
    expect(retried.state.phase).toBe('done');
  });

  it('suspends a stage not done within the deadline, and never scales the old app down after', () => {
    const { state, answers } = play(rolloutOf(), [
      [0, observe(c(2), c(0)), ''],
      [0, observe(c(2), c(0)), ''],
      [59, observe(c(2), c(1, 1, 0)), ''],
      [60, observe(c(2), c(1, 1, 0)), ''],
      [61, observe(c(2), c(1)), ''],
    ]);
    expect(answers.slice(2)).toEqual(['wait', 'mark suspended', 'wait']);
    expect(state.message).toBe(
      'rolling update suspended: step 1: scaling new up 0 → 1: not done within 60000 ms',
    );
  });

  it('suspends a rollout that cannot start a step for upgradeDuration + deadline', () => {
    // maxUnavailable 0: a failed old instance leaves no margin, and the surge room is taken.
    const state = rolloutOf({ maxUnavailable: 0 }, { lastStepAt: T0, idleSince: T0, stepsCompleted: 1 });
    const stuck = observe(c(2, 2, 1), c(1));
    expect(planRolloutStep(state, stuck, T0 + 69 * S)).toMatchObject({ type: 'wait', wakeAt: T0 + 70 * S });
    expect(planRolloutStep(state, stuck, T0 + 70 * S)).toMatchObject({ type: 'mark', event: 'suspended' });
  });

  it('waits while suspended', () => {
    const suspended = rolloutOf({}, { phase: 'suspended', message: 'rolling update suspended: x' });
    expect(planRolloutStep(suspended, observe(c(2), c(1)), T0)).toEqual({
      type: 'wait',
      reason: 'rolling update suspended: x',
    });
  });
});

describe('planRolloutStep: cancel at every phase', () => {
  const scaleNew = {
    number: 1,
    kind: 'scale-new',
    direction: 'up',
    first: true,
    from: 0,
    target: 1,
    startedAt: T0,
  } as const;
  const scaleOld = {
    number: 1,
    kind: 'scale-old',
    direction: 'down',
    first: false,
    from: 2,
    target: 0,
    startedAt: T0,
  } as const;

  it.each<[string, RolloutState, RolloutObservation, string[]]>([
    ['before the first step', rolloutOf(), observe(c(2), c(0)), ['cancelled']],
    [
      'during a scale-new stage',
      rolloutOf({}, { step: scaleNew }),
      observe(c(2), c(1, 1, 0)),
      ['mark step-started: scale-new down 1 → 0', 'scale new → 0', 'wait', 'cancelled'],
    ],
    [
      'during a scale-old stage, old instances still being killed (§15.8)',
      rolloutOf({}, { step: scaleOld }),
      observe(c(0, 2, 0), c(1)),
      [
        'wait',
        'mark step-started: scale-old up 0 → 2',
        'scale old → 2',
        // A cancel does not wait for the old instances; but new's available one stays until they are (floor 1).
        'mark step-completed',
        'wait',
        'mark step-started: scale-new down 1 → 0',
        'scale new → 0',
        'wait',
        'cancelled',
      ],
    ],
    [
      'paused after a step',
      rolloutOf({ rollingManually: true }, { phase: 'paused', stepsCompleted: 1, lastStepAt: T0 }),
      observe(c(0), c(1)),
      [
        'mark step-started: scale-old up 0 → 2',
        'scale old → 2',
        // A cancel does not wait for the old instances; but new's available one stays until they are (floor 1).
        'mark step-completed',
        'wait',
        'mark step-started: scale-new down 1 → 0',
        'scale new → 0',
        'wait',
        'cancelled',
      ],
    ],
    [
      'suspended with a failing new instance',
      rolloutOf({}, { phase: 'suspended' }),
      observe(c(1), c(2, 2, 0, 5)),
      // The cap (3) is full, but the new instances are not available: they may all go first.
      [
        'mark step-started: scale-new down 2 → 0',
        'scale new → 0',
        'wait',
        'mark step-completed',
        'mark step-started: scale-old up 1 → 2',
        'scale old → 2',
        'cancelled',
      ],
    ],
  ])('%s', (_name, state, observed, expected) => {
    const run = drive(cancelRollout(state, T0), observed);
    expect(run.answers).toEqual(expected);
    expect(run.state.phase).toBe('cancelled');
    expect(run.observed).toMatchObject({ old: { desired: 2, total: 2 }, new: { desired: 0, total: 0 } });
  });

  it('forces a cancel that cannot progress within maxUnavailable after the deadline', () => {
    // maxUnavailable 0, cap 3: old 1 + new 2 fill the cap; new's available instance cannot go (floor 2), and
    // its failed one may be any index.
    const state = cancelRollout(rolloutOf({ maxUnavailable: 0 }, { step: scaleNew }), T0);
    const stuck = observe(c(1, 1, 1), c(2, 2, 1));
    expect(planRolloutStep(state, stuck, T0 + 59 * S)).toMatchObject({ type: 'wait', wakeAt: T0 + 60 * S });
    const forced = planRolloutStep(state, stuck, T0 + 60 * S);
    expect(forced).toMatchObject({ type: 'mark', event: 'cancel-forced', state: { forced: true } });
    const run = drive(forced.type === 'mark' ? forced.state : state, stuck, { startAt: 60 });
    expect(run.answers.slice(0, 2)).toEqual(['mark step-started: scale-new down 2 → 0', 'scale new → 0']);
    expect(run.state.phase).toBe('cancelled');
  });
});

describe('planRolloutStep: over', () => {
  it.each(['done', 'cancelled'] as const)('waits when %s', (phase) => {
    expect(planRolloutStep(rolloutOf({}, { phase }), observe(c(0), c(2)), T0)).toMatchObject({
      type: 'wait',
    });
  });

  it('rolls out to a different count: 2 → 4 with maxSurge 1, maxUnavailable 0', () => {
    const run = drive(rolloutOf({ maxUnavailable: 0 }, { desired: 4, oldDesired: 2 }), observe(c(2), c(0)));
    expect(run.state.phase).toBe('done');
    expect(run.observed).toMatchObject({ old: { total: 0 }, new: { desired: 4, available: 4 } });
  });
});
