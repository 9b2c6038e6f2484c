import { isRolloutComplete } from './conditions.js';
import type { PlanContext, RolloutMove } from './moves.js';
import { describeStage, roleOf } from './moves.js';
import type { RolloutState, RolloutStepIntent } from './state.js';

/**
 * The planner's answer: ONE action for the updater to apply, after which it plans again with a fresh
 * observation (until `wait`).
 * - `wait`: nothing to do now; plan again on the next tick, on a status update, or at `wakeAt` (epoch ms);
 * - `scale`: inner-scale the app (`old` or `new`) to `to` instances — no new version, no `DefineInstances`
 *   change (§5.3); scale-up adds Pending taskgroups, scale-down kills the highest indexes;
 * - `mark`: persist `state` (the intent) and do nothing else; `event` says what happened;
 * - `finish`: delete the old app (it has no instances left), bind the new one to the deployment, persist `state`;
 * - `cancelled`: delete the new app (no instances left), keep the old one bound, persist `state`.
 */
export type RolloutStep =
  | { readonly type: 'wait'; readonly reason: string; readonly wakeAt?: number }
  | { readonly type: 'scale'; readonly app: 'old' | 'new'; readonly to: number; readonly reason: string }
  | { readonly type: 'mark'; readonly event: RolloutEvent; readonly state: RolloutState }
  | { readonly type: 'finish'; readonly state: RolloutState }
  | { readonly type: 'cancelled'; readonly state: RolloutState };

/** What a `mark` records. */
export type RolloutEvent =
  | 'step-started'
  | 'stage-started'
  | 'step-completed'
  | 'paused'
  | 'suspended'
  | 'cancel-forced';

/** Nothing to do now. */
export function waitFor(reason: string, wakeAt?: number): RolloutStep {
  return wakeAt === undefined ? { type: 'wait', reason } : { type: 'wait', reason, wakeAt };
}

/** Scale the app of `move` to its target. */
export function scaleTo(move: RolloutMove, reason: string): RolloutStep {
  return { type: 'scale', app: roleOf(move.kind), to: move.target, reason };
}

/** Records the intent of a new stage: the first of step `number`, or its second. */
export function startStage(ctx: PlanContext, move: RolloutMove, number: number, first: boolean): RolloutStep {
  const step: RolloutStepIntent = {
    number,
    kind: move.kind,
    direction: move.direction,
    first,
    from: ctx.observed[roleOf(move.kind)].desired,
    target: move.target,
    startedAt: ctx.now,
  };
  const event = first ? 'step-started' : 'stage-started';
  return mark(ctx, event, { step, message: describeStage(step) });
}

/**
 * Ends the step of `intent`: the next one waits `upgradeDuration`. While rolling forward, `rollingManually`
 * or a pause request then pauses the rollout — unless nothing is left to do, so the last step never pauses.
 */
export function completeStep(ctx: PlanContext, intent: RolloutStepIntent): RolloutStep {
  const { state, now } = ctx;
  const holds =
    state.phase !== 'cancelling' &&
    (state.settings.rollingManually || state.pauseRequested) &&
    !isRolloutComplete(ctx);
  const done = `${describeStage(intent)}: done`;
  return mark(ctx, holds ? 'paused' : 'step-completed', {
    step: undefined,
    stepsCompleted: intent.number,
    lastStepAt: now,
    idleSince: now,
    pauseRequested: false,
    phase: holds ? 'paused' : state.phase,
    message: holds ? `${done}; rolling update paused` : done,
  });
}

/** Halts the rollout: no further scale, the old version keeps serving what it has; `resume` retries. */
export function suspend(ctx: PlanContext, reason: string): RolloutStep {
  return mark(ctx, 'suspended', {
    phase: 'suspended',
    step: undefined,
    pauseRequested: false,
    message: `rolling update suspended: ${reason}`,
  });
}

/** A cancel that cannot progress within the bounds stops keeping `maxUnavailable` (the surge cap still holds). */
export function forceCancel(ctx: PlanContext, reason: string): RolloutStep {
  return mark(ctx, 'cancel-forced', {
    forced: true,
    step: undefined,
    idleSince: ctx.now,
    message: `cancel forced: ${reason}; removing the new version regardless of availability`,
  });
}

/** The rollout is over: the new app serves the deployment. */
export function finish(ctx: PlanContext): RolloutStep {
  const state = next(ctx, {
    phase: 'done',
    step: undefined,
    message: `rolling update done: ${ctx.state.newApp} serves ${ctx.state.desired} instances`,
  });
  return { type: 'finish', state };
}

/** The cancel is over: the old app serves the deployment again. */
export function cancelled(ctx: PlanContext): RolloutStep {
  const state = next(ctx, {
    phase: 'cancelled',
    step: undefined,
    message: `rolling update cancelled: ${ctx.state.oldApp} restored to ${ctx.state.oldDesired} instances`,
  });
  return { type: 'cancelled', state };
}

function mark(ctx: PlanContext, event: RolloutEvent, changes: Partial<RolloutState>): RolloutStep {
  return { type: 'mark', event, state: next(ctx, changes) };
}

function next(ctx: PlanContext, changes: Partial<RolloutState>): RolloutState {
  return { ...ctx.state, ...changes, updatedAt: ctx.now };
}
