import type { ResourceAmounts } from '../resources/application.js';
import type { ContainerSpec, Version } from '../resources/version.js';
import { roundMilli } from './offer.js';

/**
 * What a taskgroup takes from an offer (spec/bcs-behaviour.md §3.2, mesos-v1.md §9).
 *
 * Each container is one Mesos task and asks for its `resources` (requests). One DEFAULT executor per taskgroup
 * adds {@link EXECUTOR_OVERHEAD}: 0.01 cpus, 64 MB mem, 64 MB disk. Mesos charges the executor to the offer
 * (tasks + executor ⊆ offer) and wants cpus ≥ 0.01, mem ≥ 32 and some disk for it. The original reserved the
 * 64 MB mem and disk too but took the executor's cpus out of the first task with ≥ 0.1 cpus; we charge them
 * on top instead, so every task gets exactly what it asked for.
 *
 * A task must use some resource (Mesos refuses "Task uses no resources"); a container asking for nothing at
 * all gets {@link MIN_TASK_CPUS}. The original launched such containers with nothing (§1.2).
 */

/** The DEFAULT executor's share of every taskgroup: cpus (cores), mem and disk (MB). */
export const EXECUTOR_OVERHEAD: ResourceAmounts = Object.freeze({ cpus: 0.01, mem: 64, disk: 64 });

/** The cpus a task gets when its container asks for no cpus, mem or disk (Mesos' MIN_CPUS). */
export const MIN_TASK_CPUS = 0.01;

/**
 * What Mesos task `container` is launched with: its requests, or {@link MIN_TASK_CPUS} when they are all 0.
 *
 * Examples: {cpus 0.5, mem 128, disk 0} → same; {0, 0, 0} → {cpus 0.01, mem 0, disk 0}; {0, mem 64, 0} → same.
 */
export function taskResourcesOf(container: Pick<ContainerSpec, 'resources'>): ResourceAmounts {
  const { cpus, mem, disk } = container.resources;
  if (cpus <= 0 && mem <= 0 && disk <= 0) return { cpus: MIN_TASK_CPUS, mem: 0, disk: 0 };
  return { cpus: Math.max(cpus, 0), mem: Math.max(mem, 0), disk: Math.max(disk, 0) };
}

const TASKS = new WeakMap<Version, ResourceAmounts>();
const DEMANDS = new WeakMap<Version, { overhead: ResourceAmounts; demand: ResourceAmounts }>();

/** Σ {@link taskResourcesOf} over the version's containers, rounded to 0.001 (memoised per version). */
export function tasksDemandOf(version: Version): ResourceAmounts {
  let demand = TASKS.get(version);
  if (demand === undefined) {
    let cpus = 0;
    let mem = 0;
    let disk = 0;
    for (const container of version.containers) {
      const task = taskResourcesOf(container);
      cpus += task.cpus;
      mem += task.mem;
      disk += task.disk;
    }
    demand = { cpus: roundMilli(cpus), mem: roundMilli(mem), disk: roundMilli(disk) };
    TASKS.set(version, demand);
  }
  return demand;
}

/**
 * Everything one taskgroup of `version` takes from an offer: its tasks plus `overhead`.
 *
 * Examples (overhead 0.01/64/64):
 * - two containers {0.5, 128, 0} and {1, 256, 100} → {cpus 1.51, mem 448, disk 164};
 * - one container {0, 0, 0} → {cpus 0.02, mem 64, disk 64};
 * - no containers → the overhead alone.
 */
export function demandOf(version: Version, overhead: ResourceAmounts = EXECUTOR_OVERHEAD): ResourceAmounts {
  // Checked for every offer visited: keep the last result per version instead of allocating each time.
  const cached = DEMANDS.get(version);
  if (cached?.overhead === overhead) return cached.demand;
  const tasks = tasksDemandOf(version);
  const demand = {
    cpus: roundMilli(tasks.cpus + overhead.cpus),
    mem: roundMilli(tasks.mem + overhead.mem),
    disk: roundMilli(tasks.disk + overhead.disk),
  };
  DEMANDS.set(version, { overhead, demand });
  return demand;
}

/**
 * The first dimension in which `demand` exceeds `available` (`cpus`, then `mem`, then `disk`), or undefined
 * when it fits. Amounts are compared at Mesos' 0.001 precision.
 *
 * Examples: {1, 64, 64} in {1, 64, 64} → undefined; {1.001, 64, 64} in {1, 64, 64} → `cpus`;
 * {1, 65, 100} in {2, 64, 50} → `mem`.
 */
export function exceededResource(
  demand: ResourceAmounts,
  available: ResourceAmounts,
): 'cpus' | 'mem' | 'disk' | undefined {
  if (demand.cpus - available.cpus > 1e-9) return 'cpus';
  if (demand.mem - available.mem > 1e-9) return 'mem';
  if (demand.disk - available.disk > 1e-9) return 'disk';
  return undefined;
}
