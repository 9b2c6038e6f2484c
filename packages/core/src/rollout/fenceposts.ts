import type { RollingUpdateSettings } from '../resources/deployment.js';

/**
 * The arithmetic of a rolling update, in one place (Kubernetes `util/deployment_util.go`, `ResolveFenceposts`).
 * The planner (`plan.ts`) only compares and calls these helpers. Counts are instances (taskgroups); times are
 * epoch milliseconds unless a name says seconds.
 */

/** The two bounds a rollout keeps between: at most `surgeCap` instances, at least `minAvailable` available. */
export interface RolloutBounds {
  /** `desired + maxSurge`: instances old and new may occupy together. */
  readonly surgeCap: number;
  /** `max(0, desired − maxUnavailable)`: instances that must stay available (Running and healthy). */
  readonly minAvailable: number;
}

/** What the count helpers need to know of one application. An `AppCounts` (`state.ts`) fits. */
export interface AppFootprintInput {
  /** The app's current target (`desiredInstances`). */
  readonly desired: number;
  /** Its taskgroups that exist, including Pending ones and killed ones not yet gone. */
  readonly total: number;
  /** Its taskgroups that are Running, healthy where checked, and not being killed. */
  readonly available: number;
}

/**
 * The bounds of a rollout towards `desired` instances (spec/bcs-behaviour.md §5.3; the settings are already
 * resolved by `resolveRollingUpdate`, so `maxSurge` and `maxUnavailable` are never both 0).
 *
 * Worked examples:
 * - desired 2, maxSurge 1, maxUnavailable 1 → surgeCap 3, minAvailable 1;
 * - desired 10, maxSurge 3, maxUnavailable 0 → surgeCap 13, minAvailable 10;
 * - desired 1, maxSurge 0, maxUnavailable 1 → surgeCap 1, minAvailable 0;
 * - desired 2, maxSurge 0, maxUnavailable 3 → surgeCap 2, minAvailable 0 (never below 0);
 * - desired 0, maxSurge 2, maxUnavailable 1 → surgeCap 2, minAvailable 0.
 */
export function resolveRolloutBounds(
  desired: number,
  settings: Pick<RollingUpdateSettings, 'maxSurge' | 'maxUnavailable'>,
): RolloutBounds {
  return {
    surgeCap: desired + settings.maxSurge,
    minAvailable: Math.max(0, desired - settings.maxUnavailable),
  };
}

/**
 * The instances an app occupies or is about to occupy: `max(desired, total)`. A scale-up counts at once
 * (its Pending taskgroups may not exist yet), a killed instance until it is gone.
 *
 * Worked examples: desired 3, total 1 (scaling up) → 3; desired 1, total 3 (two being killed) → 3.
 */
export function footprintOf(app: AppFootprintInput): number {
  return Math.max(app.desired, app.total);
}

/**
 * How many instances may still be added without passing the surge cap:
 * `max(0, surgeCap − footprint(old) − footprint(new))`.
 *
 * Worked examples (surgeCap 3): old 2/2 and new 0/0 → 1; old 1 with 2 being killed (desired 1, total 3) and
 * new 1 → 0; old 0/0 and new 1/1 → 2.
 */
export function surgeRoom(bounds: RolloutBounds, old: AppFootprintInput, next: AppFootprintInput): number {
  return Math.max(0, bounds.surgeCap - footprintOf(old) - footprintOf(next));
}

/**
 * How many available instances may still be lost: `available(old) + available(new) − minAvailable`. Negative
 * when availability is already below the floor (failures, or a rollout that grows the deployment).
 *
 * Worked examples (minAvailable 1): old 2 available and new 0 → 1; old 0 and new 0 → −1.
 */
export function availabilityMargin(
  bounds: RolloutBounds,
  old: AppFootprintInput,
  next: AppFootprintInput,
): number {
  return old.available + next.available - bounds.minAvailable;
}

/**
 * The highest target `app` may be scaled up to now, towards `goal`, with `room` instances to spare:
 * `min(goal, desired + room)`, and never below its current target.
 *
 * Worked examples: desired 0, goal 2, room 1 → 1; desired 1, goal 2, room 5 → 2; desired 2, goal 2 → 2.
 */
export function scaleUpTarget(app: AppFootprintInput, goal: number, room: number): number {
  return Math.max(app.desired, Math.min(goal, app.desired + room));
}

/**
 * The lowest target `app` may be scaled down to now, towards `goal`, when `margin` available instances may be
 * lost. The engine kills the highest indexes, and the planner cannot know which of them are available, so it
 * assumes the worst: every killed instance was available, but no more than the app's `available` ones.
 * - `available ≤ margin`: even losing all of them keeps the floor → `goal`;
 * - otherwise at most `margin` instances → `max(goal, desired − max(0, margin))`.
 * Never above the current target.
 *
 * Worked examples: desired 2, available 2, margin 1, goal 0 → 1; desired 2, available 2, margin 2 → 0;
 * desired 2, available 0 (failing), margin 0 → 0; desired 3, available 3, margin −1 → 3.
 */
export function scaleDownTarget(app: AppFootprintInput, goal: number, margin: number): number {
  if (app.desired <= goal) return app.desired;
  if (app.available <= margin) return goal;
  return Math.max(goal, app.desired - Math.max(0, margin));
}

/**
 * Failures of the new version since `baseline` (the count when the rollout started or was last resumed),
 * never negative (an engine's count may restart, spec/bcs-behaviour.md §2.5).
 *
 * Worked examples: baseline 2, observed 5 → 3; baseline 4, observed 1 → 0.
 */
export function failuresSince(baseline: number, observed: number): number {
  return Math.max(0, observed - baseline);
}

/**
 * Whether a rollout that allows `maxFailovers` failures of the new version has seen too many: more than
 * `maxFailovers` (so 0 suspends at the first failure).
 *
 * Worked examples: 3 allowed, 3 seen → false; 3 allowed, 4 seen → true; 0 allowed, 1 seen → true.
 */
export function isOverFailureLimit(failures: number, maxFailovers: number): boolean {
  return failures > maxFailovers;
}

/**
 * When the next step may start: `upgradeDuration` seconds after the previous step ended; at once (`undefined`
 * in, `undefined` out) when no step ended yet.
 *
 * Worked examples: ended at 10 000, 10 s → 20 000; ended at 10 000, 0 s → 10 000.
 */
export function nextStepAt(
  lastStepAt: number | undefined,
  upgradeDurationSeconds: number,
): number | undefined {
  return lastStepAt === undefined ? undefined : lastStepAt + secondsToMs(upgradeDurationSeconds);
}

/**
 * When a stage (or an idle rollout that cannot move) is given up on: `since + extraSeconds + deadlineMs`.
 * `extraSeconds` is the pause the rollout is expected to take anyway (`upgradeDuration` while idle, 0 in a stage).
 *
 * Worked examples: since 0, deadline 360 000 → 360 000; since 5 000, 10 s extra, deadline 60 000 → 75 000.
 */
export function deadlineAt(since: number, deadlineMs: number, extraSeconds = 0): number {
  return since + secondsToMs(extraSeconds) + deadlineMs;
}

/** Whether `at` is reached: `undefined` (no time set) always is. */
export function isReached(at: number | undefined, now: number): boolean {
  return at === undefined || now >= at;
}

/** The ordinal after `n` (steps are numbered from 1). */
export function nextOrdinal(n: number): number {
  return n + 1;
}

/** Seconds → milliseconds. */
export function secondsToMs(seconds: number): number {
  return seconds * 1000;
}

/** Epoch milliseconds → whole Unix seconds (rounded down), as in `<name>-v<unix seconds>`. */
export function unixSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
