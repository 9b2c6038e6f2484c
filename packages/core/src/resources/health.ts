import type { HealthCheckDefinition } from '../validation/pod-template.js';

/**
 * What the scheduler knows of a task's health (issue 13 §1): `unknown` until a check reported, then `healthy`
 * or `unhealthy`. Persisted with the taskgroup, so a restart keeps it until a new result arrives (Marathon
 * #4220: health lost on failover, read as Unknown, emptied load balancers).
 */
export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

/**
 * Where a result comes from: `local` is the executor's (Mesos' `healthy`, or the BCS executor's container
 * info) for the container's first local check (COMMAND, HTTP or TCP: only that one is run, spec §7); the
 * remote types are the scheduler's own checks or an outside reporter's (`POST /healthcheck`).
 */
export type HealthCheckKey = 'local' | 'REMOTE_HTTP' | 'REMOTE_TCP';

/** The last result of one check. */
export interface HealthCheckOutcome {
  readonly result: boolean;
  /** Why it failed (or what the reporter said); `''` when nothing was said. */
  readonly message: string;
  /** Epoch ms the result last flipped (not every repeat: repeats are not written). */
  readonly since: number;
}

/** A task's health as stored (see {@link HealthState}). */
export interface TaskHealth {
  readonly state: HealthState;
  /** The message of the result that decided `state` (a failing check's, else the latest one's). */
  readonly message: string;
  /** Epoch ms `state` last changed. */
  readonly changedAt: number;
  /** The last result of every check that reported. */
  readonly checks: Readonly<Partial<Record<HealthCheckKey, HealthCheckOutcome>>>;
  /** Consecutive failures the BCS executor counted (`ConsecutiveFailureTimes`), when it reported them. */
  readonly consecutiveFailures?: number;
}

const LOCAL_TYPES: ReadonlySet<string> = new Set(['COMMAND', 'HTTP', 'TCP']);

/** Whether a check type is run by the executor (COMMAND, HTTP, TCP) rather than remotely. */
export function isLocalCheckType(type: string | undefined): boolean {
  return type !== undefined && LOCAL_TYPES.has(type);
}

/** The key a check's results are kept under: `local` for COMMAND/HTTP/TCP, its type for remote ones. */
export function healthCheckKeyOf(type: string | undefined): HealthCheckKey | undefined {
  if (isLocalCheckType(type)) return 'local';
  if (type === 'REMOTE_HTTP' || type === 'REMOTE_TCP') return type;
  return undefined;
}

/**
 * The checks whose results decide a container's health: `local` when it has a local check (only the first
 * is run), plus each remote type it has. Example: [REMOTE_TCP, HTTP, TCP] → [REMOTE_TCP, local].
 */
export function healthCheckKeysOf(checks: readonly HealthCheckDefinition[]): HealthCheckKey[] {
  const keys: HealthCheckKey[] = [];
  for (const check of checks) {
    const key = healthCheckKeyOf(check.type);
    if (key !== undefined && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

/**
 * The state a set of results makes: `unhealthy` when one failed; `healthy` when every expected check (and
 * every other that reported) passed; `unknown` while an expected one has not reported.
 *
 * Examples: expected [local], {} → unknown; {local ok} → healthy; [local, REMOTE_TCP], {local ok} → unknown;
 * {local ok, REMOTE_TCP failed} → unhealthy; expected [], {local ok} → healthy.
 */
export function healthStateOf(
  expected: readonly HealthCheckKey[],
  checks: TaskHealth['checks'],
): HealthState {
  const reported = Object.values(checks);
  if (reported.some((outcome) => outcome?.result === false)) return 'unhealthy';
  if (reported.length === 0) return 'unknown';
  return expected.every((key) => checks[key] !== undefined) ? 'healthy' : 'unknown';
}

/** A result to record (see {@link withHealthResult}). */
export interface HealthResult {
  readonly key: HealthCheckKey;
  readonly result: boolean;
  readonly message: string;
  /** The BCS executor's consecutive failure count, when reported. */
  readonly consecutiveFailures?: number;
}

/**
 * `health` with `result` recorded (pure), or `undefined` when it changes nothing (same result and message,
 * same failure count: a repeat is not written). `expected` are the container's check keys
 * ({@link healthCheckKeysOf}); `now` is epoch ms.
 */
export function withHealthResult(
  health: TaskHealth | undefined,
  expected: readonly HealthCheckKey[],
  result: HealthResult,
  now: number,
): TaskHealth | undefined {
  const before = health?.checks[result.key];
  const sameFailures =
    result.consecutiveFailures === undefined || result.consecutiveFailures === health?.consecutiveFailures;
  if (before?.result === result.result && before.message === result.message && sameFailures) return undefined;
  const outcome: HealthCheckOutcome = {
    result: result.result,
    message: result.message,
    since: before?.result === result.result ? before.since : now,
  };
  const checks = { ...health?.checks, [result.key]: outcome };
  const state = healthStateOf(expected, checks);
  const failing = Object.values(checks).find((o) => o?.result === false);
  const failures = result.consecutiveFailures ?? health?.consecutiveFailures;
  return {
    state,
    message: failing?.message ?? result.message,
    changedAt: health === undefined || health.state !== state ? now : health.changedAt,
    checks,
    ...(failures === undefined ? {} : { consecutiveFailures: failures }),
  };
}

/** `true`/`false` for a known state, `undefined` for unknown: the `healthy` of tasks and events. */
export function healthyOf(state: HealthState | undefined): boolean | undefined {
  return state === 'healthy' ? true : state === 'unhealthy' ? false : undefined;
}

/**
 * Whether a task's local check lets it count as available (rollouts, readiness; issue 13 §2): a task created
 * with a local check (`localCheck`) only once the executor reported it healthy (unknown is not available);
 * any other only while no local result says unhealthy. Remote checks do not gate (they are informational for
 * rollouts, as in the original, spec §7; they may restart an instance, `restartOnUnhealthy`). Records written
 * before health was kept use their `healthy` flag.
 *
 * Examples: `{localCheck, health none}` → false; `{localCheck, local ok}` → true; `{}` → true;
 * `{local failed}` → false; `{REMOTE_TCP failed}` → true; `{healthy false}` (old record) → false.
 */
export function passesLocalHealth(task: {
  readonly localCheck?: true;
  readonly healthy?: boolean;
  readonly health?: TaskHealth;
}): boolean {
  const local = task.health?.checks.local?.result;
  if (task.localCheck === true) return local === true;
  if (task.health !== undefined) return local !== false;
  return task.healthy !== false;
}
