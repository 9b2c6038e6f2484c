import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import { withTaskHealth } from '../engine/health-results.js';
import type { AppSync, ClockAndIds, Committer, EngineQueue, StateSource } from '../engine/ports.js';
import { Changes } from '../engine/state.js';
import { type Issue, NotFoundError, ValidationError } from '../errors.js';
import { healthCheckKeyOf, healthCheckKeysOf } from '../resources/health.js';
import { HEALTH_CHECK_TYPES } from '../validation/pod-template.js';

/** The longest task id and message a report may carry. */
const MAX_ID = 256;
const MAX_MESSAGE = 4096;

/**
 * A health result reported from outside (`POST /healthcheck`, spec/bcs-behaviour.md §7): the original's
 * `HealthCheckResult{id, type, http, tcp, status, message}`. `status` is Go's `bool,omitempty`: absent is
 * false (a failure). `http`/`tcp` say what was checked and are not used.
 */
export interface HealthReport {
  /** The task id. */
  readonly id: string;
  readonly type: (typeof HEALTH_CHECK_TYPES)[number];
  readonly status: boolean;
  readonly message: string;
}

/** What a report did: `recorded` false when the task is not Running or has no check of that type. */
export interface HealthReportOutcome {
  readonly recorded: boolean;
  /** Its task's health after the report: `unknown`, `healthy` or `unhealthy`. */
  readonly state: string;
}

/** What the health service uses of the engine. */
export type HealthServicePorts = StateSource & Committer & AppSync & EngineQueue & ClockAndIds;

/**
 * Health results from outside reporters (the original's bcs-health posted remote checks' results here).
 * Recorded, persisted and evented like the scheduler's own results; unlike the original, a bad body is refused
 * (400 naming the field) and an unknown task is 404, instead of "success" for everything.
 */
@injectable()
export class HealthService {
  constructor(@inject(SchedulerEngine) private readonly engine: HealthServicePorts) {}

  /**
   * Records `body` (see {@link HealthReport}) on its task if that task is Running and its container has a check
   * of that type (a local type counts as the executor's check). 400 (1405008) for a bad body, 404 (1405202)
   * for an unknown task.
   */
  report(body: unknown): Promise<HealthReportOutcome> {
    const report = parseHealthReport(body);
    return this.engine.run(async () => {
      const taskGroupId = this.engine.state.taskIndex.get(report.id);
      const found = taskGroupId === undefined ? undefined : this.engine.state.findTaskGroup(taskGroupId);
      const stored = found?.taskGroup.tasks.find((t) => t.id === report.id);
      if (found === undefined || stored === undefined) throw new NotFoundError(`task ${report.id}`);
      const version = found.app.versions.get(found.taskGroup.versionId);
      const checks = version?.containers[stored.containerIndex]?.healthChecks ?? [];
      const key = healthCheckKeyOf(report.type);
      const state = stored.health?.state ?? 'unknown';
      if (
        found.taskGroup.status !== 'Running' ||
        key === undefined ||
        !healthCheckKeysOf(checks).includes(key)
      ) {
        return { recorded: false, state };
      }
      const tasks = found.taskGroup.tasks.map((t) => Object.assign({}, t));
      const task = tasks.find((t) => t.id === report.id)!;
      const result = { key, result: report.status, message: report.message };
      if (!withTaskHealth(task, version, result, this.engine.clock.now())) return { recorded: true, state };
      await this.engine.commit(new Changes().putTaskGroup(Object.assign({}, found.taskGroup, { tasks })));
      await this.engine.syncApp(found.app);
      return { recorded: true, state: task.health?.state ?? 'unknown' };
    });
  }
}

/** Checks a `POST /healthcheck` body; a {@link ValidationError} lists every problem. */
export function parseHealthReport(body: unknown): HealthReport {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('health report', [{ path: '', rule: 'must be a JSON object' }]);
  }
  const record = body as Record<string, unknown>;
  const issues: Issue[] = [];
  const { id, type, status, message } = record;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID) {
    issues.push({ path: 'id', rule: `must be a task id of 1 to ${MAX_ID} characters` });
  }
  if (typeof type !== 'string' || !(HEALTH_CHECK_TYPES as readonly string[]).includes(type)) {
    issues.push({ path: 'type', rule: `must be one of: ${HEALTH_CHECK_TYPES.join(', ')}` });
  }
  if (status !== undefined && typeof status !== 'boolean')
    issues.push({ path: 'status', rule: 'must be a boolean' });
  if (message !== undefined && (typeof message !== 'string' || message.length > MAX_MESSAGE)) {
    issues.push({ path: 'message', rule: `must be text of at most ${MAX_MESSAGE} characters` });
  }
  for (const name of ['http', 'tcp'] as const) {
    const value = record[name];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      issues.push({ path: name, rule: 'must be an object' });
    }
  }
  if (issues.length > 0) throw new ValidationError('health report', issues);
  return {
    id: id as string,
    type: type as HealthReport['type'],
    status: status === true,
    message: (message as string | undefined) ?? '',
  };
}
