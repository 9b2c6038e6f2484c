import type { KillBody, MesosCall, MessageBody } from '@bcs/core';
import { groupOf, type SimContext } from './context.js';
import { acceptOffers } from './launch.js';
import { declineOffers } from './offers.js';
import { isUuidBase64 } from './prng.js';
import { reconcileTasks, unknownTaskStatus } from './reconcile.js';
import { acknowledge } from './status-updates.js';
import { killGroup, killTask } from './task-lifecycle.js';
import type { SimMessage } from './types.js';

/** What a call may do beyond the shared context: subscription-level effects owned by `SimulatedCluster`. */
export interface CallEffects {
  /** REVIVE: clear filters and suppression, then offer at once. */
  revive(): void;
  /** TEARDOWN: remove the framework and close the stream without an event. */
  teardown(): void;
  /** MESSAGE delivered to an executor. */
  delivered(message: SimMessage): void;
}

const TYPES = new Set([
  'ACCEPT',
  'DECLINE',
  'REVIVE',
  'SUPPRESS',
  'KILL',
  'SHUTDOWN',
  'ACKNOWLEDGE',
  'RECONCILE',
  'MESSAGE',
  'TEARDOWN',
]);

/**
 * The reason Mesos would answer `call` with 400, or `undefined` when it would answer 202: an unknown type, a
 * missing type sub-message or id, or an ACKNOWLEDGE `uuid` that is not base64 of a 16-byte RFC 4122 UUID
 * (spec/mesos-v1.md §1).
 */
export function checkCall(call: MesosCall): string | undefined {
  if (!TYPES.has(call?.type)) return `unknown call type ${JSON.stringify(call?.type)}`;
  switch (call.type) {
    case 'ACCEPT':
      return Array.isArray(call.accept?.offer_ids) ? undefined : 'ACCEPT needs accept.offer_ids';
    case 'DECLINE':
      return Array.isArray(call.decline?.offer_ids) ? undefined : 'DECLINE needs decline.offer_ids';
    case 'KILL':
      return isId(call.kill?.task_id) ? undefined : 'KILL needs kill.task_id';
    case 'SHUTDOWN':
      return isId(call.shutdown?.executor_id) && isId(call.shutdown?.agent_id)
        ? undefined
        : 'SHUTDOWN needs executor_id and agent_id';
    case 'ACKNOWLEDGE': {
      const ack = call.acknowledge;
      if (!isId(ack?.task_id) || !isId(ack?.agent_id)) return 'ACKNOWLEDGE needs task_id and agent_id';
      return typeof ack.uuid === 'string' && isUuidBase64(ack.uuid) ? undefined : 'Invalid UUID';
    }
    case 'RECONCILE':
      return Array.isArray(call.reconcile?.tasks) ? undefined : 'RECONCILE needs reconcile.tasks';
    case 'MESSAGE': {
      const m = call.message;
      return isId(m?.agent_id) && isId(m?.executor_id) && typeof m?.data === 'string'
        ? undefined
        : 'MESSAGE needs agent_id, executor_id and data';
    }
    default:
      return undefined;
  }
}

/** Applies a checked call from the subscribed framework. */
export function dispatchCall(ctx: SimContext, call: MesosCall, effects: CallEffects): void {
  switch (call.type) {
    case 'ACCEPT':
      acceptOffers(ctx, call.accept);
      return;
    case 'DECLINE':
      declineOffers(ctx, call.decline.offer_ids, call.decline.filters);
      return;
    case 'REVIVE':
      effects.revive();
      return;
    case 'SUPPRESS':
      if (ctx.state.framework !== undefined) ctx.state.framework.suppressed = true;
      return;
    case 'KILL':
      kill(ctx, call.kill);
      return;
    case 'SHUTDOWN': {
      const group = ctx.state.agents
        .get(call.shutdown.agent_id.value)
        ?.groups.get(call.shutdown.executor_id.value);
      if (group !== undefined) killGroup(ctx, group);
      return;
    }
    case 'ACKNOWLEDGE':
      acknowledge(ctx, call.acknowledge.task_id.value, call.acknowledge.uuid);
      return;
    case 'RECONCILE':
      reconcileTasks(ctx, call.reconcile.tasks);
      return;
    case 'MESSAGE':
      message(ctx, call.message, effects);
      return;
    case 'TEARDOWN':
      effects.teardown();
      return;
  }
}

/**
 * KILL: an unknown task is answered like an explicit reconciliation; with the DEFAULT executor the whole group
 * dies (spec/mesos-v1.md §4). The call's `kill_policy` overrides the tasks' own grace periods; a wrong
 * `agent_id` is ignored.
 */
function kill(ctx: SimContext, body: KillBody): void {
  const task = ctx.state.tasks.get(body.task_id.value);
  if (task === undefined) {
    ctx.emit({ type: 'UPDATE', update: { status: unknownTaskStatus(ctx, body.task_id, body.agent_id) } });
    return;
  }
  const nanos = body.kill_policy?.grace_period?.nanoseconds;
  const grace = typeof nanos === 'number' && nanos >= 0 ? nanos / 1e6 : undefined;
  const group = groupOf(ctx, task);
  if (group !== undefined && group.executor.type === 'DEFAULT') killGroup(ctx, group, grace);
  else killTask(ctx, task, grace ?? task.killGraceMs ?? ctx.settings.killGraceMs);
}

/** MESSAGE reaches a running executor; one that is missing drops it silently (best-effort delivery). */
function message(ctx: SimContext, body: MessageBody, effects: CallEffects): void {
  const group = ctx.state.agents.get(body.agent_id.value)?.groups.get(body.executor_id.value);
  if (group === undefined) return;
  effects.delivered({
    agentId: group.agentId,
    executorId: group.executorId,
    data: body.data,
    at: ctx.clock.now(),
  });
}

function isId(id: { readonly value?: unknown } | undefined): boolean {
  return typeof id?.value === 'string' && id.value !== '';
}
