import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import {
  cancelRollout,
  pauseRollout,
  ROLLOUT_CONTROL_PHASES,
  type RolloutControl,
  resumeRollout,
} from '../../src/rollout/control.js';
import type { RolloutPhase, RolloutState } from '../../src/rollout/state.js';
import { rolloutOf, S, T0 } from './helpers.js';

const stage = {
  number: 2,
  kind: 'scale-old',
  direction: 'down',
  first: false,
  from: 2,
  target: 0,
  startedAt: T0,
} as const;

const apply = (control: RolloutControl, state: RolloutState): RolloutState =>
  control === 'pause'
    ? pauseRollout(state, T0 + S)
    : control === 'resume'
      ? resumeRollout(state, { failed: 4 }, T0 + S)
      : cancelRollout(state, T0 + S);

describe('rollout controls (spec/bcs-behaviour.md §5.4)', () => {
  const phases: RolloutPhase[] = ['rolling', 'paused', 'suspended', 'cancelling', 'done', 'cancelled'];
  const cases = (['pause', 'resume', 'cancel'] as const).flatMap((control) =>
    phases.map((phase) => [control, phase, ROLLOUT_CONTROL_PHASES[control].includes(phase)] as const),
  );

  it.each(cases)('%s from %s accepted: %s', (control, phase, accepted) => {
    const state = rolloutOf({}, { phase });
    if (accepted) expect(() => apply(control, state)).not.toThrow();
    else expect(() => apply(control, state)).toThrow(expect.objectContaining({ code: ErrorCode.Conflict }));
  });

  it.each<[string, RolloutControl, RolloutState, Partial<RolloutState>]>([
    ['pause between steps pauses at once', 'pause', rolloutOf(), { phase: 'paused', pauseRequested: false }],
    [
      'pause during a step waits for it',
      'pause',
      rolloutOf({}, { step: stage }),
      {
        phase: 'rolling',
        pauseRequested: true,
        step: stage,
        message: 'pause requested: holding after step 2',
      },
    ],
    [
      'resume while a pause is requested withdraws it',
      'resume',
      rolloutOf({}, { step: stage, pauseRequested: true }),
      { phase: 'rolling', pauseRequested: false, step: stage },
    ],
    [
      'resume from suspended retries: failures and deadline count from now',
      'resume',
      rolloutOf({}, { phase: 'suspended', failureBaseline: 1 }),
      {
        phase: 'rolling',
        failureBaseline: 4,
        idleSince: T0 + S,
        message: 'rolling update resumed from suspended',
      },
    ],
    [
      'cancel during a scale-old stage drops the stage',
      'cancel',
      rolloutOf({}, { step: stage, pauseRequested: true }),
      { phase: 'cancelling', step: undefined, pauseRequested: false, forced: false, idleSince: T0 + S },
    ],
  ])('%s', (_name, control, state, expected) => {
    expect(apply(control, state)).toMatchObject({ ...expected, updatedAt: T0 + S });
  });

  it.each<[RolloutControl, RolloutPhase]>([
    ['pause', 'paused'],
    ['resume', 'rolling'],
    ['cancel', 'cancelling'],
  ])('%s when already %s changes nothing', (control, phase) => {
    const state = rolloutOf({}, { phase });
    expect(apply(control, state)).toBe(state);
  });
});
