import type {
  DeploymentDefinition,
  RollingOrder,
  RollingUpdateDefinition,
} from '../validation/deployment.js';

export type {
  DeploymentDefinition,
  RollingOrder,
  RollingUpdateDefinition,
} from '../validation/deployment.js';

/** A rolling update's settings with every reading resolved: one spelling, fenceposts applied, one manual flag. */
export interface RollingUpdateSettings {
  /** Pods that may be below the desired count during the rollout; ≥ 0, and ≥ 1 when `maxSurge` is 0. */
  readonly maxUnavailable: number;
  /** Pods that may be above the desired count during the rollout; ≥ 0. */
  readonly maxSurge: number;
  /** Seconds between the end of one step and the start of the next. */
  readonly upgradeDuration: number;
  /** When true the rollout pauses after every step until `resumeupdate` (spec/bcs-behaviour.md §5.3). */
  readonly rollingManually: boolean;
  readonly rollingOrder: RollingOrder;
}

/** A deployment definition whose `strategy.rollingupdate` is resolved. */
export type NormalizedDeployment = Omit<DeploymentDefinition, 'spec'> & {
  spec: Omit<DeploymentDefinition['spec'], 'strategy'> & {
    strategy: { type?: string; rollingupdate: RollingUpdateSettings };
  };
};

/** The count used when `maxSurge` or `maxUnavailable` is absent: the original's effective value (§5.2). */
export const DEFAULT_ROLLING_COUNT = 1;

/**
 * Resolves a parsed `rollingupdate` block (spec/bcs-behaviour.md §1.4, §5.2):
 *
 * - `maxUnavailable` wins over the document's spelling `maxUnavilable` (validation refuses both if they differ);
 *   each count defaults to 1 when absent;
 * - like Kubernetes' `ResolveFenceposts`, when both counts are 0 `maxUnavailable` becomes 1, because a rollout
 *   that may neither add nor remove a pod can never progress. (The original forced *each* count ≤ 0 to 1;
 *   we keep a single 0, so `maxSurge: 0` means "never above the desired count" and `maxUnavailable: 0`
 *   "never below it" — the planner must use fencepost semantics, desired − maxUnavailable … desired + maxSurge);
 * - manual: `rollingManually || pause === true || autoUpgrade === false`. The original knows only
 *   `rollingManually`; the document shows `autoUpgrade` and `pause`, and we read "not automatic" and
 *   "paused" as the same request: stop after every step.
 *
 * Examples:
 * - `{ upgradeDuration: 10, rollingOrder: 'CreateFirst' }` → `{ maxUnavailable 1, maxSurge 1, 10, manual false }`;
 * - the document's `{ maxUnavilable 1, maxSurge 1, upgradeDuration 60, autoUpgrade false, pause false }` →
 *   `{ maxUnavailable 1, maxSurge 1, 60, manual true }`;
 * - `{ maxUnavailable 0, maxSurge 0 }` → `{ maxUnavailable 1, maxSurge 0 }`;
 * - `{ maxUnavailable 0, maxSurge 2 }` → `{ maxUnavailable 0, maxSurge 2 }`;
 * - `{ maxUnavilable 3, maxSurge 0 }` → `{ maxUnavailable 3, maxSurge 0 }`.
 */
export function resolveRollingUpdate(rolling: RollingUpdateDefinition): RollingUpdateSettings {
  const maxSurge = rolling.maxSurge ?? DEFAULT_ROLLING_COUNT;
  const unavailable = rolling.maxUnavailable ?? rolling.maxUnavilable ?? DEFAULT_ROLLING_COUNT;
  return {
    maxUnavailable: unavailable === 0 && maxSurge === 0 ? 1 : unavailable,
    maxSurge,
    upgradeDuration: rolling.upgradeDuration,
    rollingManually:
      rolling.rollingManually === true || rolling.pause === true || rolling.autoUpgrade === false,
    rollingOrder: rolling.rollingOrder,
  };
}

/**
 * The definition with `spec.strategy.rollingupdate` resolved by {@link resolveRollingUpdate}; everything else is
 * kept (a shallow copy; `definition` is not modified).
 */
export function normalizeDeployment(definition: DeploymentDefinition): NormalizedDeployment {
  const { strategy } = definition.spec;
  const resolved: NormalizedDeployment['spec']['strategy'] = {
    rollingupdate: resolveRollingUpdate(strategy.rollingupdate),
  };
  if (strategy.type !== undefined) resolved.type = strategy.type;
  return { ...definition, spec: { ...definition.spec, strategy: resolved } };
}
