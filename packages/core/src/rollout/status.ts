import { failuresSince } from './fenceposts.js';
import type {
  AppCounts,
  RolloutObservation,
  RolloutPhase,
  RolloutState,
  RolloutStepIntent,
} from './state.js';

/** The deployment statuses a rollout shows (spec/bcs-behaviour.md §2.4). */
export type DeploymentRolloutStatus = 'Update' | 'UpdatePaused' | 'UpdateSuspend' | 'Running';

/** The deployment status of each rollout phase (§2.4): a cancel in progress is still an `Update`. */
export const DEPLOYMENT_STATUS_OF_PHASE: Readonly<Record<RolloutPhase, DeploymentRolloutStatus>> = {
  rolling: 'Update',
  paused: 'UpdatePaused',
  suspended: 'UpdateSuspend',
  cancelling: 'Update',
  done: 'Running',
  cancelled: 'Running',
};

/** One application's counts as the status shows them. */
export interface RolloutAppStatus {
  readonly name: string;
  readonly desired: number;
  readonly running: number;
  readonly available: number;
}

/** What a deployment's status shows about its rollout: what is happening, in numbers and in words. */
export interface RolloutStatus {
  readonly phase: RolloutPhase;
  readonly deploymentStatus: DeploymentRolloutStatus;
  /** The step in progress, else the last completed one (0 before the first). */
  readonly step: number;
  /** The stage in progress, if any. */
  readonly stage?: Pick<RolloutStepIntent, 'kind' | 'direction' | 'from' | 'target' | 'startedAt'>;
  readonly old: RolloutAppStatus;
  readonly new: RolloutAppStatus;
  /** Paused (between steps), or about to be once the current step completes. */
  readonly paused: boolean;
  readonly pauseRequested: boolean;
  /** Failures of the new version since the start or the last resume, and how many are allowed. */
  readonly failures: number;
  readonly maxFailovers: number;
  readonly message: string;
}

/**
 * The rollout's status from its record and an observation.
 *
 * Example: rolling, stage `scale-new up 0 → 1` of step 1, old 2/2, new 1 Pending →
 * `{ deploymentStatus 'Update', step 1, old { desired 2, running 2, available 2 }, new { desired 1, running 0,
 * available 0 }, paused false, … }`.
 */
export function rolloutStatusOf(state: RolloutState, observed: RolloutObservation): RolloutStatus {
  const base = {
    phase: state.phase,
    deploymentStatus: DEPLOYMENT_STATUS_OF_PHASE[state.phase],
    step: state.step?.number ?? state.stepsCompleted,
    old: appStatus(state.oldApp, observed.old),
    new: appStatus(state.newApp, observed.new),
    paused: state.phase === 'paused' || state.pauseRequested,
    pauseRequested: state.pauseRequested,
    failures: failuresSince(state.failureBaseline, observed.new.failed),
    maxFailovers: state.maxFailovers,
    message: state.message,
  };
  if (state.step === undefined) return base;
  const { kind, direction, from, target, startedAt } = state.step;
  return { ...base, stage: { kind, direction, from, target, startedAt } };
}

function appStatus(name: string, counts: AppCounts): RolloutAppStatus {
  return { name, desired: counts.desired, running: counts.running, available: counts.available };
}
