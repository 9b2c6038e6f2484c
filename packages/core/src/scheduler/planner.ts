import type { CapturedAttributes } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { type Candidate, CandidateHeap } from './candidate-heap.js';
import { noFitMessage, type SchedulingContext } from './context.js';
import { needsContainerIp } from './feasibility/ip-resources.js';
import { hasRequestedIps, requestedIpsOf } from './feasibility/requested-ip.js';
import { appKey } from './live-index.js';
import { INNER_IP_ATTRIBUTE, type PooledOffer, remaining } from './offer.js';
import { isPortShortage, planHostPorts } from './ports.js';
import { tieBreakOf } from './rank.js';
import { demandOf } from './resources.js';
import { compileStack, runStages, type Stack } from './stack.js';
import type { NoFit, Placement, PlacementRequest } from './types.js';

/**
 * The engine behind `placeTaskGroup` and `planPlacements`: the offers of one pass and what is left of them.
 *
 * Per stack (version) it keeps a pool: the offers its static stages accept, in a heap by rank. A placement
 * pops candidates best first, runs the dynamic stages, takes the first that passes and puts the others back:
 * O(k log n) for k candidates visited, usually 1. Committing replaces the offer by what is left of it
 * (`remaining`) and pushes a fresh entry into every pool holding it; older entries are dropped when popped.
 *
 * Only when nothing fits does it visit every offer, running all stages in order to count the rejections. A
 * no-fit is remembered until the next commit for requests that cannot differ (same stack and application, no
 * retain-host, no requested IPs), so a batch that overflows the cluster costs one scan, not one per request.
 */
export class Planner {
  private readonly offers: PooledOffer[];
  private readonly ties: number[];
  private readonly epochs: number[];
  private readonly pools = new Map<number, { heap: CandidateHeap; member: Uint8Array }>();
  private readonly failures = new Map<string, { commits: number; noFit: NoFit }>();
  private commits = 0;

  constructor(
    offers: readonly PooledOffer[],
    private readonly ctx: SchedulingContext,
  ) {
    this.offers = [...offers];
    this.ties = this.offers.map((offer, i) => tieBreakOf(ctx.seed, offer.id, i));
    this.epochs = this.offers.map(() => 0);
  }

  /** What is left of the offers after the placements so far. */
  get remainingOffers(): readonly PooledOffer[] {
    return this.offers;
  }

  /** Places `request` on the best feasible offer and takes what it uses, or explains why none fits. */
  place(request: PlacementRequest): Placement | NoFit {
    const stack = compileStack(request.version);
    const memo = memoKeyOf(request, stack);
    const failed = memo === undefined ? undefined : this.failures.get(memo);
    if (failed !== undefined && failed.commits === this.commits) return failed.noFit;

    const pool = this.poolOf(stack, request);
    const skipped: Candidate[] = [];
    let chosen: Candidate | undefined;
    for (let candidate = pool.heap.pop(); candidate !== undefined; candidate = pool.heap.pop()) {
      if (candidate.epoch !== this.epochs[candidate.offer]) continue;
      const offer = this.offers[candidate.offer] as PooledOffer;
      if (runStages(stack.dynamicStages, offer, this.ctx, request) === true) {
        chosen = candidate;
        break;
      }
      skipped.push(candidate);
    }
    for (const candidate of skipped) pool.heap.push(candidate);
    if (chosen !== undefined) return this.commit(chosen.offer, request);

    const noFit = this.explain(stack, request);
    if (memo !== undefined) this.failures.set(memo, { commits: this.commits, noFit });
    return noFit;
  }

  private poolOf(stack: Stack, request: PlacementRequest): { heap: CandidateHeap; member: Uint8Array } {
    let pool = this.pools.get(stack.id);
    if (pool === undefined) {
      const member = new Uint8Array(this.offers.length);
      const items: Candidate[] = [];
      this.offers.forEach((offer, i) => {
        if (runStages(stack.staticStages, offer, this.ctx, request) !== true) return;
        member[i] = 1;
        items.push(this.candidate(i));
      });
      pool = { heap: new CandidateHeap(items), member };
      this.pools.set(stack.id, pool);
    }
    return pool;
  }

  private candidate(i: number): Candidate {
    const offer = this.offers[i] as PooledOffer;
    return {
      offer: i,
      score: this.ctx.ranker.score(offer),
      tie: this.ties[i] as number,
      epoch: this.epochs[i] as number,
    };
  }

  private commit(i: number, request: PlacementRequest): Placement {
    const offer = this.offers[i] as PooledOffer;
    const { version } = request;
    const plan = planHostPorts(version, offer.ports);
    // The ports stage accepted this offer, so a shortage here would be a bug in the ports module.
    if (isPortShortage(plan)) throw new Error(`ports stage and plan disagree: ${plan.detail}`);
    const resources = demandOf(version, this.ctx.overhead);
    const ips = needsContainerIp(version) ? 1 : 0;
    this.offers[i] = remaining(offer, { resources, hostPorts: plan.hostPorts, ips });
    this.epochs[i] = (this.epochs[i] as number) + 1;
    this.commits++;
    for (const pool of this.pools.values()) if (pool.member[i] === 1) pool.heap.push(this.candidate(i));
    const requestedIp = requestedIpsOf(request).get(request.index)?.ip;
    return {
      request,
      offerId: offer.id,
      agentId: offer.agentId,
      hostname: offer.hostname,
      ...(offer.innerIp === undefined ? {} : { innerIp: offer.innerIp }),
      resources,
      portMappings: plan.mappings,
      attributes: capturedAttributes(offer, version),
      role: offer.role,
      ...(requestedIp === undefined ? {} : { requestedIp }),
    };
  }

  private explain(stack: Stack, request: PlacementRequest): NoFit {
    const { ctx } = this;
    ctx.clearRejections();
    for (const offer of this.offers) {
      const verdict = runStages(stack.stages, offer, ctx, request);
      if (verdict !== true) ctx.note(verdict.reason, offer.agentId);
    }
    return { reason: noFitMessage(ctx), rejections: Object.fromEntries(ctx.rejections) };
  }
}

function memoKeyOf(request: PlacementRequest, stack: Stack): string | undefined {
  if (request.retainHost !== undefined || hasRequestedIps(request)) return undefined;
  return `${stack.id}|${appKey(request.namespace, request.appId)}`;
}

const CAPTURED = new WeakMap<Version, readonly string[]>();

/**
 * The attributes a placement stores (§3.4 "On placement"): every attribute a constraint element of the version
 * names (EXCLUDE and TOLERATION name none), plus `hostname` and `InnerIP`, so UNIQUE/MAXPER/GROUPBY on those
 * keep working after the constraint changes. TEXT values are stored as strings, SCALAR as numbers; others
 * are left out.
 *
 * Example: constraint UNIQUE(City) on an offer with City sz, InnerIP 10.0.0.1, host node-1 →
 * {City: 'sz', hostname: 'node-1', InnerIP: '10.0.0.1'}.
 */
export function capturedAttributes(offer: PooledOffer, version: Version): CapturedAttributes {
  let names = CAPTURED.get(version);
  if (names === undefined) {
    const set = new Set<string>();
    for (const item of version.constraint?.intersectionItem ?? []) {
      for (const element of item.unionData ?? []) {
        if (element.operate !== 'EXCLUDE' && element.operate !== 'TOLERATION') set.add(element.name);
      }
    }
    set.add('hostname');
    set.add(INNER_IP_ATTRIBUTE);
    names = [...set];
    CAPTURED.set(version, names);
  }
  const captured: Record<string, string | number> = {};
  for (const name of names) {
    const value = offer.attributes.get(name);
    if (value?.type === 'TEXT') captured[name] = value.text;
    else if (value?.type === 'SCALAR') captured[name] = value.scalar;
  }
  return captured;
}
