import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { type AppLabels, appKey, LiveIndex } from './live-index.js';
import { type Ranker, spreadRanker } from './rank.js';
import { EXECUTOR_OVERHEAD } from './resources.js';
import type { Placement } from './types.js';

/** What {@link createSchedulingContext} needs. */
export interface SchedulingContextOptions {
  readonly appId: string;
  readonly namespace: string;
  /** Epoch ms: the clock reading of this pass (retain-host deadlines compare with it). */
  readonly now: number;
  /** Every taskgroup of the cluster that may be live; the context keeps those {@link isLive} says count. */
  readonly live: readonly TaskGroup[];
  /** The newest labels of an application (EXCLUDE compares them); undefined when unknown. */
  readonly appLabels: AppLabels;
  /** Seeds the tie-break between equally ranked offers; without it, ties keep the offers' order (§3.1). */
  readonly seed?: number;
  /** The executor's share of each taskgroup; default {@link EXECUTOR_OVERHEAD}. */
  readonly overhead?: ResourceAmounts;
  /** How feasible offers are ranked; default {@link spreadRanker} (the original's). */
  readonly ranker?: Ranker;
}

/**
 * What travels through the placement pipeline (style 14): the pass's clock reading and seed, the executor
 * overhead, the ranker, the live taskgroups indexed for constraint checks, and the rejection counts that explain a no-fit.
 * `appId`/`namespace` name the application the pass is for; each request still names its own.
 */
export interface SchedulingContext {
  readonly appId: string;
  readonly namespace: string;
  readonly now: number;
  readonly seed: number | undefined;
  readonly overhead: ResourceAmounts;
  readonly ranker: Ranker;
  readonly live: LiveIndex;
  /** Agents rejected per check, since the last `clearRejections`. */
  readonly rejections: ReadonlyMap<string, number>;
  /** Counts `agent` as rejected by `checker` (an agent counts once per checker). */
  note(checker: string, agent: string): void;
  clearRejections(): void;
  /** Counts `placement` as live, so that later checks of this context see it (UNIQUE across a batch). */
  record(placement: Placement): void;
}

/**
 * A context for one placement pass. The live taskgroups are indexed lazily, per application and attribute, on
 * the first check that needs them.
 *
 * Example: `createSchedulingContext({ appId: 'web', namespace: 'ns', now: clock.now(), live: taskgroups,
 * appLabels: (ns, id) => labelsOf(ns, id) })`.
 */
export function createSchedulingContext(options: SchedulingContextOptions): SchedulingContext {
  return new DefaultSchedulingContext(options);
}

class DefaultSchedulingContext implements SchedulingContext {
  readonly appId: string;
  readonly namespace: string;
  readonly now: number;
  readonly seed: number | undefined;
  readonly overhead: ResourceAmounts;
  readonly ranker: Ranker;
  readonly live: LiveIndex;
  readonly rejections = new Map<string, number>();
  private readonly noted = new Set<string>();

  constructor(options: SchedulingContextOptions) {
    this.appId = options.appId;
    this.namespace = options.namespace;
    this.now = options.now;
    this.seed = options.seed;
    this.overhead = options.overhead ?? EXECUTOR_OVERHEAD;
    this.ranker = options.ranker ?? spreadRanker;
    this.live = new LiveIndex(options.live, options.appLabels);
  }

  note(checker: string, agent: string): void {
    const key = `${checker}\0${agent}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.rejections.set(checker, (this.rejections.get(checker) ?? 0) + 1);
  }

  clearRejections(): void {
    this.rejections.clear();
    this.noted.clear();
  }

  record(placement: Placement): void {
    const { request } = placement;
    this.live.add(
      appKey(request.namespace, request.appId),
      placement.hostname,
      placement.innerIp,
      placement.attributes,
      request.labels ?? request.version.labels,
    );
  }
}

/**
 * The "why pending" text of a taskgroup that fits nowhere: each check that rejected agents, most agents
 * first, ties by name (code-unit order), joined by `; `. Without any rejection there was nothing to try.
 *
 * Examples:
 * - {`constraint UNIQUE(InnerIP)`: 3, cpus: 1} → `no agent fits: constraint UNIQUE(InnerIP) rejected 3 agents;
 *   cpus rejected 1 agent`;
 * - {ports: 2, mem: 2} → `no agent fits: mem rejected 2 agents; ports rejected 2 agents`;
 * - {} → `no agent fits: no offers`.
 */
export function noFitMessage(ctx: Pick<SchedulingContext, 'rejections'>): string {
  const entries = [...ctx.rejections].filter(([, count]) => count > 0);
  if (entries.length === 0) return 'no agent fits: no offers';
  entries.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const parts = entries.map(([name, count]) => `${name} rejected ${count} agent${count === 1 ? '' : 's'}`);
  return `no agent fits: ${parts.join('; ')}`;
}
