import { deadlineAt, failuresSince, isOverFailureLimit, isReached } from './fenceposts.js';
import type { PlanContext } from './moves.js';
import type { RolloutStepIntent } from './state.js';

/** The yes/no questions the planners ask, each one named. */

/**
 * Rolled forward: the old app has no target and no instances left, and the new one is at the deployment's
 * count with that many available (spec/bcs-behaviour.md §5.3 "Finish").
 */
export function isRolloutComplete(ctx: PlanContext): boolean {
  const { old, new: next } = ctx.observed;
  const { desired } = ctx.state;
  return old.desired === 0 && old.total === 0 && next.desired >= desired && next.available >= desired;
}

/**
 * Rolled back: the new app has no target and no instances left, and the old one is back at its count with no
 * killed instances left. Its availability is the old app's own business again (restart policy).
 */
export function isCancelComplete(ctx: PlanContext): boolean {
  const { old, new: next } = ctx.observed;
  return (
    next.desired === 0 && next.total === 0 && old.desired >= ctx.state.oldDesired && old.total <= old.desired
  );
}

/** The new version failed more than `maxFailovers` times since the start or the last resume. */
export function hasTooManyFailures(ctx: PlanContext): boolean {
  return isOverFailureLimit(failureCount(ctx), ctx.state.maxFailovers);
}

/** Failures of the new version since the start or the last resume. */
export function failureCount(ctx: PlanContext): number {
  return failuresSince(ctx.state.failureBaseline, ctx.observed.new.failed);
}

/** When the stage of `intent` is given up on: `deadlineMs` after it started. */
export function stageDeadline(ctx: PlanContext, intent: RolloutStepIntent): number {
  return deadlineAt(intent.startedAt, ctx.state.deadlineMs);
}

/**
 * When a rollout that cannot start a step is given up on: `deadlineMs` after it became idle, plus the
 * `upgradeDuration` it was waiting anyway (rolling forward only).
 */
export function idleDeadline(ctx: PlanContext): number {
  const pause = ctx.state.phase === 'cancelling' ? 0 : ctx.state.settings.upgradeDuration;
  return deadlineAt(ctx.state.idleSince, ctx.state.deadlineMs, pause);
}

/** Whether the time `at` has come. */
export function isDue(ctx: PlanContext, at: number | undefined): boolean {
  return isReached(at, ctx.now);
}
