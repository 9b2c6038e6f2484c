import { BcsError, ErrorCode } from '../errors.js';
import { better, type Candidate, CandidateHeap } from './candidate-heap.js';
import { capturedAttributes } from './captured-attributes.js';
import { noFitMessage, type SchedulingContext } from './context.js';
import { comparableKey, type FeasibilityChecker } from './feasibility/checker.js';
import { needsContainerIp } from './feasibility/ip-resources.js';
import { hasRequestedIps, requestedIpsOf } from './feasibility/requested-ip.js';
import { appKey } from './live-index.js';
import { type PooledOffer, remaining } from './offer.js';
import { isPortShortage, planHostPorts } from './ports.js';
import { tieBreakOf } from './rank.js';
import { demandOf } from './resources.js';
import { compileStack, runStages, type Stack } from './stack.js';
import type { NoFit, Placement, PlacementRequest } from './types.js';

/**
 * The engine behind `placeTaskGroup` and `planPlacements`: the offers of one pass and what is left of them.
 *
 * Per stack (version) and application it keeps a pool: the offers the static stages and the prefilters of
 * the dynamic ones accept, in heaps by rank. A placement pops candidates best first, runs the dynamic stages,
 * takes the first that passes and puts the others back: O(k log n) for k candidates visited, usually 1. Three
 * refinements keep k small:
 *
 * - an offer rejected by a `sticky` stage (resources, ports, IPs, UNIQUE, MAXPER, EXCLUDE) is dropped from the
 *   pool for the rest of the pass, so a full agent is visited once, not once per placement;
 * - with a non-sticky `partition` stage (GROUPBY), the pool holds one heap per attribute value, and a value
 *   the stage refuses is skipped whole (only its best offer is checked);
 * - a request pinned to its host (retain-host) looks at that host's offers only.
 *
 * Committing replaces the offer by what is left of it (`remaining`) and pushes a fresh entry into every pool
 * holding it; older entries are dropped when popped (their epoch is behind).
 *
 * Only when nothing fits does it visit every offer, running all stages in order to count the rejections. A
 * no-fit is remembered until the next commit for requests that cannot differ (same stack and application, no
 * retain-host, no requested IPs), so a batch that overflows the cluster costs one scan, not one per request.
 */
export class Planner {
  private readonly offers: PooledOffer[];
  private readonly ties: number[];
  private readonly epochs: number[];
  private readonly pools = new Map<string, Pool>();
  private readonly failures = new Map<string, { commits: number; noFit: NoFit }>();
  private byHost: Map<string, number[]> | undefined;
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

    const host = pinnedHost(request, this.ctx.now);
    const chosen = host === undefined ? this.search(stack, request) : this.searchHost(stack, request, host);
    if (chosen !== undefined) return this.commit(chosen, request);

    const noFit = this.explain(stack, request);
    if (memo !== undefined) this.failures.set(memo, { commits: this.commits, noFit });
    return noFit;
  }

  private search(stack: Stack, request: PlacementRequest): number | undefined {
    const pool = this.poolOf(stack, request);
    const putBack: [CandidateHeap, Candidate][] = [];
    let best: [CandidateHeap, Candidate] | undefined;
    for (const heap of pool.groups) {
      if (pool.partition !== undefined) {
        const head = this.peekLive(pool, heap);
        if (head === undefined) continue;
        if (pool.partition.check(this.offers[head.offer] as PooledOffer, this.ctx, request) !== true)
          continue;
      }
      const found = this.firstFeasible(pool, heap, stack, request, putBack);
      if (found === undefined) continue;
      if (best === undefined || better(found, best[1])) {
        if (best !== undefined) putBack.push(best);
        best = [heap, found];
      } else putBack.push([heap, found]);
    }
    for (const [heap, candidate] of putBack) heap.push(candidate);
    return best?.[1].offer;
  }

  // Pops `heap` until an offer passes the dynamic stages; rejected offers are dropped (sticky) or kept aside.
  private firstFeasible(
    pool: Pool,
    heap: CandidateHeap,
    stack: Stack,
    request: PlacementRequest,
    putBack: [CandidateHeap, Candidate][],
  ): Candidate | undefined {
    for (let candidate = heap.pop(); candidate !== undefined; candidate = heap.pop()) {
      if (!isLiveEntry(pool, candidate, this.epochs)) continue;
      const offer = this.offers[candidate.offer] as PooledOffer;
      const rejecting = firstRejecting(stack.dynamicStages, offer, this.ctx, request);
      if (rejecting === undefined) return candidate;
      if (rejecting.sticky === true) pool.groupOf[candidate.offer] = DROPPED;
      else putBack.push([heap, candidate]);
    }
    return undefined;
  }

  private peekLive(pool: Pool, heap: CandidateHeap): Candidate | undefined {
    let head = heap.peek();
    while (head !== undefined && !isLiveEntry(pool, head, this.epochs)) {
      heap.pop();
      head = heap.peek();
    }
    return head;
  }

  private searchHost(stack: Stack, request: PlacementRequest, host: string): number | undefined {
    if (this.byHost === undefined) {
      this.byHost = new Map();
      this.offers.forEach((offer, i) => {
        const list = this.byHost?.get(offer.hostname) ?? [];
        list.push(i);
        this.byHost?.set(offer.hostname, list);
      });
    }
    let best: Candidate | undefined;
    for (const i of this.byHost.get(host) ?? []) {
      const offer = this.offers[i] as PooledOffer;
      if (runStages(stack.stages, offer, this.ctx, request) !== true) continue;
      const candidate = this.candidate(i);
      if (best === undefined || better(candidate, best)) best = candidate;
    }
    return best?.offer;
  }

  private poolOf(stack: Stack, request: PlacementRequest): Pool {
    const key = `${stack.id}|${appKey(request.namespace, request.appId)}`;
    let pool = this.pools.get(key);
    if (pool !== undefined) return pool;
    const prefilters = stack.dynamicStages.flatMap((stage) =>
      stage.prefilter === undefined ? [] : [stage.prefilter],
    );
    const partition = stack.dynamicStages.find(
      (stage) => stage.partition !== undefined && stage.sticky !== true,
    );
    const groupOf = new Int32Array(this.offers.length).fill(DROPPED);
    const groupIndex = new Map<string, number>();
    const lists: Candidate[][] = [];
    this.offers.forEach((offer, i) => {
      if (runStages(stack.staticStages, offer, this.ctx, request) !== true) return;
      if (!prefilters.every((prefilter) => prefilter(offer))) return;
      const value =
        partition?.partition === undefined
          ? ''
          : (comparableKey(offer.attributes.get(partition.partition)) ?? '');
      let group = groupIndex.get(value);
      if (group === undefined) {
        group = lists.length;
        groupIndex.set(value, group);
        lists.push([]);
      }
      groupOf[i] = group;
      lists[group]?.push(this.candidate(i));
    });
    pool = { partition, groups: lists.map((items) => new CandidateHeap(items)), groupOf };
    this.pools.set(key, pool);
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
    if (isPortShortage(plan))
      throw new BcsError(ErrorCode.Internal, `ports stage and plan disagree: ${plan.detail}`);
    const resources = demandOf(version, this.ctx.overhead);
    const ips = needsContainerIp(version) ? 1 : 0;
    this.offers[i] = remaining(offer, { resources, hostPorts: plan.hostPorts, ips });
    this.epochs[i] = (this.epochs[i] as number) + 1;
    this.commits++;
    for (const pool of this.pools.values()) {
      const group = pool.groupOf[i] as number;
      if (group !== DROPPED) pool.groups[group]?.push(this.candidate(i));
    }
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

/** The candidates of one stack and application: heaps per partition value, and each offer's heap. */
interface Pool {
  readonly partition: FeasibilityChecker | undefined;
  readonly groups: CandidateHeap[];
  /** The offer's index in `groups`, or {@link DROPPED}. */
  readonly groupOf: Int32Array;
}

/** Not a candidate of the pool: statically rejected, or rejected by a sticky stage. */
const DROPPED = -1;

function isLiveEntry(pool: Pool, candidate: Candidate, epochs: readonly number[]): boolean {
  return candidate.epoch === epochs[candidate.offer] && pool.groupOf[candidate.offer] !== DROPPED;
}

function firstRejecting(
  stages: readonly FeasibilityChecker[],
  offer: PooledOffer,
  ctx: SchedulingContext,
  request: PlacementRequest,
): FeasibilityChecker | undefined {
  for (const stage of stages) if (stage.check(offer, ctx, request) !== true) return stage;
  return undefined;
}

// The host a restarted instance must return to, while its retention lasts (`feasibility/retain-host.ts`).
function pinnedHost(request: PlacementRequest, now: number): string | undefined {
  const { retainHost, retainHostUntil } = request;
  return retainHost !== undefined && retainHostUntil !== undefined && now < retainHostUntil
    ? retainHost
    : undefined;
}

function memoKeyOf(request: PlacementRequest, stack: Stack): string | undefined {
  if (request.retainHost !== undefined || hasRequestedIps(request)) return undefined;
  return `${stack.id}|${appKey(request.namespace, request.appId)}`;
}
