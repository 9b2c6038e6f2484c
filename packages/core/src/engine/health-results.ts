import { type HealthResult, healthCheckKeysOf, healthyOf, withHealthResult } from '../resources/health.js';
import type { Task } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';

/**
 * Records a health result on `task` (a copy the caller owns: it is modified) and keeps `task.healthy` equal to
 * its state. The checks the state waits for are those of the task's container in `version` (none known
 * without it). Returns whether anything changed (a repeated result changes nothing and is not written).
 */
export function withTaskHealth(
  task: Task,
  version: Version | undefined,
  result: HealthResult,
  now: number,
): boolean {
  const checks = version?.containers[task.containerIndex]?.healthChecks ?? [];
  const next = withHealthResult(task.health, healthCheckKeysOf(checks), result, now);
  if (next === undefined) return false;
  task.health = next;
  const healthy = healthyOf(next.state);
  if (healthy === undefined) delete task.healthy;
  else task.healthy = healthy;
  return true;
}
