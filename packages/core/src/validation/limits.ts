import { type ErrorCode, type Issue, ValidationError } from '../errors.js';
import { createToken } from '../tokens.js';

/**
 * Bounds on what a definition may ask for (issue 9 §0: one request with `instance: 1e9` used to take the
 * server down, and `killPolicy.gracePeriod: 1e12` made a delete wait for ever). Two kinds:
 *
 * - {@link DEFINITION_LIMITS}: fixed bounds in the schemas, far above any real use; a value past one is
 *   refused with 400 (code 1405008) naming the field and the bound.
 * - {@link SchedulerLimits}: bounds an operator may need to raise, options of `registerCore` (the server's
 *   `--max-instances` flag). They are checked by the services after the schema.
 */
export const DEFINITION_LIMITS = {
  /** The most instances any count may name, whatever `maxInstances` says. */
  instancesCeiling: 1_000_000,
  /** Every duration in seconds (restart interval and back-off, grace periods, health-check times, step pause): a day. */
  seconds: 86_400,
  /** Retry counts (`restartPolicy.maxtimes`, `updatePolicy.maxRetries`, health-check `consecutiveFailures`). */
  retries: 10_000,
  /** Containers (or processes) of one template. */
  containers: 100,
  /** Ports, volumes, configmap and secret references, health checks, uris and extended resources of one container. */
  perContainer: 100,
  /** Environment variables, command args and docker parameters of one container, items of one reference. */
  perContainerLong: 1_000,
  /** Entries of labels, annotations, selectors and other string maps. */
  mapEntries: 1_000,
  /** Constraint items (AND), elements per item (OR). */
  constraintItems: 100,
  /** Set items and ranges of one constraint element. */
  constraintValues: 1_000,
  /** Characters of a resource quantity such as `"0.5"`. */
  quantityLength: 32,
} as const;

/** Limits an operator may change (the server exposes them as flags). */
export interface SchedulerLimits {
  /**
   * The most instances one application or deployment may have: `spec.instance`, `scale/{n}` and the
   * `?instances=` of an update. Default {@link DEFAULT_MAX_INSTANCES}; at most
   * `DEFINITION_LIMITS.instancesCeiling`.
   */
  readonly maxInstances?: number;
}

/** The default of `SchedulerLimits.maxInstances`. */
export const DEFAULT_MAX_INSTANCES = 10_000;

/** The token of the `SchedulerLimits` in core's container. */
export const SchedulerLimitsToken = createToken<SchedulerLimits>('SchedulerLimits');

/** `limits.maxInstances` with its default, capped at the ceiling. */
export function maxInstancesOf(limits: SchedulerLimits): number {
  return Math.min(limits.maxInstances ?? DEFAULT_MAX_INSTANCES, DEFINITION_LIMITS.instancesCeiling);
}

/**
 * The issue of an instance count `value` at `path` past `limits.maxInstances`, or none.
 *
 * Example: `instanceIssues('spec.instance', 20000, {})` →
 * `[{ path: 'spec.instance', rule: 'must be ≤ 10000 (the max-instances limit)' }]`.
 */
export function instanceIssues(path: string, value: number, limits: SchedulerLimits): Issue[] {
  const max = maxInstancesOf(limits);
  return value > max ? [{ path, rule: `must be ≤ ${max} (the max-instances limit)` }] : [];
}

/** Throws a `ValidationError` for `subject` when {@link instanceIssues} finds one. */
export function assertInstances(
  subject: string,
  path: string,
  value: number,
  limits: SchedulerLimits,
  code?: ErrorCode,
): void {
  const issues = instanceIssues(path, value, limits);
  if (issues.length > 0) throw new ValidationError(subject, issues, code);
}
