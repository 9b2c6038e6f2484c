import { idleDeadline, isCancelComplete, isDue, stageDeadline } from './conditions.js';
import { nextOrdinal } from './fenceposts.js';
import {
  cancelled,
  completeStep,
  forceCancel,
  type RolloutStep,
  scaleTo,
  startStage,
  waitFor,
} from './marks.js';
import {
  describeStage,
  describeWait,
  downMove,
  firstMove,
  isStageComplete,
  type PlanContext,
  type RolloutMove,
  remainingMove,
  upMove,
} from './moves.js';
import type { RolloutStepIntent } from './state.js';

/**
 * The next action of a cancelled rollout: roll back, within the same bounds, towards the old app's count
 * (spec/bcs-behaviour.md §5.4, fixing §15.8: cancel works at any moment, a scale-old step in progress
 * included, because it only plans from the persisted state and the observation). As a recipe:
 *
 * 1. new app gone and old app back at its count → `cancelled`;
 * 2. a stage in progress runs to its end; past its deadline the cancel is forced;
 * 3. start a stage: restore the old app first (as far as the surge cap allows, once its killed instances are
 *    gone), else remove new instances (as far as maxUnavailable allows);
 * 4. nothing can move for `deadlineMs` → force the cancel; else wait.
 *
 * No `upgradeDuration` between stages, no pause, no failure limit: the user asked for the old version back.
 * Forced means the new app is scaled to 0 regardless of availability (the surge cap still holds), because a
 * new instance that is available while another never becomes so can otherwise block the rollback forever.
 *
 * Worked example — old 2, maxSurge 1, maxUnavailable 1, cancelled while the old app was at 1 (one instance
 * still being killed) and the new app at 2 of 2 available: restoring waits until the killed instance is gone
 * (footprint 1 + 2 = 3 = cap, and its index would be reused); new 2 → 0 is then allowed (margin 3 − 1 = 2 ≥
 * new's 2 available); once they are gone, old 1 → 2 (room 3 − 1); then `cancelled`.
 */
export function planCancel(ctx: PlanContext): RolloutStep {
  const { state } = ctx;
  // 1. Rolled back.
  if (isCancelComplete(ctx)) return cancelled(ctx);
  // 2. A stage in progress runs to its end.
  if (state.step !== undefined) return planCancelStage(ctx, state.step);
  // 3. Restore the old app first, else remove new instances.
  const move = firstMove(cancelMoves(ctx));
  if (move !== undefined) return startStage(ctx, move, nextOrdinal(state.stepsCompleted), true);
  // 4. Nothing can move within the bounds: after the deadline, stop keeping maxUnavailable.
  const deadline = idleDeadline(ctx);
  if (!state.forced && isDue(ctx, deadline))
    return forceCancel(ctx, `no progress for ${state.deadlineMs} ms`);
  return waitFor('cancelling: waiting for instances to become available or to go', deadline);
}

function planCancelStage(ctx: PlanContext, intent: RolloutStepIntent): RolloutStep {
  // 1. Scale what the stage still asks for, clamped to the bounds of now.
  const remaining = remainingMove(ctx, intent);
  if (remaining !== undefined) return scaleTo(remaining, `cancelling: ${describeStage(intent)}`);
  // 2. Stage over: the next one is chosen afresh.
  if (isStageComplete(ctx, intent)) return completeStep(ctx, intent);
  // 3. Past the deadline: force.
  const deadline = stageDeadline(ctx, intent);
  if (!ctx.state.forced && isDue(ctx, deadline)) {
    return forceCancel(ctx, `${describeStage(intent)}: not done within ${ctx.state.deadlineMs} ms`);
  }
  return waitFor(`cancelling: ${describeWait(ctx, intent)}`, deadline);
}

function cancelMoves(ctx: PlanContext): readonly (() => RolloutMove | undefined)[] {
  return [() => upMove(ctx, 'old', ctx.state.oldDesired), () => downMove(ctx, 'new', 0)];
}
