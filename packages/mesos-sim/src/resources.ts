import type { MesosResource } from '@bcs/core';
import type { SimPortRange, SimResourcesView } from './types.js';

/**
 * Resource arithmetic of the simulated master. Scalars are integers in thousandths (Mesos' fixed 0.001
 * precision), so `0.1 + 0.2` of cpus is exactly 300; ports are sorted, disjoint, non-adjacent inclusive ranges.
 */
export interface Amounts {
  /** Thousandths of a cpu. */
  readonly cpus: number;
  /** Thousandths of a MB. */
  readonly mem: number;
  /** Thousandths of a MB. */
  readonly disk: number;
  readonly ports: readonly SimPortRange[];
}

/** Nothing at all. */
export const NO_AMOUNTS: Amounts = Object.freeze({ cpus: 0, mem: 0, disk: 0, ports: Object.freeze([]) });

/** Mesos' default `min_allocatable_resources`: an agent is offered if it has 0.01 cpus or 32 MB mem free. */
const MIN_OFFER_CPUS = 10;
const MIN_OFFER_MEM = 32_000;

/** `value` in thousandths, rounded as Mesos rounds scalars. */
export function toMilli(value: number): number {
  return Math.round(value * 1000);
}

/** Amounts from whole units (the form of {@link SimResourcesView}). */
export function amountsOf(view: SimResourcesView): Amounts {
  return {
    cpus: toMilli(view.cpus),
    mem: toMilli(view.mem),
    disk: toMilli(view.disk),
    ports: normalizeRanges(view.ports),
  };
}

/** Whole units, for test views. */
export function viewOf(amounts: Amounts): SimResourcesView {
  return {
    cpus: amounts.cpus / 1000,
    mem: amounts.mem / 1000,
    disk: amounts.disk / 1000,
    ports: amounts.ports.map((r) => ({ begin: r.begin, end: r.end })),
  };
}

/** The result of {@link parseResources}: the summed amounts and every problem found. */
export interface ParsedResources {
  readonly amounts: Amounts;
  readonly problems: readonly string[];
}

/**
 * Sums a `Resource` list. Only `cpus`, `mem`, `disk` (SCALAR) and `ports` (RANGES) exist on simulated agents,
 * so any other name is a problem (it can never fit an offer). Negative or non-finite scalars, malformed
 * ranges and a port listed twice are problems too.
 */
export function parseResources(list: readonly MesosResource[] | undefined): ParsedResources {
  const problems: string[] = [];
  let cpus = 0;
  let mem = 0;
  let disk = 0;
  const ports: SimPortRange[] = [];
  for (const resource of list ?? []) {
    const name = resource?.name;
    if (name === 'cpus' || name === 'mem' || name === 'disk') {
      const value = resource.type === 'SCALAR' ? resource.scalar?.value : undefined;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problems.push(`resource '${name}' needs a non-negative SCALAR value`);
        continue;
      }
      if (name === 'cpus') cpus += toMilli(value);
      else if (name === 'mem') mem += toMilli(value);
      else disk += toMilli(value);
    } else if (name === 'ports') {
      const range = resource.type === 'RANGES' ? resource.ranges?.range : undefined;
      if (!Array.isArray(range)) {
        problems.push("resource 'ports' needs RANGES");
        continue;
      }
      for (const r of range) {
        if (!Number.isInteger(r?.begin) || !Number.isInteger(r?.end) || r.begin > r.end || r.begin < 0) {
          problems.push(`port range ${JSON.stringify(r)} is malformed`);
        } else ports.push({ begin: r.begin, end: r.end });
      }
    } else {
      problems.push(`resource '${String(name)}' is not offered by simulated agents`);
    }
  }
  const normalized = normalizeRanges(ports);
  if (countPorts(normalized) !== countPorts(ports)) problems.push('a port is requested more than once');
  return { amounts: { cpus, mem, disk, ports: normalized }, problems };
}

/** `a + b`. */
export function addAmounts(a: Amounts, b: Amounts): Amounts {
  return {
    cpus: a.cpus + b.cpus,
    mem: a.mem + b.mem,
    disk: a.disk + b.disk,
    ports: normalizeRanges([...a.ports, ...b.ports]),
  };
}

/** `a − b`, for `b ⊆ a` (scalars are clamped at 0). */
export function subtractAmounts(a: Amounts, b: Amounts): Amounts {
  return {
    cpus: Math.max(0, a.cpus - b.cpus),
    mem: Math.max(0, a.mem - b.mem),
    disk: Math.max(0, a.disk - b.disk),
    ports: subtractRanges(a.ports, b.ports),
  };
}

/** `b ⊆ a`: every scalar of `b` at most `a`'s and every port of `b` in `a`. */
export function containsAmounts(a: Amounts, b: Amounts): boolean {
  return a.cpus >= b.cpus && a.mem >= b.mem && a.disk >= b.disk && rangesContain(a.ports, b.ports);
}

/** True when there is enough to offer (0.01 cpus or 32 MB mem, Mesos' `min_allocatable_resources`). */
export function isOfferable(a: Amounts): boolean {
  return a.cpus >= MIN_OFFER_CPUS || a.mem >= MIN_OFFER_MEM;
}

/** True when nothing is left. */
export function isEmptyAmounts(a: Amounts): boolean {
  return a.cpus === 0 && a.mem === 0 && a.disk === 0 && a.ports.length === 0;
}

/**
 * The Mesos `Resource` list of `a`, unreserved (`role: '*'`), zero scalars and empty ports left out. With
 * `allocationRole` (MULTI_ROLE frameworks) every resource carries `allocation_info`.
 */
export function toMesosResources(a: Amounts, allocationRole?: string): MesosResource[] {
  const extra = allocationRole === undefined ? {} : { allocation_info: { role: allocationRole } };
  const out: MesosResource[] = [];
  const scalar = (name: string, milli: number): void => {
    if (milli > 0) out.push({ name, type: 'SCALAR', scalar: { value: milli / 1000 }, role: '*', ...extra });
  };
  scalar('cpus', a.cpus);
  scalar('mem', a.mem);
  scalar('disk', a.disk);
  if (a.ports.length > 0) {
    const range = a.ports.map((r) => ({ begin: r.begin, end: r.end }));
    out.push({ name: 'ports', type: 'RANGES', ranges: { range }, role: '*', ...extra });
  }
  return out;
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: readonly SimPortRange[]): SimPortRange[] {
  if (ranges.length === 0) return [];
  const sorted = [...ranges].sort((x, y) => x.begin - y.begin);
  const out: SimPortRange[] = [{ ...sorted[0]! }];
  for (const r of sorted.slice(1)) {
    const last = out[out.length - 1]!;
    if (r.begin <= last.end + 1) out[out.length - 1] = { begin: last.begin, end: Math.max(last.end, r.end) };
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

/** Whether every port of `inner` lies in `outer` (both normalized). */
export function rangesContain(outer: readonly SimPortRange[], inner: readonly SimPortRange[]): boolean {
  let j = 0;
  for (const r of inner) {
    while (j < outer.length && outer[j]!.end < r.begin) j++;
    const o = outer[j];
    if (o === undefined || o.begin > r.begin || o.end < r.end) return false;
  }
  return true;
}

/** `outer` without the ports of `inner` (both normalized). */
export function subtractRanges(
  outer: readonly SimPortRange[],
  inner: readonly SimPortRange[],
): SimPortRange[] {
  const out: SimPortRange[] = [];
  let j = 0;
  for (const o of outer) {
    let begin = o.begin;
    while (j < inner.length && inner[j]!.end < begin) j++;
    for (let k = j; k < inner.length && inner[k]!.begin <= o.end; k++) {
      const cut = inner[k]!;
      if (cut.begin > begin) out.push({ begin, end: cut.begin - 1 });
      begin = Math.max(begin, cut.end + 1);
    }
    if (begin <= o.end) out.push({ begin, end: o.end });
  }
  return out;
}

/** How many ports `ranges` hold. */
export function countPorts(ranges: readonly SimPortRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.begin + 1;
  return n;
}
