import {
  failureCount,
  hasTooManyFailures,
  idleDeadline,
  isDue,
  isRolloutComplete,
  stageDeadline,
} from './conditions.js';
import { nextOrdinal, nextStepAt } from './fenceposts.js';
import { completeStep, finish, type RolloutStep, scaleTo, startStage, suspend, waitFor } from './marks.js';
import {
  describeStage,
  describeWait,
  downMove,
  firstMove,
  isStageComplete,
  type PlanContext,
  planContextOf,
  type RolloutMove,
  remainingMove,
  upMove,
} from './moves.js';
import { planCancel } from './plan-cancel.js';
import type { RolloutObservation, RolloutStageKind, RolloutState, RolloutStepIntent } from './state.js';

/**
 * The next action of a deployment's rolling update (spec/bcs-behaviour.md §5.3, §5.4; Kubernetes
 * `rolloutRolling`). Pure: `now` (epoch ms) is a parameter, the observation comes from the engine, and the
 * answer is ONE {@link RolloutStep}; the updater applies it, observes again and asks again until `wait`.
 *
 * The bounds, for `desired` D (`fenceposts.ts`): old and new together never occupy more than D + maxSurge
 * instances (Pending and killed-but-not-gone included), and the planner never kills an instance unless, even
 * if every killed instance was available, D − maxUnavailable stay available. Failures can take availability
 * lower; the planner then kills nothing more until it recovers (it cannot create availability).
 *
 * Rolling forward, as a recipe:
 * 1. a stage in progress runs to its end ({@link planStage});
 * 2. old gone and new complete and available → `finish`;
 * 3. paused → wait for resume;
 * 4. the new version failed more than `maxFailovers` times → suspend;
 * 5. fewer than `upgradeDuration` seconds since the last step → wait;
 * 6. start a step with the preferred move of `rollingOrder`, else the other one: CreateFirst scales the new app
 *    up by as much as the surge cap allows, DeleteFirst scales the old app down by as much as maxUnavailable
 *    allows;
 * 7. nothing can move for `deadlineMs` (plus `upgradeDuration`) → suspend; else wait.
 *
 * Worked example — D 2, maxSurge 1, maxUnavailable 1 (cap 3, floor 1), CreateFirst, old 2 Running:
 * - step 1: scale new 0 → 1 (room 3 − 2 − 0); wait until it is available; then scale old 2 → 0 (margin
 *   2 + 1 − 1 = 2, old's 2 available ≤ 2); wait until both are gone; step done;
 * - step 2 (`upgradeDuration` later): scale new 1 → 2 (room 3 − 0 − 1); wait until available; step done;
 * - old gone, new 2 of 2 available → `finish`.
 *
 * The same with DeleteFirst: step 1 scales old 2 → 1 (margin 1), waits until gone, then new 0 → 2 (room
 * 3 − 1), waits until available; step 2 scales old 1 → 0 (margin 1 + 2 − 1); then `finish`. With
 * `rollingManually` the rollout pauses after step 1 until resumed.
 */
export function planRolloutStep(state: RolloutState, observed: RolloutObservation, now: number): RolloutStep {
  const ctx = planContextOf(state, observed, now);
  switch (state.phase) {
    case 'done':
    case 'cancelled':
      return waitFor(`rolling update is over: ${state.message}`);
    case 'suspended':
      return waitFor(state.message);
    case 'cancelling':
      return planCancel(ctx);
    case 'rolling':
    case 'paused':
      return planForward(ctx);
  }
}

function planForward(ctx: PlanContext): RolloutStep {
  const { state } = ctx;
  // 1. A stage in progress runs to its end (a pause asked for meanwhile waits for it, §5.4).
  if (state.step !== undefined) return planStage(ctx, state.step);
  // 2. Old gone, new complete and available: done.
  if (isRolloutComplete(ctx)) return finish(ctx);
  // 3. Paused between steps: hold until resumed.
  if (state.phase === 'paused') return waitFor(state.message);
  // 4. The new version keeps failing: halt, the old version keeps serving.
  if (hasTooManyFailures(ctx)) return suspend(ctx, failureReason(ctx));
  // 5. upgradeDuration seconds between steps.
  const readyAt = nextStepAt(state.lastStepAt, state.settings.upgradeDuration);
  if (!isDue(ctx, readyAt)) return waitFor('waiting upgradeDuration before the next step', readyAt);
  // 6. The next step starts with the preferred move of rollingOrder, else the other one.
  const move = firstMove(forwardMoves(ctx));
  if (move !== undefined) return startStage(ctx, move, nextOrdinal(state.stepsCompleted), true);
  // 7. Nothing can move (instances to become available or to go): give up after the deadline.
  const deadline = idleDeadline(ctx);
  if (isDue(ctx, deadline)) return suspend(ctx, `no step possible for ${state.deadlineMs} ms`);
  return waitFor('waiting for instances to become available or to go before the next step', deadline);
}

/**
 * A stage in progress, as a recipe:
 * 1. too many failures → suspend (mid-step too: the old version keeps what it has);
 * 2. scale what the stage still asks for, clamped to the bounds of now;
 * 3. stage complete → the step's second stage if it can move, else the step is complete;
 * 4. past the stage's deadline → suspend;
 * 5. wait.
 */
function planStage(ctx: PlanContext, intent: RolloutStepIntent): RolloutStep {
  if (hasTooManyFailures(ctx)) return suspend(ctx, failureReason(ctx));
  const remaining = remainingMove(ctx, intent);
  if (remaining !== undefined) return scaleTo(remaining, describeStage(intent));
  if (isStageComplete(ctx, intent)) return completeStage(ctx, intent);
  const deadline = stageDeadline(ctx, intent);
  if (isDue(ctx, deadline))
    return suspend(ctx, `${describeStage(intent)}: not done within ${ctx.state.deadlineMs} ms`);
  return waitFor(describeWait(ctx, intent), deadline);
}

/** After a first stage, the other move of the step if the bounds allow it; otherwise the step ends. */
function completeStage(ctx: PlanContext, intent: RolloutStepIntent): RolloutStep {
  const second = intent.first ? otherMove(ctx, intent.kind) : undefined;
  return second === undefined ? completeStep(ctx, intent) : startStage(ctx, second, intent.number, false);
}

/** The forward moves in `rollingOrder`'s preference. */
function forwardMoves(ctx: PlanContext): readonly (() => RolloutMove | undefined)[] {
  const up = () => newUp(ctx);
  const down = () => oldDown(ctx);
  return ctx.state.settings.rollingOrder === 'CreateFirst' ? [up, down] : [down, up];
}

function otherMove(ctx: PlanContext, done: RolloutStageKind): RolloutMove | undefined {
  return done === 'scale-new' ? oldDown(ctx) : newUp(ctx);
}

function newUp(ctx: PlanContext): RolloutMove | undefined {
  return upMove(ctx, 'new', ctx.state.desired);
}

function oldDown(ctx: PlanContext): RolloutMove | undefined {
  return downMove(ctx, 'old', 0);
}

function failureReason(ctx: PlanContext): string {
  return `${ctx.state.newApp} failed ${failureCount(ctx)} times (maxFailovers ${ctx.state.maxFailovers})`;
}
