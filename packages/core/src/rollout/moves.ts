import {
  availabilityMargin,
  type RolloutBounds,
  resolveRolloutBounds,
  scaleDownTarget,
  scaleUpTarget,
  surgeRoom,
} from './fenceposts.js';
import type {
  AppCounts,
  RolloutAppRole,
  RolloutObservation,
  RolloutStageKind,
  RolloutState,
  RolloutStepIntent,
} from './state.js';

/**
 * The moves a rollout can make, each checked against the bounds of the moment. Shared by the forward planner
 * (`plan.ts`) and the cancel planner (`plan-cancel.ts`); every number comes from `fenceposts.ts`.
 */

/** What a planner decides from: the persisted state, the observation, the time and the bounds that apply. */
export interface PlanContext {
  readonly state: RolloutState;
  readonly observed: RolloutObservation;
  /** Epoch ms. */
  readonly now: number;
  readonly bounds: RolloutBounds;
}

/** A scale the bounds allow now: the stage it would be, and the app's new target. */
export interface RolloutMove {
  readonly kind: RolloutStageKind;
  readonly direction: 'up' | 'down';
  readonly target: number;
}

/**
 * The context of one planning call. The bounds follow the count being rolled towards: the deployment's
 * `desired` while rolling forward, the old app's `oldDesired` while cancelling.
 */
export function planContextOf(state: RolloutState, observed: RolloutObservation, now: number): PlanContext {
  const towards = state.phase === 'cancelling' ? state.oldDesired : state.desired;
  return { state, observed, now, bounds: resolveRolloutBounds(towards, state.settings) };
}

/** The application a stage kind scales. */
export function roleOf(kind: RolloutStageKind): RolloutAppRole {
  return kind === 'scale-new' ? 'new' : 'old';
}

/** The stage kind that scales an application. */
export function kindOf(role: RolloutAppRole): RolloutStageKind {
  return role === 'new' ? 'scale-new' : 'scale-old';
}

/**
 * Scale `role` up towards `goal` by as much as the surge cap allows now (`scaleUpTarget` with `surgeRoom`),
 * or `undefined` when it cannot grow. Never while the app still has killed instances not yet gone: the engine
 * would reuse their indexes.
 */
export function upMove(ctx: PlanContext, role: RolloutAppRole, goal: number): RolloutMove | undefined {
  const app = ctx.observed[role];
  if (hasKillsInFlight(app)) return undefined;
  const room = surgeRoom(ctx.bounds, ctx.observed.old, ctx.observed.new);
  const target = scaleUpTarget(app, goal, room);
  return target > app.desired ? { kind: kindOf(role), direction: 'up', target } : undefined;
}

/**
 * Scale `role` down towards `goal` by as much as `maxUnavailable` allows now (`scaleDownTarget` with
 * `availabilityMargin`), or `undefined` when it cannot shrink. A forced cancel ignores the margin.
 */
export function downMove(ctx: PlanContext, role: RolloutAppRole, goal: number): RolloutMove | undefined {
  const app = ctx.observed[role];
  const margin = availabilityMargin(ctx.bounds, ctx.observed.old, ctx.observed.new);
  const target = ctx.state.forced ? goal : scaleDownTarget(app, goal, margin);
  return target < app.desired ? { kind: kindOf(role), direction: 'down', target } : undefined;
}

/** The first of `moves` that is possible now. */
export function firstMove(moves: readonly (() => RolloutMove | undefined)[]): RolloutMove | undefined {
  for (const move of moves) {
    const found = move();
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What remains of a stage's scale, clamped to the bounds of now: a stage chosen within the bounds of its
 * start may have to go slower after failures or a restart, never faster.
 */
export function remainingMove(ctx: PlanContext, intent: RolloutStepIntent): RolloutMove | undefined {
  const role = roleOf(intent.kind);
  return intent.direction === 'up' ? upMove(ctx, role, intent.target) : downMove(ctx, role, intent.target);
}

/**
 * Whether a stage is over: `down` once the app is at its target and the killed instances are gone; `up` once
 * the app is at its target and, rolling forward, that many instances are available (§5.3: a step completes
 * only when the new taskgroups are Running and healthy). A cancel does not wait: its next stage may only
 * remove as many new instances as the availability of the moment allows anyway, and an old instance that
 * never becomes available must not hold the rollback.
 */
export function isStageComplete(ctx: PlanContext, intent: RolloutStepIntent): boolean {
  const app = ctx.observed[roleOf(intent.kind)];
  if (intent.direction === 'down') return app.desired <= intent.target && app.total <= intent.target;
  return app.desired >= intent.target && (ctx.state.phase === 'cancelling' || app.available >= intent.target);
}

/** A stage in words, for messages: `step 2: scaling new up 1 → 2`. */
export function describeStage(intent: RolloutStepIntent): string {
  return `step ${intent.number}: scaling ${roleOf(intent.kind)} ${intent.direction} ${intent.from} → ${intent.target}`;
}

/** What a stage waits for, in words. */
export function describeWait(ctx: PlanContext, intent: RolloutStepIntent): string {
  const app = ctx.observed[roleOf(intent.kind)];
  const detail =
    intent.direction === 'up'
      ? `${app.available} of ${intent.target} available`
      : `${app.total} instances left, target ${intent.target}`;
  return `${describeStage(intent)}: waiting (${detail})`;
}

function hasKillsInFlight(app: AppCounts): boolean {
  return app.total > app.desired;
}
