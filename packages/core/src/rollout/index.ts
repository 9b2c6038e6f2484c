/**
 * Rolling updates of deployments, decided apart from done (style 11): `planRolloutStep(state, observed, now)`
 * returns one action; an updater in the engine applies it. Everything here is pure.
 */
export * from './control.js';
export {
  type AppFootprintInput,
  availabilityMargin,
  footprintOf,
  type RolloutBounds,
  resolveRolloutBounds,
  scaleDownTarget,
  scaleUpTarget,
  surgeRoom,
} from './fenceposts.js';
export type { RolloutEvent, RolloutStep } from './marks.js';
export { planRolloutStep } from './plan.js';
export * from './state.js';
export * from './status.js';
