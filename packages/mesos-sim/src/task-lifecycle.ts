import { type MesosTaskState, type MesosTaskStatus, TERMINAL_TASK_STATES } from '@bcs/core';
import { groupOf, type SimContext } from './context.js';
import { tasksOf } from './groups.js';
import type { SimGroup, SimTask, TaskStep } from './model.js';
import { enqueueUpdate, executorStatus } from './status-updates.js';
import type { SimScript } from './types.js';

/**
 * The default-executor emulation (spec/mesos-v1.md §9 "Default executor at runtime"), as data: each task has
 * at most one pending {@link TaskStep}; running it reports an update and picks the next step from the task's
 * script. Steps due "now" run at once, so with `startupMs: 0` a launch reports STARTING and RUNNING before the
 * ACCEPT call returns (delivery is still later and ACK-gated).
 *
 *   STAGING ─startupMs→ STARTING ─startupMs→ RUNNING ─script ms→ FINISHED | FAILED | RUNNING(unhealthy)
 *                          └─ fail-at-start → FAILED        never-start: stays STARTING
 *   kill: STAGING → KILLED at once; otherwise [KILLING] ─grace→ KILLED
 */

/** Starts a freshly launched (STAGING) task. */
export function startTask(ctx: SimContext, task: SimTask): void {
  scheduleStep(ctx, task, ctx.settings.startupMs, 'starting');
}

/** Re-arms the pending step of a task loaded from the store (overdue steps run on the next tick). */
export function armStep(ctx: SimContext, task: SimTask): void {
  const next = task.next;
  if (next === undefined) return;
  ctx.timeline.at(next.at, () => {
    if (task.next !== next || ctx.state.tasks.get(task.id) !== task) return;
    task.next = undefined;
    runStep(ctx, task, next.step);
  });
}

/**
 * Kills `task` with `graceMs`: a task still STAGING gets TASK_KILLED at once (from the agent, reason
 * `REASON_TASK_KILLED_DURING_LAUNCH`); otherwise TASK_KILLING (only for frameworks with the
 * `TASK_KILLING_STATE` capability) and TASK_KILLED after the grace period. A task already dying keeps its
 * schedule unless this grace ends sooner (a KILL with a shorter `kill_policy` forces it); terminal tasks are
 * left alone.
 */
export function killTask(ctx: SimContext, task: SimTask, graceMs: number): void {
  if (TERMINAL_TASK_STATES.has(task.state)) return;
  if (task.state === 'TASK_STAGING') {
    task.next = undefined;
    report(ctx, task, 'TASK_KILLED', {
      source: 'SOURCE_AGENT',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      message: 'Task killed before it was started',
    });
    return;
  }
  if (task.next?.step === 'killed') {
    if (ctx.clock.now() + graceMs < task.next.at) scheduleStep(ctx, task, graceMs, 'killed');
    return;
  }
  if (task.state !== 'TASK_KILLING' && ctx.state.framework?.killingState === true)
    report(ctx, task, 'TASK_KILLING');
  scheduleStep(ctx, task, graceMs, 'killed');
}

/**
 * Kills every task of `group`, as the default executor does when one of them is killed or fails. The grace
 * period is `graceMs` when given (a KILL call's `kill_policy`), else each task's own, else the cluster default.
 */
export function killGroup(ctx: SimContext, group: SimGroup, graceMs?: number): void {
  for (const task of tasksOf(group))
    killTask(ctx, task, graceMs ?? task.killGraceMs ?? ctx.settings.killGraceMs);
}

/** The script of the first matching key: an exact match, else the longest key `image` contains. */
export function resolveScript(
  scripts: Readonly<Record<string, SimScript>>,
  image: string | undefined,
): SimScript | undefined {
  if (image === undefined) return undefined;
  if (Object.hasOwn(scripts, image)) return scripts[image];
  let best: string | undefined;
  for (const key of Object.keys(scripts)) {
    if (key !== '' && image.includes(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : scripts[best];
}

function scheduleStep(ctx: SimContext, task: SimTask, delayMs: number, step: TaskStep): void {
  if (delayMs <= 0) {
    task.next = undefined;
    runStep(ctx, task, step);
    return;
  }
  task.next = { at: ctx.clock.now() + delayMs, step };
  touch(ctx, task);
  armStep(ctx, task);
}

function runStep(ctx: SimContext, task: SimTask, step: TaskStep): void {
  const script = task.script;
  switch (step) {
    case 'starting':
      report(ctx, task, 'TASK_STARTING');
      if (script?.kind === 'fail-at-start') scheduleStep(ctx, task, ctx.settings.startupMs, 'fail-start');
      else if (script?.kind !== 'never-start') scheduleStep(ctx, task, ctx.settings.startupMs, 'running');
      return;
    case 'running':
      report(ctx, task, 'TASK_RUNNING', runningExtras(ctx, task));
      if (script?.kind === 'finish-after') scheduleStep(ctx, task, script.ms, 'finish');
      else if (script?.kind === 'crash-after') scheduleStep(ctx, task, script.ms, 'crash');
      else if (script?.kind === 'unhealthy-after') scheduleStep(ctx, task, script.ms, 'unhealthy');
      return;
    case 'unhealthy':
      report(ctx, task, 'TASK_RUNNING', {
        healthy: false,
        reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
      });
      return;
    case 'finish':
      report(ctx, task, 'TASK_FINISHED', { message: 'Command exited with status 0' });
      return;
    case 'crash':
    case 'fail-start':
      fail(ctx, task, script);
      return;
    case 'killed':
      report(ctx, task, 'TASK_KILLED', { message: 'Command terminated with signal Terminated' });
      return;
  }
}

/** FAILED, then the default executor kills the rest of the group. */
function fail(ctx: SimContext, task: SimTask, script: SimScript | undefined): void {
  const atStart = script?.kind === 'fail-at-start';
  const custom = script?.kind === 'fail-at-start' || script?.kind === 'crash-after' ? script : undefined;
  const reason = custom?.reason ?? (atStart ? 'REASON_CONTAINER_LAUNCH_FAILED' : undefined);
  const message =
    custom?.message ?? (atStart ? 'Failed to launch container' : 'Command exited with status 1');
  report(ctx, task, 'TASK_FAILED', reason === undefined ? { message } : { message, reason });
  const group = groupOf(ctx, task);
  if (group === undefined) return;
  group.failed = true;
  killGroup(ctx, group);
}

function runningExtras(ctx: SimContext, task: SimTask): Partial<MesosTaskStatus> {
  const ip = ctx.state.agents.get(task.agentId)?.innerIp;
  const extras: Partial<MesosTaskStatus> =
    ip === undefined
      ? {}
      : { container_status: { network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: ip }] }] } };
  if (task.script?.kind === 'unhealthy') return { ...extras, healthy: false };
  return task.healthCheck || task.script?.kind === 'unhealthy-after' ? { ...extras, healthy: true } : extras;
}

function report(
  ctx: SimContext,
  task: SimTask,
  state: MesosTaskState,
  extra?: Partial<MesosTaskStatus>,
): void {
  enqueueUpdate(ctx, task, executorStatus(ctx, task, state, extra));
}

function touch(ctx: SimContext, task: SimTask): void {
  const group = groupOf(ctx, task);
  if (group !== undefined) ctx.touchGroup(group);
}
