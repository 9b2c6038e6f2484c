import type { TaskGroupStatus } from '../resources/taskgroup.js';
import type { RestartPolicySpec } from '../resources/version.js';

/** After this long without a restart, an instance's restart count starts again from 0 (§2.5): 30 min, in ms. */
export const RESTART_COUNT_RESET_MS = 1_800_000;

/** The longest back-off, in seconds: 86400 − 480 = 85920 (the original's cap, §2.5). */
export const MAX_RESTART_DELAY_SECONDS = 86_400 - 480;

/**
 * Which ended statuses each policy restarts (spec/bcs-behaviour.md §2.5, fixed per §15.1):
 * - `Never`: none;
 * - `OnFailure` (the default): `Failed` and `Lost` — a lost pod is a failure (the original left it dead);
 * - `Always`: `Failed`, `Lost` and `Finish`.
 *
 * `Killed` is never restarted: a kill comes from the scheduler (delete, scale down, update), whose caller
 * does not ask; a reschedule replaces the instance itself. `Error` (TASK_ERROR: Mesos refused the task
 * description) is never restarted either: the same definition would be refused again.
 */
export const RESTARTED_STATUSES: Readonly<Record<RestartPolicySpec['policy'], ReadonlySet<TaskGroupStatus>>> =
  {
    Never: new Set<TaskGroupStatus>(),
    OnFailure: new Set<TaskGroupStatus>(['Failed', 'Lost']),
    Always: new Set<TaskGroupStatus>(['Failed', 'Lost', 'Finish']),
  };

/** What {@link planRestart} decides from. */
export interface RestartInput {
  readonly policy: RestartPolicySpec;
  /** The status the taskgroup ended in. */
  readonly status: TaskGroupStatus;
  /** Restarts of this instance so far (`TaskGroup.restarts`). */
  readonly restarts: number;
  /** Epoch ms of the last restart, if any. */
  readonly lastRestartAt?: number | undefined;
  /** Epoch ms. */
  readonly now: number;
}

/** {@link planRestart}'s decision. */
export type RestartPlan =
  | { readonly restart: false; readonly reason: string }
  | {
      readonly restart: true;
      /** Back-off before the replacement may be placed, in ms. */
      readonly delayMs: number;
      /** Epoch ms: `now + delayMs` (`TaskGroup.notBefore` of the replacement). */
      readonly notBefore: number;
      /** The instance's restart count including this one (`TaskGroup.restarts` of the replacement). */
      readonly restarts: number;
    };

/**
 * Whether an ended taskgroup is restarted, and after how long (spec/bcs-behaviour.md §2.5, fixed per §15.1).
 *
 * 1. The policy must restart the status ({@link RESTARTED_STATUSES}).
 * 2. When the last restart was {@link RESTART_COUNT_RESET_MS} (30 min) or more ago, the count starts at 0.
 * 3. `maxtimes > 0` caps the count: reaching it means no restart ("restart limit N reached").
 * 4. The back-off is `interval + count × backoff` seconds, capped at {@link MAX_RESTART_DELAY_SECONDS} —
 *    and really applied (the original computed it and restarted at once).
 *
 * Worked examples (interval 5 s, backoff 10 s, maxtimes 3 unless stated; T = now):
 * - OnFailure, Failed, 0 restarts → restart after 5 s, count 1;
 * - OnFailure, Lost, 2 restarts, last at T − 60 s → restart after 5 + 2 × 10 = 25 s, count 3;
 * - OnFailure, 3 restarts, last at T − 10 min → no: "restart limit 3 reached";
 * - OnFailure, 3 restarts, last at T − 30 min → count reset: restart after 5 s, count 1;
 * - OnFailure, Finish → no; Always, Finish → restart after 5 s;
 * - Never, Failed → no; Always, Killed → no; Always, Error → no;
 * - maxtimes 0 (unlimited), interval 60, backoff 3600, 30 restarts → 60 + 108000 s capped to 85920 s.
 */
export function planRestart(input: RestartInput): RestartPlan {
  const { policy, status, now } = input;
  if (!RESTARTED_STATUSES[policy.policy].has(status)) {
    return {
      restart: false,
      reason: `restart policy ${policy.policy} does not restart a taskgroup in ${status}`,
    };
  }
  const restarts = countSinceReset(input.restarts, input.lastRestartAt, now);
  if (policy.maxtimes > 0 && restarts >= policy.maxtimes) {
    return { restart: false, reason: `restart limit ${policy.maxtimes} reached` };
  }
  const delayMs = restartDelaySeconds(policy, restarts) * 1000;
  return { restart: true, delayMs, notBefore: now + delayMs, restarts: restarts + 1 };
}

/**
 * The back-off before restart number `restarts + 1`, in seconds: `interval + restarts × backoff`, capped at
 * {@link MAX_RESTART_DELAY_SECONDS}. Example: interval 5, backoff 10, 2 earlier restarts → 25.
 */
export function restartDelaySeconds(
  policy: Pick<RestartPolicySpec, 'interval' | 'backoff'>,
  restarts: number,
): number {
  return Math.min(policy.interval + restarts * policy.backoff, MAX_RESTART_DELAY_SECONDS);
}

function countSinceReset(restarts: number, lastRestartAt: number | undefined, now: number): number {
  return lastRestartAt !== undefined && now - lastRestartAt >= RESTART_COUNT_RESET_MS ? 0 : restarts;
}
