import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import { withTaskHealth } from '../engine/health-results.js';
import { appKey } from '../engine/keys.js';
import type {
  AppSync,
  CommitFeed,
  Committer,
  EngineQueue,
  LogSource,
  MesosCalls,
  StateSource,
} from '../engine/ports.js';
import { type AppState, Changes } from '../engine/state.js';
import { type CancelTimer, type Clock, ClockToken } from '../ports/clock.js';
import { isOutboundError, type Outbound, OutboundToken, unavailableOutbound } from '../ports/outbound.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { createToken } from '../tokens.js';
import type { HealthCheckDefinition } from '../validation/pod-template.js';
import { isPassingStatus, type RemoteCheckType, remoteCheckCall } from './remote-target.js';

/** Settings of the scheduler's remote health checks. */
export interface HealthCheckOptions {
  /**
   * Remote checks in flight at once, 1 to 256 (the outbound adapter's own cap); the others wait their turn.
   * Default 64.
   */
  readonly maxConcurrent?: number;
}

export const HealthCheckOptionsToken = createToken<HealthCheckOptions>('HealthCheckOptions');

/** Results applied per engine turn at most; the rest wait for the next turn. */
const MAX_RESULTS_PER_TURN = 2000;

/** What the checker uses of the engine. */
export type RemoteCheckPorts = StateSource &
  Committer &
  AppSync &
  MesosCalls &
  EngineQueue &
  CommitFeed &
  LogSource;

/** The health-restart window: at most {@link restartBudget} restarts per application in it. 60 s. */
export const HEALTH_RESTART_WINDOW_MS = 60_000;

/**
 * Health-driven restarts allowed per application per {@link HEALTH_RESTART_WINDOW_MS}: 10% of its desired
 * instances, at least 1. Examples: 1 → 1, 25 → 2, 100 → 10.
 */
export function restartBudget(desiredInstances: number): number {
  return Math.max(1, Math.floor(desiredInstances / 10));
}

/** A check's interval in ms: `intervalSeconds` (default 60, at least 1). */
function intervalMs(check: HealthCheckDefinition): number {
  return Math.max(1, check.intervalSeconds ?? 60) * 1000;
}

/**
 * When the first check of probe `key` (`<taskId>/<type>`) runs if it is already due when added: a whole number
 * of ms in `[0, intervalMs)`, fixed by the key (FNV-1a), so checks due together (a scheduler restart over
 * thousands of Running taskgroups) are spread over the interval instead of run in one burst every interval.
 * Deterministic: core uses no randomness.
 */
export function firstCheckJitterMs(key: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 0x1_0000_0000) * intervalMs);
}

/** One remote check of one task, while its taskgroup runs. */
interface Probe {
  readonly key: string;
  readonly taskGroupId: string;
  readonly taskId: string;
  readonly type: RemoteCheckType;
  readonly check: HealthCheckDefinition;
  /** Epoch ms the taskgroup started running: delay and grace count from it. */
  readonly startedAt: number;
  /** Failures in a row outside the grace period. */
  failures: number;
  /** Whether a check passed since the taskgroup started (failures then count even in the grace period). */
  passed: boolean;
  cancel: CancelTimer | undefined;
  stopped: boolean;
}

/** A check's outcome, waiting to be recorded by the engine. */
interface ProbeResult {
  readonly probe: Probe;
  readonly result: boolean;
  readonly message: string;
}

/**
 * Runs the REMOTE_HTTP and REMOTE_TCP checks of every Running taskgroup (issue 13 §1), against the
 * taskgroup's host and port (`remote-target.ts`), through the Outbound port:
 *
 * - **When.** The first check `delaySeconds` after the taskgroup started Running, then every `intervalSeconds`
 *   (timers on the Clock port); each waits at most `timeoutSeconds`. A check already due when it is added
 *   (the scheduler restarting over Running taskgroups, a taskgroup running again, `delaySeconds` 0) runs
 *   within one interval instead, at a share of it fixed by the task id ({@link firstCheckJitterMs}), so
 *   thousands of them are spread over the interval rather than run in one burst every interval. A taskgroup
 *   that is not Running (Lost, Unreachable, Killing, being killed, ended) is not checked; checks resume when it
 *   runs again.
 * - **Grace.** Failures within `gracePeriodSeconds` of the start are ignored until a check has passed (the
 *   health stays unknown, never unhealthy, while the application starts; Nomad #9431).
 * - **Verdict.** A pass → healthy; a failure outside the grace period → unhealthy, with the reason as its
 *   message, and counted: `consecutiveFailures` in a row is what a health restart waits for (§2).
 * - **Never in the queue.** Calls run outside the engine's queue; results are recorded in batches, one
 *   engine turn per batch, and only a change of result or message is written (a repeated pass costs nothing).
 * - **Bounded.** At most `maxConcurrent` calls in flight; the others wait in arrival order.
 *
 * Only the scheduler that runs the engine runs checks (one per cluster; Marathon #356).
 */
@injectable()
export class RemoteHealthChecker implements AsyncDisposable {
  private readonly probes = new Map<string, Probe>();
  /** taskgroup id → the keys of its probes. */
  private readonly byTaskGroup = new Map<string, Set<string>>();
  private readonly waiting: Probe[] = [];
  private inFlight = 0;
  private results: ProbeResult[] = [];
  private flushQueued = false;
  private readonly maxConcurrent: number;
  private stopListening: (() => void) | undefined;
  /** `<ns>/<app>` → epoch ms of its health restarts in the current window (in memory: a restart forgets). */
  private readonly restartsAt = new Map<string, number[]>();
  private started = false;
  private disposed = false;

  constructor(
    @inject(SchedulerEngine) private readonly engine: RemoteCheckPorts,
    @inject(OutboundToken) private readonly outbound: Outbound,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(HealthCheckOptionsToken) options: HealthCheckOptions,
  ) {
    const max = options.maxConcurrent ?? 64;
    if (!Number.isInteger(max) || max < 1 || max > 256) {
      throw new RangeError('healthChecks.maxConcurrent must be a whole number from 1 to 256');
    }
    this.maxConcurrent = max;
  }

  /** Checks in flight now (tests, benchmarks). */
  get active(): number {
    return this.inFlight;
  }

  /** Remote checks scheduled now, one per task and remote check type of a Running taskgroup. */
  get scheduled(): number {
    return this.probes.size;
  }

  /** Starts checking every Running taskgroup, and follows the engine's commits. Call after `engine.start()`. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    // Without an outbound adapter nothing can be reached: the checks are not run (rather than failing every
    // instance); results still come from outside reporters (POST /healthcheck), as with the original's
    // separate bcs-health.
    if (this.outbound === unavailableOutbound) {
      this.engine.logger.info({}, 'no outbound adapter: remote health checks are not run');
      return;
    }
    this.stopListening = this.engine.onCommit((changes) => {
      for (const taskGroup of changes.removedTaskGroups) this.untrack(taskGroup.id);
      for (const removed of changes.removedApps) for (const id of removed.taskGroupIds) this.untrack(id);
      for (const taskGroup of changes.taskGroups.values()) this.follow(taskGroup);
    });
    for (const { taskGroup } of this.engine.state.allTaskGroups()) this.follow(taskGroup);
  }

  /** Stops every timer; checks in flight finish unrecorded. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stopListening?.();
    for (const id of [...this.byTaskGroup.keys()]) this.untrack(id);
    this.waiting.length = 0;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Starts, keeps or stops the probes of `taskGroup` after a change. */
  private follow(taskGroup: TaskGroup): void {
    if (this.disposed) return;
    const wanted = this.wantedChecks(taskGroup);
    const keys = this.byTaskGroup.get(taskGroup.id);
    if (wanted.length === 0) {
      if (keys !== undefined) this.untrack(taskGroup.id);
      return;
    }
    const wantedKeys = new Set(wanted.map((w) => w.key));
    for (const key of keys ?? []) {
      const probe = this.probes.get(key);
      // A version change (a resource update keeps the taskgroup) may change or drop a check: start over.
      const still = wanted.find((w) => w.key === key);
      if (probe !== undefined && (still === undefined || still.check !== probe.check)) this.stop(probe);
    }
    for (const want of wanted) {
      if (this.probes.has(want.key) && wantedKeys.has(want.key)) continue;
      this.add({
        key: want.key,
        taskGroupId: taskGroup.id,
        taskId: want.taskId,
        type: want.type,
        check: want.check,
        startedAt: taskGroup.startedAt ?? this.clock.now(),
        failures: 0,
        passed: false,
        cancel: undefined,
        stopped: false,
      });
    }
  }

  /** The remote checks `taskGroup` should have running now: none unless it is Running and not being killed. */
  private wantedChecks(
    taskGroup: TaskGroup,
  ): { key: string; taskId: string; type: RemoteCheckType; check: HealthCheckDefinition }[] {
    if (taskGroup.status !== 'Running' || taskGroup.killRequestedAt !== undefined) return [];
    const app = this.engine.state.get(taskGroup.namespace, taskGroup.appId);
    const version = app?.versions.get(taskGroup.versionId);
    if (version === undefined) return [];
    const wanted = [];
    for (const task of taskGroup.tasks) {
      const checks = version.containers[task.containerIndex]?.healthChecks ?? [];
      for (const type of ['REMOTE_HTTP', 'REMOTE_TCP'] as const) {
        const check = checks.find((c) => c.type === type);
        if (check !== undefined) wanted.push({ key: `${task.id}/${type}`, taskId: task.id, type, check });
      }
    }
    return wanted;
  }

  private add(probe: Probe): void {
    this.probes.set(probe.key, probe);
    let keys = this.byTaskGroup.get(probe.taskGroupId);
    if (keys === undefined) {
      keys = new Set();
      this.byTaskGroup.set(probe.taskGroupId, keys);
    }
    keys.add(probe.key);
    // A check already due when it is added (the checker starting over Running taskgroups, checks resuming) is
    // spread over its interval: a restart with 10,000 of them would otherwise run them all in one burst, and
    // again every interval after it.
    const first = probe.startedAt + (probe.check.delaySeconds ?? 0) * 1000 - this.clock.now();
    this.schedule(probe, first > 0 ? first : firstCheckJitterMs(probe.key, intervalMs(probe.check)));
  }

  private untrack(taskGroupId: string): void {
    const keys = this.byTaskGroup.get(taskGroupId);
    if (keys === undefined) return;
    for (const key of [...keys]) {
      const probe = this.probes.get(key);
      if (probe !== undefined) this.stop(probe);
    }
    this.byTaskGroup.delete(taskGroupId);
  }

  private stop(probe: Probe): void {
    probe.stopped = true;
    probe.cancel?.();
    probe.cancel = undefined;
    this.probes.delete(probe.key);
    this.byTaskGroup.get(probe.taskGroupId)?.delete(probe.key);
  }

  private schedule(probe: Probe, delayMs: number): void {
    if (probe.stopped || this.disposed) return;
    probe.cancel = this.clock.setTimer(delayMs, () => {
      probe.cancel = undefined;
      this.due(probe);
    });
  }

  /** A probe's time came: run it now if a slot is free, else queue it. */
  private due(probe: Probe): void {
    if (probe.stopped || this.disposed) return;
    if (this.inFlight >= this.maxConcurrent) {
      this.waiting.push(probe);
      return;
    }
    void this.runProbe(probe);
  }

  private async runProbe(probe: Probe): Promise<void> {
    this.inFlight++;
    let outcome: { passed: boolean; message: string };
    try {
      outcome = await this.call(probe);
    } finally {
      this.inFlight--;
      this.pump();
    }
    if (probe.stopped || this.disposed) return;
    this.judge(probe, outcome);
    this.schedule(probe, intervalMs(probe.check));
  }

  /** Starts waiting probes while slots are free. */
  private pump(): void {
    while (this.inFlight < this.maxConcurrent && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      if (!next.stopped && !this.disposed) void this.runProbe(next);
    }
  }

  /** The check's call and its verdict; never rejects. */
  private async call(probe: Probe): Promise<{ passed: boolean; message: string }> {
    const found = this.engine.state.findTaskGroup(probe.taskGroupId);
    const task = found?.taskGroup.tasks.find((t) => t.id === probe.taskId);
    if (found === undefined || task === undefined) return { passed: false, message: 'taskgroup gone' };
    const call = remoteCheckCall(probe.check, found.taskGroup, task);
    try {
      switch (call.kind) {
        case 'invalid':
          return { passed: false, message: `${probe.type}: ${call.problem}` };
        case 'tcp':
          await this.outbound.tcpConnect(call.request);
          return { passed: true, message: '' };
        case 'http': {
          const response = await this.outbound.http(call.request);
          return isPassingStatus(response.status)
            ? { passed: true, message: '' }
            : { passed: false, message: `${probe.type} ${call.target}: HTTP ${response.status}` };
        }
      }
    } catch (error) {
      const reason = isOutboundError(error) ? error.reason : 'network';
      const target = call.kind === 'invalid' ? '' : ` ${call.target}`;
      return { passed: false, message: `${probe.type}${target}: ${reason}` };
    }
  }

  /** Counts the outcome and queues the result to record (a failure in the grace period is not one). */
  private judge(probe: Probe, outcome: { passed: boolean; message: string }): void {
    if (outcome.passed) {
      probe.failures = 0;
      probe.passed = true;
    } else {
      const graceEnds = probe.startedAt + (probe.check.gracePeriodSeconds ?? 0) * 1000;
      if (!probe.passed && this.clock.now() < graceEnds) return;
      probe.failures++;
    }
    this.results.push({ probe, result: outcome.passed, message: outcome.message });
    this.queueFlush();
  }

  private queueFlush(): void {
    if (this.flushQueued || this.disposed) return;
    this.flushQueued = true;
    this.engine
      .run(() => this.flush())
      .catch((error: unknown) => {
        if (!this.disposed) this.engine.logger.error({ err: error }, 'recording health results failed');
      });
  }

  /**
   * Records the queued results in one commit (inside the engine's queue), then:
   *
   * 1. restarts the instances whose `restartOnUnhealthy` check failed `consecutiveFailures` times in a row,
   *    within their application's budget ({@link restartBudget} per window); past it, trips the application's
   *    breaker instead (no more health restarts; its message and an event say why);
   * 2. clears a tripped breaker once none of its application's Running instances is unhealthy;
   * 3. lets the affected applications' controllers decide (health gates updates; a killed instance is replaced).
   */
  private async flush(): Promise<void> {
    this.flushQueued = false;
    const batch = this.results.splice(0, MAX_RESULTS_PER_TURN);
    if (this.results.length > 0) setImmediate(() => this.queueFlush());
    if (this.disposed) return;
    const changes = new Changes();
    const affected = new Set<AppState>();
    const restart = new Map<string, { app: AppState; probe: Probe }>();
    const now = this.clock.now();
    for (const { probe, result, message } of batch) {
      if (probe.stopped) continue;
      const found = this.engine.state.findTaskGroup(probe.taskGroupId);
      if (found === undefined || found.taskGroup.status !== 'Running') continue;
      if (!result && wantsRestart(probe)) restart.set(probe.taskGroupId, { app: found.app, probe });
      const current = changes.taskGroups.get(probe.taskGroupId) ?? found.taskGroup;
      const tasks = current.tasks.map((t) => Object.assign({}, t));
      const task = tasks.find((t) => t.id === probe.taskId);
      if (task === undefined) continue;
      const version = found.app.versions.get(current.versionId);
      if (!withTaskHealth(task, version, { key: probe.type, result, message }, now)) continue;
      changes.putTaskGroup(Object.assign({}, current, { tasks }));
      affected.add(found.app);
    }
    const kills = this.planRestarts(restart, changes, now);
    for (const app of affected) this.resetBreaker(app, changes);
    for (const { app } of restart.values()) affected.add(app);
    await this.engine.commit(changes);
    for (const taskGroup of kills) await this.engine.killTaskGroup(taskGroup);
    // Health gates rolling updates and a killed instance is replaced: the controllers decide on the news.
    if (affected.size > 0) await this.engine.syncApps(affected);
  }

  /** Marks the instances to restart (within budget) and trips breakers; returns the taskgroups to kill. */
  private planRestarts(
    restart: ReadonlyMap<string, { app: AppState; probe: Probe }>,
    changes: Changes,
    now: number,
  ): TaskGroup[] {
    const kills: TaskGroup[] = [];
    for (const [taskGroupId, { app, probe }] of restart) {
      const key = appKey(app.app.namespace, app.app.id);
      const stored = changes.apps.get(key) ?? app.app;
      if (stored.healthBreaker !== undefined || stored.operation?.type === 'delete') continue;
      const recent = (this.restartsAt.get(key) ?? []).filter((at) => now - at < HEALTH_RESTART_WINDOW_MS);
      const budget = restartBudget(stored.desiredInstances);
      if (recent.length >= budget) {
        const message = `health restarts stopped: more than ${budget} instance(s) unhealthy within ${HEALTH_RESTART_WINDOW_MS / 1000} s (circuit breaker); unhealthy instances keep running`;
        const withMessage = stored.message === '' ? message : `${stored.message}; ${message}`;
        changes.putApp({
          ...stored,
          healthBreaker: { trippedAt: now, message },
          message: withMessage,
          updatedAt: now,
        });
        this.engine.logger.warn({ app: key, budget }, 'health restarts stopped: circuit breaker tripped');
        continue;
      }
      const current = changes.taskGroups.get(taskGroupId) ?? app.taskGroups.get(taskGroupId);
      if (current === undefined || current.killRequestedAt !== undefined) continue;
      recent.push(now);
      this.restartsAt.set(key, recent);
      const failing = current.tasks.find((t) => t.id === probe.taskId)?.health?.message;
      const killed = Object.assign({}, current, {
        killRequestedAt: now,
        rescheduleRequested: true,
        message: `restarting: ${probe.type} failed ${probe.failures} time(s) in a row${failing ? ` (${failing})` : ''}`,
        updatedAt: now,
      });
      changes.putTaskGroup(killed);
      kills.push(killed);
    }
    return kills;
  }

  /** Clears `app`'s tripped breaker when none of its Running instances is unhealthy any more. */
  private resetBreaker(app: AppState, changes: Changes): void {
    const key = appKey(app.app.namespace, app.app.id);
    const stored = changes.apps.get(key) ?? app.app;
    const breaker = stored.healthBreaker;
    if (breaker === undefined) return;
    for (const held of app.taskGroups.values()) {
      const taskGroup = changes.taskGroups.get(held.id) ?? held;
      if (taskGroup.status !== 'Running' || taskGroup.killRequestedAt !== undefined) continue;
      if (taskGroup.tasks.some((t) => t.health?.state === 'unhealthy')) return;
    }
    const { healthBreaker: _cleared, ...rest } = stored;
    const message = stored.message.replace(`; ${breaker.message}`, '').replace(breaker.message, '');
    changes.putApp({ ...rest, message, updatedAt: this.clock.now() });
  }
}

/** Whether a failed probe's check asks for a restart and has failed often enough (after grace). */
function wantsRestart(probe: Probe): boolean {
  return (
    probe.check.restartOnUnhealthy === true &&
    probe.failures >= Math.max(1, probe.check.consecutiveFailures ?? 0)
  );
}
