import type { MesosLaunchGroupOperation, MesosOffer } from '../ports/mesos-driver.js';
import type { Task, TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { createSchedulingContext, type SchedulingContext } from '../scheduler/context.js';
import { buildLaunchGroup } from '../scheduler/launch.js';
import { type PooledOffer, toPooledOffer } from '../scheduler/offer.js';
import {
  isNoFit,
  type Placement,
  type PlacementRequest,
  placeTaskGroup,
  planPlacements,
} from '../scheduler/placement.js';
import { type DataObjects, hasDataRefs, readDataObjects } from './data-objects.js';
import type {
  AppSync,
  ClockAndIds,
  ClusterView,
  Committer,
  LogSource,
  MesosCalls,
  OfferPool,
  StateSource,
  StoreSource,
} from './ports.js';
import { type AppState, Changes } from './state.js';

/**
 * What a placement pass uses of the engine: the offer pool, a read-only state, the committer, the Mesos calls,
 * the controller (to recompute the touched apps and to ask for the next pass), the clock, the store (to read
 * configmaps and secrets) and the logger.
 */
export type PlacementPorts = OfferPool &
  StateSource &
  Committer &
  MesosCalls &
  AppSync &
  ClockAndIds &
  StoreSource &
  LogSource;

/** A taskgroup placed on an offer, as stored, with where it goes. */
interface Launch {
  readonly taskGroup: TaskGroup;
  readonly placement: Placement;
}

/** What one pass decided: taskgroups to store and the apps it touched (its launches go to its round). */
interface PassResult {
  readonly changes: Changes;
  readonly touched: Set<AppState>;
  /** Set when the pass stopped at its {@link placementBudget} with taskgroups left to try. */
  deferred: boolean;
}

/**
 * The most taskgroups one pass places when `pending` are waiting: 250, or a 40th of them when that is more.
 * A pass is one turn of the engine's queue and placing costs some 0.5 ms a taskgroup with the simulated
 * cluster in the same process (decide, persist, launch), so 250 keep a turn near 100 ms; the rest are placed
 * by the next pass, a queue turn of its own, with what is left of the same offers (issue 9 §0: 3 600
 * placements in one pass held every other request for seconds). Past 10 000 waiting, each pass takes a 40th,
 * so the passes' fixed cost (every pass visits every Pending taskgroup) stays linear.
 *
 * Example: 100 waiting → 250; 10 000 → 250; 40 000 → 1 000.
 */
export function placementBudget(pending: number): number {
  return Math.max(250, Math.ceil(pending / 40));
}

/**
 * One placement pass over the offer pool (spec/bcs-behaviour.md §3, with §15.5 fixed: several taskgroups may
 * share an offer):
 *
 * 1. collect Pending taskgroups whose back-off has passed, per application, lowest index first;
 * 2. normalise the pooled offers with the agent settings (disabled agents, taints, custom attributes);
 * 3. place each application's taskgroups with the pure pipeline; later apps see what earlier ones consumed;
 * 4. store every placed taskgroup (Staging, with its agent and ports) and every new no-fit reason in ONE batch;
 * 5. only then (at the round's end) read the configmaps and secrets the placed versions reference (none read
 *    when none is referenced), ACCEPT each used offer with its LAUNCH_GROUP operations, and DECLINE the unused
 *    ones, outside the queue (see {@link launchAndDecline}); when the pass stopped at its {@link placementBudget}, the round goes on with what is left of the
 *    same offers in the next pass, queued at once behind other work, and the ACCEPTs wait for the round's end;
 * 6. let each touched application's controller recompute its status (one batch for all of them).
 *
 * The LAUNCH_GROUP operations are built offer by offer as they are sent, not with the placements: for
 * 100 000 placements they weigh a few hundred MB, which need not be held while the batch is written.
 */
export async function runPlacementPass(engine: PlacementPorts): Promise<void> {
  let round = rounds.get(engine);
  rounds.delete(engine);
  if (round === undefined) {
    const offers = engine.takeOffers();
    if (offers.length === 0) return;
    const pool = offers.map((offer) => toPooledOffer(offer, settingOf(engine, offer)));
    round = { offers, pool, launches: new Map() };
  }
  const pending = collectPending(engine);
  if (pending.size === 0 || engine.frameworkId === undefined) {
    await launchAndDecline(engine, round);
    return;
  }
  const result = placeAll(engine, pending, round);
  await engine.commit(result.changes);
  if (result.deferred) {
    // The round goes on in the next pass, a queue turn of its own behind whatever was queued meanwhile, with
    // what is left of the same offers; the launches wait for its end (one ACCEPT per offer). Offers that
    // arrive meanwhile wait for the round's end.
    rounds.set(engine, round);
    engine.requestPlacement();
  } else {
    await launchAndDecline(engine, round);
  }
  await engine.syncApps(result.touched);
}

/**
 * An offer round placed over several passes (see {@link placementBudget}): the offers taken from the pool,
 * what is left of them, and the launches decided so far per offer id.
 */
interface OfferRound {
  readonly offers: readonly MesosOffer[];
  pool: PooledOffer[];
  readonly launches: Map<string, Launch[]>;
}

/** The round each engine (by its offer pool) is in the middle of, if any. */
const rounds = new WeakMap<OfferPool, OfferRound>();

/**
 * Launches handed to the driver between two yields to the event loop at a round's end. A round of 10 000
 * placements launches them all at once (one ACCEPT per offer); building their LAUNCH_GROUPs and handing them
 * to the driver (the simulated cluster takes them in the same process) held the event loop for about a
 * second (issue 9 §0). Yielding every 500 lets requests that need no queue turn (GETs) be answered meanwhile.
 */
export const LAUNCHES_PER_YIELD = 500;

/**
 * ACCEPTs of a round handed to the driver and not answered yet, at most. The driver sends several at once
 * (`@bcs/mesos-http`: 8 connections); a few more waiting keep its connections busy, and the LAUNCH_GROUPs
 * (a few hundred MB for 100 000 placements) are built only as slots free up, not all at once.
 */
export const ACCEPTS_IN_FLIGHT = 64;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * ACCEPTs each used offer of `round` with its launches and DECLINEs the unused ones. The configmaps and secrets
 * are read in the pass's queue turn; the calls are sent outside it (`sendLaunches`): the placements are
 * persisted already, and a round of 10 000 offers is thousands of round trips over the wire, during which the
 * engine goes on applying status updates. An ACCEPT that fails is logged and its tasks join reconciliation
 * (`send`); a KILL or RECONCILE made meanwhile waits for the round's launches.
 */
async function launchAndDecline(engine: PlacementPorts, round: OfferRound): Promise<void> {
  // Configmaps and secrets are read once per version, when the launches are built.
  const data = new Map<Version, DataObjects | undefined>();
  const versions = new Set<Version>();
  for (const launches of round.launches.values()) {
    for (const { placement } of launches) versions.add(placement.request.version);
  }
  for (const version of versions) await readDataOnce(engine, version, data);
  engine.sendLaunches(async () => {
    const inFlight = new Set<Promise<void>>();
    let sinceYield = 0;
    for (const [offerId, launches] of round.launches) {
      if (sinceYield >= LAUNCHES_PER_YIELD) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
      sinceYield += launches.length;
      const operations = launches.map((launch) =>
        launchGroupOf(engine, launch, data.get(launch.placement.request.version)),
      );
      const sent = engine.send({
        type: 'ACCEPT',
        accept: { offer_ids: [{ value: offerId }], operations, filters: { refuse_seconds: 1 } },
      });
      inFlight.add(sent);
      void sent.then(() => inFlight.delete(sent));
      if (inFlight.size >= ACCEPTS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await decline(
      engine,
      round.offers.filter((offer) => !round.launches.has(offer.id.value)),
    );
    await Promise.all(inFlight);
  });
}

/** The LAUNCH_GROUP operation of a stored launch, with the configmaps and secrets its containers get. */
function launchGroupOf(
  engine: OfferPool & MesosCalls,
  { taskGroup, placement }: Launch,
  data: DataObjects | undefined,
): MesosLaunchGroupOperation {
  return buildLaunchGroup({
    taskGroupId: taskGroup.id,
    taskIds: taskGroup.tasks.map((t) => t.id),
    version: placement.request.version,
    placement,
    frameworkId: engine.frameworkId!,
    executor: engine.executor,
    ...(data === undefined ? {} : { data }),
  });
}

/**
 * Reads, for one version of a pass, the configmaps and secrets `version`'s containers reference: their
 * content as it is now, so a taskgroup launched after a configmap changed gets the new content (running ones
 * keep theirs). One that is gone (deleted with `force`) is logged and left out.
 */
async function readDataOnce(
  engine: StoreSource & LogSource,
  version: Version,
  cache: Map<Version, DataObjects | undefined>,
): Promise<void> {
  if (!hasDataRefs(version.containers)) {
    cache.set(version, undefined);
    return;
  }
  const objects = await readDataObjects(engine.store, version.namespace, version.containers);
  for (const container of version.containers) {
    const missing = [
      ...(container.configMaps ?? [])
        .filter((r) => !objects.configMaps.has(r.name))
        .map((r) => `configmap ${r.name}`),
      ...(container.secrets ?? [])
        .filter((r) => !objects.secrets.has(r.secretName))
        .map((r) => `secret ${r.secretName}`),
    ];
    if (missing.length > 0) {
      engine.logger.warn(
        { app: `${version.namespace}/${version.appId}`, container: container.name, missing },
        'launching without referenced data that no longer exists',
      );
    }
  }
  cache.set(version, objects);
}

/** Pending taskgroups past their back-off, per application in the state's order, lowest index first. */
function collectPending(engine: StateSource & ClockAndIds): Map<AppState, TaskGroup[]> {
  const now = engine.clock.now();
  const pending = new Map<AppState, TaskGroup[]>();
  for (const [key, app] of engine.state.apps) {
    const waiting = engine.state.pending.get(key);
    if (waiting === undefined || app.app.operation?.type === 'delete') continue;
    const list: TaskGroup[] = [];
    for (const taskGroup of waiting.values()) if ((taskGroup.notBefore ?? 0) <= now) list.push(taskGroup);
    if (list.length === 0) continue;
    pending.set(
      app,
      list.sort((a, b) => a.index - b.index),
    );
  }
  return pending;
}

function placeAll(
  engine: StateSource & ClockAndIds & ClusterView,
  pending: Map<AppState, TaskGroup[]>,
  round: OfferRound,
): PassResult {
  const now = engine.clock.now();
  let pool = round.pool;
  const live = [...engine.state.live.values()];
  const result: PassResult = { changes: new Changes(), touched: new Set(), deferred: false };
  let waiting = 0;
  for (const taskGroups of pending.values()) waiting += taskGroups.length;
  let budget = placementBudget(waiting);
  // No-fit messages rewritten this pass, lowest index first, at most a budget's worth: when the reason changes
  // (it names the agent that may fit), rewriting all of 10 000 Pending taskgroups would make the pass as long
  // as the placements it bounds. The others get the new reason in the next passes.
  let messages = budget;
  for (const [app, taskGroups] of pending) {
    if (budget === 0) {
      result.deferred = true;
      break;
    }
    const requests: PlacementRequest[] = [];
    const byIndex = new Map<number, TaskGroup>();
    for (const taskGroup of taskGroups) {
      const version = app.versions.get(taskGroup.versionId);
      if (version === undefined) continue;
      byIndex.set(taskGroup.index, taskGroup);
      requests.push({
        appId: app.app.id,
        namespace: app.app.namespace,
        index: taskGroup.index,
        version,
        ...(taskGroup.retainHost === undefined ? {} : { retainHost: taskGroup.retainHost }),
        ...(taskGroup.retainHostUntil === undefined ? {} : { retainHostUntil: taskGroup.retainHostUntil }),
      });
    }
    const ctx = createSchedulingContext({
      appId: app.app.id,
      namespace: app.app.namespace,
      now,
      live,
      appLabels: (namespace, appId) => {
        const other = engine.state.get(namespace, appId);
        return other?.versions.get(other.app.versionId)?.labels;
      },
    });
    const plan = planPlacements(requests, pool, ctx, budget);
    pool = plan.offers;
    budget -= plan.placements.length;
    if (plan.deferred > 0) result.deferred = true;
    for (const placement of plan.placements) {
      const taskGroup = byIndex.get(placement.request.index)!;
      const launched = launchedTaskGroup(taskGroup, placement, now);
      result.changes.putTaskGroup(launched);
      live.push(launched);
      const list = round.launches.get(placement.offerId) ?? [];
      list.push({ taskGroup: launched, placement });
      round.launches.set(placement.offerId, list);
    }
    const why =
      plan.unplaced.length === 0 ? undefined : explainNoFit(engine, plan.unplaced[0]!.request, pool, ctx);
    for (const { request, reason } of plan.unplaced) {
      if (messages === 0) break;
      const taskGroup = byIndex.get(request.index)!;
      const message = `pending: ${why ?? reason}`;
      if (taskGroup.message === message) continue;
      result.changes.putTaskGroup({ ...taskGroup, message, updatedAt: now });
      messages--;
    }
    result.touched.add(app);
  }
  round.pool = pool;
  return result;
}

/**
 * The taskgroup as launched on `placement`: Staging, with its agent, resources, ports and attributes.
 *
 * Built with `Object.assign` rather than `{ ...taskGroup, agentId, … }`: V8 gives a spread copy that then
 * gains new properties (a Pending record has no agent fields) a fresh hidden class every time, about 5 µs a
 * record, twenty times what this costs; the keys come out in the same order either way.
 */
function launchedTaskGroup(taskGroup: TaskGroup, placement: Placement, now: number): TaskGroup {
  const tasks: Task[] = taskGroup.tasks.map((task) => ({
    ...task,
    status: 'Staging',
    portMappings: placement.portMappings[task.containerIndex] ?? [],
    updatedAt: now,
  }));
  const launched: { -readonly [K in keyof TaskGroup]?: TaskGroup[K] } = {
    status: 'Staging',
    lastStatus: 'Pending',
    message: '',
    tasks,
    agentId: placement.agentId,
    hostname: placement.hostname,
    attributes: placement.attributes,
    resources: placement.resources,
    updatedAt: now,
  };
  if (placement.innerIp !== undefined) launched.agentIp = placement.innerIp;
  return Object.assign({}, taskGroup, launched);
}

function settingOf(engine: ClusterView, offer: MesosOffer) {
  const innerIp = offer.attributes?.find((a) => a.name === 'InnerIP')?.text?.value;
  return innerIp === undefined ? undefined : engine.agentSettings.get(innerIp);
}

async function decline(engine: OfferPool & MesosCalls, offers: readonly MesosOffer[]): Promise<void> {
  if (offers.length === 0) return;
  await engine.send({
    type: 'DECLINE',
    decline: {
      offer_ids: offers.map((offer) => offer.id),
      filters: { refuse_seconds: engine.declineRefuseSeconds },
    },
  });
}

/**
 * Why a request fits nowhere, judged against every agent the scheduler knows: what is left of this pass's
 * offers, plus the latest offer of each agent that has none in this pass (Mesos holds back declined agents for
 * a few seconds). Judging only this pass's offers made the reason change from pass to pass, naming whichever
 * agents happened to offer. If it would fit on an agent not offering now, the reason says it waits for that
 * agent. `undefined` when there is nothing better to say than the pass's own reason.
 */
function explainNoFit(
  engine: ClusterView,
  request: PlacementRequest,
  pool: readonly PooledOffer[],
  ctx: SchedulingContext,
): string | undefined {
  const offering = new Set(pool.map((offer) => offer.agentId));
  const known = [...pool];
  for (const [agentId, { offer }] of engine.agents) {
    if (!offering.has(agentId)) known.push(toPooledOffer(offer, settingOf(engine, offer)));
  }
  if (known.length === pool.length) return undefined;
  ctx.clearRejections();
  const result = placeTaskGroup(request, known, ctx);
  if (isNoFit(result)) return result.reason;
  return `waiting for an offer from ${result.hostname}, which may fit`;
}
