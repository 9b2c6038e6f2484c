import { type MesosTaskState, type MesosTaskStatus, TERMINAL_TASK_STATES } from '@bcs/core';
import { groupOf, type SimContext, timestampOf, updateEvent } from './context.js';
import { forgetTask } from './groups.js';
import type { SimTask } from './model.js';

/** The first resend of an unacknowledged update comes this long after sending it (spec/mesos-v1.md §7). */
export const RESEND_FIRST_MS = 10_000;
/** Resends back off by doubling up to this interval. */
export const RESEND_MAX_MS = 600_000;

/**
 * An executor update for `task`: `SOURCE_EXECUTOR`, the task's agent and executor, the clock as timestamp and
 * a fresh v4 uuid from the seeded PRNG. `extra` fields override (an injected `uuid` included).
 */
export function executorStatus(
  ctx: SimContext,
  task: SimTask,
  state: MesosTaskState,
  extra: Partial<MesosTaskStatus> = {},
): MesosTaskStatus {
  return {
    task_id: { value: task.id },
    state,
    source: 'SOURCE_EXECUTOR',
    agent_id: { value: task.agentId },
    executor_id: { value: task.executorId },
    timestamp: timestampOf(ctx),
    uuid: ctx.prng.uuidBase64(),
    ...extra,
  };
}

/**
 * Appends `status` to the task's update queue. The master learns the new state at once (reconciliation may be
 * ahead of delivery); the update itself is sent only when it reaches the head, i.e. once every earlier one is
 * acknowledged.
 */
export function enqueueUpdate(ctx: SimContext, task: SimTask, status: MesosTaskStatus): void {
  task.queue.push(status);
  task.state = status.state;
  if (status.healthy !== undefined) task.healthy = status.healthy;
  const group = groupOf(ctx, task);
  if (group !== undefined) ctx.touchGroup(group);
  if (task.queue.length === 1) sendHead(ctx, task);
}

/** Sends the head of the task's queue (if any) and schedules its first resend. */
export function sendHead(ctx: SimContext, task: SimTask): void {
  const head = task.queue[0];
  task.retry = undefined;
  if (head === undefined || !ctx.subscribed()) return;
  ctx.emit(updateEvent(head));
  armResend(ctx, task, RESEND_FIRST_MS);
}

/** Resends every unacknowledged head, as the master does right after a (re)subscription. */
export function resendHeads(ctx: SimContext): void {
  for (const task of ctx.state.tasks.values()) sendHead(ctx, task);
}

/**
 * Handles ACKNOWLEDGE: a uuid matching the head pops it and sends the next update; a terminal head, once
 * acknowledged, removes the task from the master. Anything else (unknown task, stale or unknown uuid) is
 * ignored, as Mesos answers 202 and does nothing.
 */
export function acknowledge(ctx: SimContext, taskId: string, uuid: string): void {
  const task = ctx.state.tasks.get(taskId);
  const head = task?.queue[0];
  if (task === undefined || head === undefined || head.uuid !== padBase64(uuid)) return;
  task.queue.shift();
  task.retry = undefined;
  const group = groupOf(ctx, task);
  if (group !== undefined) ctx.touchGroup(group);
  if (TERMINAL_TASK_STATES.has(head.state)) forgetTask(ctx, task);
  else sendHead(ctx, task);
}

function armResend(ctx: SimContext, task: SimTask, backoffMs: number): void {
  const retry = { at: ctx.clock.now() + backoffMs, backoffMs };
  task.retry = retry;
  ctx.timeline.at(retry.at, () => {
    if (task.retry !== retry || ctx.state.tasks.get(task.id) !== task) return;
    task.retry = undefined;
    const head = task.queue[0];
    if (head === undefined || !ctx.subscribed()) return;
    ctx.emit(updateEvent(head));
    armResend(ctx, task, Math.min(backoffMs * 2, RESEND_MAX_MS));
  });
}

/** Base64 padding is optional on input (spec/mesos-v1.md §2); stored uuids are padded. */
function padBase64(text: string): string {
  return text.length % 4 === 0 ? text : text.padEnd(text.length + 4 - (text.length % 4), '=');
}
