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
import type { SchedulerEngine } from './engine.js';
import { type AppState, Changes } from './state.js';

/** A taskgroup placed on an offer, as stored, with where it goes. */
interface Launch {
  readonly taskGroup: TaskGroup;
  readonly placement: Placement;
}

/** What one pass decided: taskgroups to store, launches per offer id, and the apps it touched. */
interface PassResult {
  readonly changes: Changes;
  readonly launches: Map<string, Launch[]>;
  readonly touched: Set<AppState>;
}

/**
 * One placement pass over the offer pool (spec/bcs-behaviour.md §3, with §15.5 fixed: several taskgroups may
 * share an offer):
 *
 * 1. collect Pending taskgroups whose back-off has passed, per application, lowest index first;
 * 2. normalise the pooled offers with the agent settings (disabled agents, taints, custom attributes);
 * 3. place each application's taskgroups with the pure pipeline; later apps see what earlier ones consumed;
 * 4. read the configmaps and secrets the placed versions reference (none read when none is referenced), then
 *    store every placed taskgroup (Staging, with its agent and ports) and every new no-fit reason in ONE batch;
 * 5. only then ACCEPT each used offer with its LAUNCH_GROUP operations, and DECLINE the unused ones;
 * 6. let each touched application's controller recompute its status (one batch for all of them).
 *
 * The LAUNCH_GROUP operations are built offer by offer as they are sent, not with the placements: for
 * 100 000 placements they weigh a few hundred MB, which need not be held while the batch is written.
 */
export async function runPlacementPass(engine: SchedulerEngine): Promise<void> {
  if (engine.offers.size === 0) return;
  const pending = collectPending(engine);
  const offers = [...engine.offers.values()];
  engine.offers.clear();
  if (pending.size === 0 || engine.frameworkId === undefined) {
    await decline(engine, offers);
    return;
  }
  const result = placeAll(engine, pending, offers);
  // Configmaps and secrets are read before anything is stored, so a failing read launches nothing.
  const data = new Map<Version, DataObjects | undefined>();
  const versions = new Set<Version>();
  for (const launches of result.launches.values()) {
    for (const { placement } of launches) versions.add(placement.request.version);
  }
  for (const version of versions) await readDataOnce(engine, version, data);
  await engine.commit(result.changes);
  const used = new Set<string>();
  for (const [offerId, launches] of result.launches) {
    used.add(offerId);
    const operations = launches.map((launch) =>
      launchGroupOf(engine, launch, data.get(launch.placement.request.version)),
    );
    await engine.send({
      type: 'ACCEPT',
      accept: { offer_ids: [{ value: offerId }], operations, filters: { refuse_seconds: 1 } },
    });
  }
  await decline(
    engine,
    offers.filter((offer) => !used.has(offer.id.value)),
  );
  await engine.syncApps(result.touched);
}

/** The LAUNCH_GROUP operation of a stored launch, with the configmaps and secrets its containers get. */
function launchGroupOf(
  engine: SchedulerEngine,
  { taskGroup, placement }: Launch,
  data: DataObjects | undefined,
): MesosLaunchGroupOperation {
  return buildLaunchGroup({
    taskGroupId: taskGroup.id,
    taskIds: taskGroup.tasks.map((t) => t.id),
    version: placement.request.version,
    placement,
    frameworkId: engine.frameworkId!,
    ...(data === undefined ? {} : { data }),
  });
}

/**
 * Reads, for one version of a pass, the configmaps and secrets `version`'s containers reference: their
 * content as it is now, so a taskgroup launched after a configmap changed gets the new content (running ones
 * keep theirs). One that is gone (deleted with `force`) is logged and left out.
 */
async function readDataOnce(
  engine: SchedulerEngine,
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
function collectPending(engine: SchedulerEngine): Map<AppState, TaskGroup[]> {
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
  engine: SchedulerEngine,
  pending: Map<AppState, TaskGroup[]>,
  raw: MesosOffer[],
): PassResult {
  const now = engine.clock.now();
  let pool: PooledOffer[] = raw.map((offer) => toPooledOffer(offer, settingOf(engine, offer)));
  const live = [...engine.state.live.values()];
  const result: PassResult = { changes: new Changes(), launches: new Map(), touched: new Set() };
  for (const [app, taskGroups] of pending) {
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
    const plan = planPlacements(requests, pool, ctx);
    pool = plan.offers;
    for (const placement of plan.placements) {
      const taskGroup = byIndex.get(placement.request.index)!;
      const launched = launchedTaskGroup(taskGroup, placement, now);
      result.changes.putTaskGroup(launched);
      live.push(launched);
      const list = result.launches.get(placement.offerId) ?? [];
      list.push({ taskGroup: launched, placement });
      result.launches.set(placement.offerId, list);
    }
    const why =
      plan.unplaced.length === 0 ? undefined : explainNoFit(engine, plan.unplaced[0]!.request, pool, ctx);
    for (const { request, reason } of plan.unplaced) {
      const taskGroup = byIndex.get(request.index)!;
      const message = `pending: ${why ?? reason}`;
      if (taskGroup.message !== message)
        result.changes.putTaskGroup({ ...taskGroup, message, updatedAt: now });
    }
    result.touched.add(app);
  }
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

function settingOf(engine: SchedulerEngine, offer: MesosOffer) {
  const innerIp = offer.attributes?.find((a) => a.name === 'InnerIP')?.text?.value;
  return innerIp === undefined ? undefined : engine.agentSettings.get(innerIp);
}

async function decline(engine: SchedulerEngine, offers: readonly MesosOffer[]): Promise<void> {
  if (offers.length === 0) return;
  await engine.send({
    type: 'DECLINE',
    decline: {
      offer_ids: offers.map((offer) => offer.id),
      filters: { refuse_seconds: engine.options.declineRefuseSeconds },
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
  engine: SchedulerEngine,
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
