import { ConflictError } from '../errors.js';
import type { AppCounts, RolloutPhase, RolloutState } from './state.js';

/** The user's controls of a rolling update (spec/bcs-behaviour.md §5.4). */
export type RolloutControl = 'pause' | 'resume' | 'cancel';

/**
 * The phases each control is accepted in; anything else is a `ConflictError` (HTTP 409). Repeating a control
 * is accepted and changes nothing (pause while paused, cancel while cancelling). Resume while rolling clears a
 * pending pause request.
 */
export const ROLLOUT_CONTROL_PHASES: Readonly<Record<RolloutControl, readonly RolloutPhase[]>> = {
  pause: ['rolling', 'paused'],
  resume: ['rolling', 'paused', 'suspended'],
  cancel: ['rolling', 'paused', 'suspended', 'cancelling'],
};

/**
 * Pauses a rollout (§5.4 `pauseupdate`): between steps at once (`paused`); during a step, the step completes
 * first (`pauseRequested`, then `paused` when it ends). Pure; `now` is epoch ms.
 */
export function pauseRollout(state: RolloutState, now: number): RolloutState {
  checkControl('pause', state);
  if (state.phase === 'paused' || state.pauseRequested) return state;
  if (state.step !== undefined) {
    return {
      ...state,
      pauseRequested: true,
      message: `pause requested: holding after step ${state.step.number}`,
      updatedAt: now,
    };
  }
  return { ...state, phase: 'paused', message: 'rolling update paused', updatedAt: now };
}

/**
 * Resumes a paused or suspended rollout (§5.4 `resumeupdate`), or withdraws a pause request. Resuming a
 * suspended rollout retries: the failure count starts again from the new app's `failed` count now, and the
 * deadline from now. The `upgradeDuration` after the last step still applies.
 */
export function resumeRollout(
  state: RolloutState,
  newApp: Pick<AppCounts, 'failed'>,
  now: number,
): RolloutState {
  checkControl('resume', state);
  if (state.phase === 'rolling') {
    return state.pauseRequested
      ? { ...state, pauseRequested: false, message: 'pause request withdrawn', updatedAt: now }
      : state;
  }
  return {
    ...state,
    phase: 'rolling',
    step: undefined,
    pauseRequested: false,
    idleSince: now,
    failureBaseline: newApp.failed,
    message: `rolling update resumed from ${state.phase}`,
    updatedAt: now,
  };
}

/**
 * Cancels a rollout (§5.4 `cancelupdate`) at any moment, a step in progress included: the step is dropped
 * (kills already sent complete) and the planner rolls back within the same bounds.
 */
export function cancelRollout(state: RolloutState, now: number): RolloutState {
  checkControl('cancel', state);
  if (state.phase === 'cancelling') return state;
  return {
    ...state,
    phase: 'cancelling',
    step: undefined,
    pauseRequested: false,
    idleSince: now,
    forced: false,
    message: `cancelling: restoring ${state.oldApp} to ${state.oldDesired} instances`,
    updatedAt: now,
  };
}

function checkControl(control: RolloutControl, state: RolloutState): void {
  if (ROLLOUT_CONTROL_PHASES[control].includes(state.phase)) return;
  throw new ConflictError(`cannot ${control} a rolling update that is ${state.phase}`);
}
