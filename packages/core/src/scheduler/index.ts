// The placement pipeline: pure functions from offers, requests and a context to placements and launch payloads.
// Internals (the planner, its heap, the live index's class, range helpers) stay unexported.

export { capturedAttributes } from './captured-attributes.js';
export {
  createSchedulingContext,
  noFitMessage,
  type SchedulingContext,
  type SchedulingContextOptions,
} from './context.js';
export { constraintLabel, type FeasibilityChecker, rejectReason } from './feasibility/checker.js';
export { createClusterChecker } from './feasibility/cluster.js';
export { disabledChecker } from './feasibility/disabled.js';
export { createExcludeChecker } from './feasibility/exclude.js';
export { createGreaterChecker, createLessChecker } from './feasibility/greater.js';
export { createGroupByChecker } from './feasibility/groupby.js';
export { hostPortsChecker } from './feasibility/host-ports.js';
export { ipResourcesChecker, needsContainerIp } from './feasibility/ip-resources.js';
export { createLikeChecker, createUnlikeChecker } from './feasibility/like.js';
export {
  compilePattern,
  globToRe2Source,
  matchesAny,
  type PatternTest,
  patternError,
} from './feasibility/match.js';
export { createMaxPerChecker } from './feasibility/maxper.js';
export {
  CONSTRAINT_CHECKERS,
  type ConstraintCheckerFactory,
  compileConstraint,
  constraintCheckerFor,
} from './feasibility/registry.js';
export {
  hasRequestedIps,
  parseRequestedIp,
  REQUEST_IP_PREFIX,
  type RequestedIp,
  requestedIpChecker,
  requestedIpsOf,
} from './feasibility/requested-ip.js';
export { resourcesChecker } from './feasibility/resources.js';
export { retainHostChecker } from './feasibility/retain-host.js';
export { taintsChecker } from './feasibility/taints.js';
export { createTolerationChecker, taintKey, tolerationsOf } from './feasibility/toleration.js';
export { createUniqueChecker } from './feasibility/unique.js';
export {
  buildLaunchGroup,
  expandBcsTemplates,
  healthCheckOf,
  type LaunchGroupInput,
} from './launch.js';
export type { AppLabels, LiveIndex } from './live-index.js';
export {
  type AgentTotals,
  type AttrValue,
  INNER_IP_ATTRIBUTE,
  IP_RESOURCES_ATTRIBUTE,
  type OfferUse,
  type PooledOffer,
  remaining,
  type Taint,
  toPooledOffer,
} from './offer.js';
export { isNoFit, type PlacementPlan, placeTaskGroup, planPlacements } from './placement.js';
export {
  checkHostPorts,
  type HostPortPlan,
  isPortShortage,
  type NetworkKind,
  needsHostPorts,
  networkOf,
  type PortShortage,
  planHostPorts,
} from './ports.js';
export { binpackRanker, type Ranker, spreadRanker, tieBreakOf } from './rank.js';
export {
  demandOf,
  EXECUTOR_OVERHEAD,
  exceededResource,
  MIN_TASK_CPUS,
  taskResourcesOf,
  tasksDemandOf,
} from './resources.js';
export { compileStack, runStages, type Stack } from './stack.js';
export type { NoFit, Placement, PlacementRequest, RejectReason } from './types.js';
