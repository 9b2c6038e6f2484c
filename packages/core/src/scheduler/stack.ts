import type { Version } from '../resources/version.js';
import type { SchedulingContext } from './context.js';
import type { FeasibilityChecker } from './feasibility/checker.js';
import { disabledChecker } from './feasibility/disabled.js';
import { hostPortsChecker } from './feasibility/host-ports.js';
import { ipResourcesChecker } from './feasibility/ip-resources.js';
import { compileConstraint } from './feasibility/registry.js';
import { requestedIpChecker } from './feasibility/requested-ip.js';
import { resourcesChecker } from './feasibility/resources.js';
import { retainHostChecker } from './feasibility/retain-host.js';
import { taintsChecker } from './feasibility/taints.js';
import type { PooledOffer } from './offer.js';
import type { PlacementRequest, RejectReason } from './types.js';

/**
 * The feasibility pipeline of one version (style 13; Nomad's `GenericStack`). Stages run in this order, cheap
 * and decisive first; an offer is rejected by the first stage that refuses it, and that stage is what the
 * no-fit message counts.
 *
 *  1. disabled      agent setting `disabled`: one flag.
 *  2. taints        every `noSchedule` taint tolerated: usually no taints at all.
 *  3. retain-host   a restarted instance may only go back to its host for a while: one comparison.
 *  4. resources     cpus, mem, disk (tasks + executor): three comparisons; rejects most offers of a full cluster.
 *  5. ip-resources  one free container IP on USER networks: one comparison.
 *  6. constraints   one stage per intersection item, in the order written: index lookups (UNIQUE, MAXPER,
 *                   GROUPBY, EXCLUDE), set membership or pattern tests (CLUSTER, LIKE, GREATER…).
 *  7. requested-ip  the instance's requestip entry and its host filter.
 *  8. ports         fixed host ports free, enough free for the random ones: walks the offer's port ranges.
 *
 * Ranking (`rank.ts`) follows, over the offers every stage accepted.
 *
 * The stages are split into `static` ones (decided by offer attributes and version alone: disabled, taints,
 * CLUSTER/LIKE/UNLIKE/GREATER/LESS items) and the rest, so a pass can decide the static ones once per offer and
 * version and never visit the offers they exclude again; the planner also uses the dynamic stages' hints
 * (`sticky`, `prefilter`, `partition`, see `FeasibilityChecker`). The order above still decides what a no-fit
 * counts.
 */
export interface Stack {
  /** Distinguishes stacks (the planner keys per-stack state by it). */
  readonly id: number;
  /** All stages, in the order above. */
  readonly stages: readonly FeasibilityChecker[];
  readonly staticStages: readonly FeasibilityChecker[];
  readonly dynamicStages: readonly FeasibilityChecker[];
}

const STACKS = new WeakMap<Version, Stack>();
let nextId = 0;

/** The {@link Stack} of `version`, compiled once per version object (constraints parsed, patterns compiled). */
export function compileStack(version: Version): Stack {
  let stack = STACKS.get(version);
  if (stack === undefined) {
    const stages = [
      disabledChecker,
      taintsChecker,
      retainHostChecker,
      resourcesChecker,
      ipResourcesChecker,
      ...compileConstraint(version.constraint),
      requestedIpChecker,
      hostPortsChecker,
    ];
    stack = {
      id: nextId++,
      stages,
      staticStages: stages.filter((stage) => stage.static),
      dynamicStages: stages.filter((stage) => !stage.static),
    };
    STACKS.set(version, stack);
  }
  return stack;
}

/**
 * The first of `stages` that rejects `offer` for `request`, or `true` when all accept it.
 *
 * Example: a disabled agent short of cpus → `{reason: 'disabled'}` (stage 1 before stage 4).
 */
export function runStages(
  stages: readonly FeasibilityChecker[],
  offer: PooledOffer,
  ctx: SchedulingContext,
  request: PlacementRequest,
): true | RejectReason {
  for (const stage of stages) {
    const verdict = stage.check(offer, ctx, request);
    if (verdict !== true) return verdict;
  }
  return true;
}
