import type { RollingUpdateSettings } from '../resources/deployment.js';
import type { TaskGroupStatus } from '../resources/taskgroup.js';
import { FAILED_STATUSES } from '../status/lifecycle.js';
import { unixSeconds } from './fenceposts.js';

/**
 * Where a rollout is (spec/bcs-behaviour.md §2.4, §5.3, §5.4):
 * - `rolling`: steps run (deployment status `Update`);
 * - `paused`: held between steps, by `rollingManually` or a pause request (`UpdatePaused`);
 * - `suspended`: halted by failures or a deadline; the old version keeps serving (`UpdateSuspend`);
 * - `cancelling`: rolling back: the old app returns to its count, the new one goes (`Update`);
 * - `done` / `cancelled`: over (`Running`).
 */
export type RolloutPhase = 'rolling' | 'paused' | 'suspended' | 'cancelling' | 'done' | 'cancelled';

/** Which of the rollout's two applications. */
export type RolloutAppRole = 'old' | 'new';

/** Which application a stage scales: the new one (`scale-new`) or the old one (`scale-old`). */
export type RolloutStageKind = 'scale-new' | 'scale-old';

/**
 * The persisted intent of the stage in progress. A step has one or two stages: CreateFirst scales the new app
 * up, then the old one down; DeleteFirst the other way round (§5.3). It is written before the scale it asks
 * for, so after a restart the planner sees it and carries on.
 */
export interface RolloutStepIntent {
  /** The step's ordinal, from 1. */
  readonly number: number;
  readonly kind: RolloutStageKind;
  /** `up` adds instances (waits until they are available), `down` kills them (waits until they are gone). */
  readonly direction: 'up' | 'down';
  /** The first stage of its step (another stage may follow), or the second. */
  readonly first: boolean;
  /** The app's target when the stage started. */
  readonly from: number;
  /** The app's target the stage reaches, chosen within the bounds when it started. */
  readonly target: number;
  /** Epoch ms. */
  readonly startedAt: number;
}

/**
 * The persisted record of a deployment's rolling update: everything the planner decides from besides the
 * observation and the time. Written (whole) whenever the planner returns `mark`, `finish` or `cancelled`.
 */
export interface RolloutState {
  readonly namespace: string;
  /** The deployment's name. */
  readonly name: string;
  readonly phase: RolloutPhase;
  /** The deployment's instance count the new version rolls out to. */
  readonly desired: number;
  /** The old app's instance count when the rollout started; a cancel restores it. */
  readonly oldDesired: number;
  readonly settings: RollingUpdateSettings;
  /** The old application's id. */
  readonly oldApp: string;
  /** The new application's id (`<name>-v<unix seconds>`). */
  readonly newApp: string;
  /** The stage in progress, if any. */
  readonly step?: RolloutStepIntent | undefined;
  /** Steps completed so far. */
  readonly stepsCompleted: number;
  /** Epoch ms the last step ended; the next one waits `upgradeDuration` seconds from it. */
  readonly lastStepAt?: number;
  /** Epoch ms from which a rollout that cannot move counts towards its deadline (start, step end, resume). */
  readonly idleSince: number;
  /** A pause was asked for during a step: the step completes, then the rollout pauses (§5.4). */
  readonly pauseRequested: boolean;
  /** The new app's failure count (`AppCounts.failed`) at the start or the last resume. */
  readonly failureBaseline: number;
  /** Failures of the new version allowed before suspending (`updatePolicy.maxFailovers`). */
  readonly maxFailovers: number;
  /** A stage (or an idle rollout) without progress for this long is suspended; while cancelling, forced. ms. */
  readonly deadlineMs: number;
  /** A cancel that could not progress within the bounds for `deadlineMs` no longer keeps `maxUnavailable`. */
  readonly forced: boolean;
  /** What is happening, for the deployment's status. */
  readonly message: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
}

/**
 * What the planner needs to know of one application, counted by the engine from its taskgroups (see
 * {@link appCountsOf}).
 */
export interface AppCounts {
  /** The app's current target (`desiredInstances`). */
  readonly desired: number;
  /** Taskgroups that exist: Pending, placed, failed and not yet replaced, or killed and not yet gone. */
  readonly total: number;
  /** Taskgroups in `Running` (killed ones too, until gone). For the status only. */
  readonly running: number;
  /** Taskgroups `Running`, healthy where the version has a local health check, and not being killed. */
  readonly available: number;
  /**
   * Failures of the app's taskgroups so far (monotone while the rollout lasts): the planner compares it with
   * `RolloutState.failureBaseline`.
   */
  readonly failed: number;
}

/** Both applications, observed at one moment. */
export interface RolloutObservation {
  readonly old: AppCounts;
  readonly new: AppCounts;
}

/** A stage takes at most this long before the rollout is suspended: the original's 300 s START timeout + 60 s. */
export const DEFAULT_ROLLOUT_DEADLINE_MS = 360_000;

/** Failures of the new version tolerated when `updatePolicy` sets neither `maxFailovers` nor `maxRetries`. */
export const DEFAULT_ROLLOUT_MAX_FAILOVERS = 3;

/** What {@link createRolloutState} needs. */
export interface RolloutStateInput {
  readonly namespace: string;
  readonly name: string;
  readonly desired: number;
  readonly oldDesired: number;
  readonly settings: RollingUpdateSettings;
  readonly oldApp: string;
  readonly newApp: string;
  /** Epoch ms. */
  readonly now: number;
  /** The deployment's `updatePolicy`: `maxFailovers`, else `maxRetries`, else {@link DEFAULT_ROLLOUT_MAX_FAILOVERS}. */
  readonly updatePolicy?: { readonly maxFailovers?: number; readonly maxRetries?: number } | undefined;
  /** Default {@link DEFAULT_ROLLOUT_DEADLINE_MS}. */
  readonly deadlineMs?: number;
  /** The new app's `failed` count now (0 for a fresh app). */
  readonly newFailures?: number;
}

/** A fresh rollout in phase `rolling`, with no step yet: the first step may start at once. */
export function createRolloutState(input: RolloutStateInput): RolloutState {
  return {
    namespace: input.namespace,
    name: input.name,
    phase: 'rolling',
    desired: input.desired,
    oldDesired: input.oldDesired,
    settings: input.settings,
    oldApp: input.oldApp,
    newApp: input.newApp,
    stepsCompleted: 0,
    idleSince: input.now,
    pauseRequested: false,
    failureBaseline: input.newFailures ?? 0,
    maxFailovers:
      input.updatePolicy?.maxFailovers ?? input.updatePolicy?.maxRetries ?? DEFAULT_ROLLOUT_MAX_FAILOVERS,
    deadlineMs: input.deadlineMs ?? DEFAULT_ROLLOUT_DEADLINE_MS,
    forced: false,
    message: `rolling update from ${input.oldApp} to ${input.newApp} started`,
    startedAt: input.now,
    updatedAt: input.now,
  };
}

/**
 * The new application's name: `<deployment>-v<unix seconds>` (spec/bcs-behaviour.md §5.2).
 *
 * Example: `('web', 1_700_000_000_999)` → `web-v1700000000`.
 */
export function rolloutAppName(deployment: string, now: number): string {
  return `${deployment}-v${unixSeconds(now)}`;
}

/** One taskgroup as {@link appCountsOf} reads it; a `TaskGroup` fits. */
export interface CountedTaskGroup {
  readonly status: TaskGroupStatus;
  readonly killRequestedAt?: number | undefined;
  /** Restarts of this instance so far (`TaskGroup.restarts`). */
  readonly restarts: number;
}

/**
 * Counts one application for the planner from its taskgroups, in one pass. `isAvailable` says whether a
 * `Running` taskgroup is healthy where its version has a local health check (the engine's readiness rule);
 * a killed one is never available. `failed` is the sum of restarts plus the taskgroups failed and not yet
 * restarted, so a failure counts once whether or not it was restarted.
 *
 * Example: desired 2; one Running healthy, one Running being killed, one Failed with 1 restart →
 * `{ desired 2, total 3, running 2, available 1, failed 2 }`.
 */
export function appCountsOf<T extends CountedTaskGroup>(
  desired: number,
  taskGroups: Iterable<T>,
  isAvailable: (taskGroup: T) => boolean = () => true,
): AppCounts {
  let total = 0;
  let running = 0;
  let available = 0;
  let failed = 0;
  for (const taskGroup of taskGroups) {
    total += 1;
    failed += taskGroup.restarts + (FAILED_STATUSES.has(taskGroup.status) ? 1 : 0);
    if (taskGroup.status !== 'Running') continue;
    running += 1;
    if (taskGroup.killRequestedAt === undefined && isAvailable(taskGroup)) available += 1;
  }
  return { desired, total, running, available, failed };
}
