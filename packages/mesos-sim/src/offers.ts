import type { MesosFilters, MesosId, MesosOffer } from '@bcs/core';
import type { SimContext } from './context.js';
import type { SimAgent, SimOffer } from './model.js';
import { type Amounts, containsAmounts, isEmptyAmounts, isOfferable, toMesosResources } from './resources.js';

/** `filters.refuse_seconds` when absent or negative (spec/mesos-v1.md §6). */
export const DEFAULT_REFUSE_SECONDS = 5;
/** The cap Mesos puts on `refuse_seconds` (365 days). */
const MAX_REFUSE_SECONDS = 31_536_000;

/**
 * One offer round, O(agents): every agent without an outstanding offer, not filtered, with something
 * offerable gets one offer of all its unused resources. The offers go out as one OFFERS event in a seeded
 * shuffled order (real allocators shuffle agents too, so a scheduler must not depend on the order). Nothing is
 * offered to a suppressed or unsubscribed framework.
 */
export function runOfferRound(ctx: SimContext, only?: Iterable<SimAgent>): void {
  const framework = ctx.state.framework;
  if (framework === undefined || framework.suppressed || !ctx.subscribed()) return;
  const now = ctx.clock.now();
  const offers: MesosOffer[] = [];
  for (const agent of only ?? ctx.state.agents.values()) {
    if (agent.offerId !== undefined) continue;
    if (agent.filter !== undefined) {
      if (now < agent.filter.until && containsAmounts(agent.filter.refused, agent.free)) continue;
      agent.filter = undefined;
    }
    if (!isOfferable(agent.free)) continue;
    offers.push(makeOffer(ctx, agent));
  }
  if (offers.length === 0) return;
  ctx.touchMeta();
  ctx.emit({ type: 'OFFERS', offers: { offers: ctx.prng.shuffle(offers) } });
}

/** The outcome of {@link takeOffers}. */
export interface TakenOffers {
  /** The valid offers among the ids, now consumed. */
  readonly offers: readonly SimOffer[];
  /** Why the set is invalid (unknown, used or rescinded ids, duplicates, several agents, none at all). */
  readonly error: string | undefined;
}

/**
 * Consumes the offers an ACCEPT names. Each id is usable once: valid ones are removed whether or not the set
 * as a whole is valid (Mesos does the same), so naming one again is an unknown offer.
 */
export function takeOffers(ctx: SimContext, ids: readonly MesosId[]): TakenOffers {
  const offers: SimOffer[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const value = id?.value;
    if (seen.has(value)) {
      problems.push(`duplicate offer ${value}`);
      continue;
    }
    seen.add(value);
    const offer = ctx.state.offers.get(value);
    if (offer === undefined) {
      problems.push(`offer ${value} is no longer valid`);
      continue;
    }
    removeOffer(ctx, offer);
    offers.push(offer);
  }
  if (ids.length === 0) problems.push('no offers specified');
  if (new Set(offers.map((o) => o.agentId)).size > 1) problems.push('offers span several agents');
  return { offers, error: problems.length === 0 ? undefined : problems.join('; ') };
}

/** Handles DECLINE: known offers are consumed and filtered; unknown or used ids are ignored silently. */
export function declineOffers(ctx: SimContext, ids: readonly MesosId[], filters?: MesosFilters): void {
  for (const id of ids) {
    const offer = ctx.state.offers.get(id?.value);
    if (offer === undefined) continue;
    removeOffer(ctx, offer);
    refuse(ctx, offer.agentId, offer.amounts, filters);
  }
}

/**
 * Filters `refused` resources of an agent from the framework for `refuse_seconds` (default 5; negative means
 * the default; 0 means no filter): the agent is not offered again while all it has free lies within them.
 */
export function refuse(ctx: SimContext, agentId: string, refused: Amounts, filters?: MesosFilters): void {
  const agent = ctx.state.agents.get(agentId);
  const seconds = refuseSecondsOf(filters);
  if (agent === undefined || seconds === 0 || isEmptyAmounts(refused)) return;
  agent.filter = { until: ctx.clock.now() + seconds * 1000, refused };
}

/** Rescinds `offer` (its resources become offerable again, unfiltered). */
export function rescindOffer(ctx: SimContext, offer: SimOffer): void {
  removeOffer(ctx, offer);
  ctx.emit({ type: 'RESCIND', rescind: { offer_id: { value: offer.id } } });
}

/** Forgets every outstanding offer without RESCIND, as a master does when a subscription ends. */
export function dropAllOffers(ctx: SimContext): void {
  for (const offer of ctx.state.offers.values()) {
    const agent = ctx.state.agents.get(offer.agentId);
    if (agent !== undefined) agent.offerId = undefined;
  }
  ctx.state.offers.clear();
}

/** `filters.refuse_seconds` as Mesos reads it. */
export function refuseSecondsOf(filters?: MesosFilters): number {
  const seconds = filters?.refuse_seconds;
  if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds < 0) return DEFAULT_REFUSE_SECONDS;
  return Math.min(seconds, MAX_REFUSE_SECONDS);
}

function removeOffer(ctx: SimContext, offer: SimOffer): void {
  ctx.state.offers.delete(offer.id);
  const agent = ctx.state.agents.get(offer.agentId);
  if (agent?.offerId === offer.id) agent.offerId = undefined;
}

function makeOffer(ctx: SimContext, agent: SimAgent): MesosOffer {
  const framework = ctx.state.framework!;
  const id = `${ctx.state.masterId}-O${ctx.state.counters.offer++}`;
  agent.offerId = id;
  const role = framework.allocationRole;
  const executorIds = [...agent.groups.keys()].map((value) => ({ value }));
  const body = {
    id: { value: id },
    framework_id: { value: framework.id },
    agent_id: { value: agent.id },
    hostname: agent.hostname,
    url: {
      scheme: 'http',
      address: { hostname: agent.hostname, ip: agent.innerIp, port: 5051 },
      path: '/slave(1)',
    },
    resources: toMesosResources(agent.free, role),
    attributes: agent.attributes,
    ...(executorIds.length > 0 ? { executor_ids: executorIds } : {}),
    ...(role === undefined ? {} : { allocation_info: { role } }),
  };
  ctx.state.offers.set(id, { id, agentId: agent.id, amounts: agent.free, body });
  return body;
}
