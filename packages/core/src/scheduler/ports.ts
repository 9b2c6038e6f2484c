import type { MesosRange } from '../ports/mesos-driver.js';
import type { PortMapping } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import { inRanges } from './offer.js';

/**
 * Host ports (spec/bcs-behaviour.md §3.3, fixing §15.5). Every host port a taskgroup publishes comes out of the
 * offer's free `ports` ranges and is charged to the offer, fixed ones included, so no agent ever hands out one
 * port twice: not within a taskgroup, and not across taskgroups placed on one offer in the same pass (the
 * offer left after each placement no longer holds its ports). The original allocated only random ports and
 * neither checked nor reserved fixed ones. Random ports are the lowest free ones, after the fixed ports of
 * the same taskgroup are set aside, so the result is deterministic.
 *
 * Who gets a host port, by network (`networkOf`):
 * - `HOST` containers: the container port is the host port; containerPort 0 → one random port for both;
 *   negative → the port is left out.
 * - processes (host network): hostPort > 0 is fixed, ≤ 0 random; the container port is the host port.
 * - `BRIDGE`: hostPort > 0 fixed, 0 random, negative none; the container port is kept.
 * - `USER`, `NONE` and named networks: no host ports.
 *
 * A port without a host port is listed with `hostPort: 0`.
 */

/** How a taskgroup's containers are networked, as far as host ports are concerned. */
export type NetworkKind = 'HOST' | 'BRIDGE' | 'NONE' | 'USER';

/**
 * The {@link NetworkKind} of `version`: processes run on the host; otherwise `networkMode`, case-insensitive,
 * where empty means NONE and any other name is a USER network.
 *
 * Examples: `host` → HOST; `BRIDGE` → BRIDGE; `` → NONE; `USER` → USER; `overlay-1` → USER.
 */
export function networkOf(version: Pick<Version, 'kind' | 'networkMode'>): NetworkKind {
  if (version.kind === 'process') return 'HOST';
  const mode = version.networkMode.trim().toUpperCase();
  if (mode === 'HOST' || mode === 'BRIDGE' || mode === 'NONE' || mode === 'USER') return mode;
  return mode === '' ? 'NONE' : 'USER';
}

/** The host ports of one taskgroup: the mappings per container, and every host port taken. */
export interface HostPortPlan {
  readonly mappings: PortMapping[][];
  readonly hostPorts: readonly number[];
}

/** Why no plan exists: a fixed port is taken, repeated or not offered, or too few ports are free. */
export interface PortShortage {
  readonly reason: 'ports';
  readonly detail: string;
}

// A port's fate: `fixed` host port, `random` host port, or `none`; `sameAsHost` copies the host port into the
// container port (HOST and processes).
interface PortNeed {
  readonly container: number;
  readonly name: string;
  readonly protocol: string;
  readonly containerPort: number;
  readonly kind: 'fixed' | 'random' | 'none';
  readonly hostPort: number;
  readonly sameAsHost: boolean;
}

interface Needs {
  readonly ports: readonly PortNeed[];
  readonly fixed: readonly number[];
  readonly random: number;
  readonly containers: number;
}

const NEEDS = new WeakMap<Version, Needs>();

function needsOf(version: Version): Needs {
  let needs = NEEDS.get(version);
  if (needs !== undefined) return needs;
  const network = networkOf(version);
  const ports: PortNeed[] = [];
  version.containers.forEach((container, index) => {
    for (const port of container.ports) {
      const need = needOf(network, version.kind === 'process', index, port);
      if (need !== undefined) ports.push(need);
    }
  });
  needs = {
    ports,
    fixed: ports.filter((p) => p.kind === 'fixed').map((p) => p.hostPort),
    random: ports.filter((p) => p.kind === 'random').length,
    containers: version.containers.length,
  };
  NEEDS.set(version, needs);
  return needs;
}

function needOf(
  network: NetworkKind,
  process: boolean,
  container: number,
  port: Version['containers'][number]['ports'][number],
): PortNeed | undefined {
  const base = { container, name: port.name, protocol: port.protocol, containerPort: port.containerPort };
  if (process) {
    return port.hostPort > 0
      ? { ...base, kind: 'fixed', hostPort: port.hostPort, sameAsHost: true }
      : { ...base, kind: 'random', hostPort: 0, sameAsHost: true };
  }
  switch (network) {
    case 'HOST':
      if (port.containerPort < 0) return undefined;
      return port.containerPort > 0
        ? { ...base, kind: 'fixed', hostPort: port.containerPort, sameAsHost: true }
        : { ...base, kind: 'random', hostPort: 0, sameAsHost: true };
    case 'BRIDGE':
      if (port.hostPort > 0) return { ...base, kind: 'fixed', hostPort: port.hostPort, sameAsHost: false };
      if (port.hostPort === 0) return { ...base, kind: 'random', hostPort: 0, sameAsHost: false };
      return { ...base, kind: 'none', hostPort: 0, sameAsHost: false };
    default:
      return { ...base, kind: 'none', hostPort: 0, sameAsHost: false };
  }
}

/** Whether `version` publishes any host port (if not, every offer passes the ports check). */
export function needsHostPorts(version: Version): boolean {
  const needs = needsOf(version);
  return needs.fixed.length > 0 || needs.random > 0;
}

/**
 * The cheap half of {@link planHostPorts}: whether `free` can hold the version's host ports, without building
 * the mappings. Returns the shortage, or undefined when the ports fit.
 */
export function checkHostPorts(version: Version, free: readonly MesosRange[]): PortShortage | undefined {
  const needs = needsOf(version);
  const seen = new Set<number>();
  for (const port of needs.fixed) {
    if (seen.has(port)) return { reason: 'ports', detail: `host port ${port} requested twice` };
    seen.add(port);
    if (!inRanges(free, port)) return { reason: 'ports', detail: `host port ${port} not offered` };
  }
  if (needs.random === 0) return undefined;
  let size = 0;
  for (const range of free) size += range.end - range.begin + 1;
  return size - needs.fixed.length >= needs.random
    ? undefined
    : { reason: 'ports', detail: `${needs.random} random ports needed` };
}

/**
 * The host ports of one taskgroup of `version` on an agent whose free ports are `free` (see the module
 * comment), or the shortage that prevents them.
 *
 * Examples with `free` [{31000, 31002}]:
 * - BRIDGE, ports `http` {containerPort 80, hostPort 0} and `admin` {8080, hostPort 31001} → http 80→31000,
 *   admin 8080→31001; hostPorts [31001, 31000];
 * - HOST, containerPort 0 → 31000→31000; HOST, containerPort 31002 → 31002→31002;
 * - HOST, containerPort 80 → shortage `host port 80 not offered`;
 * - USER, {containerPort 80, hostPort 8080} → 80 with hostPort 0, no host ports;
 * - BRIDGE with four hostPort-0 ports → shortage `4 random ports needed`.
 */
export function planHostPorts(version: Version, free: readonly MesosRange[]): HostPortPlan | PortShortage {
  const shortage = checkHostPorts(version, free);
  if (shortage !== undefined) return shortage;
  const needs = needsOf(version);
  const taken = new Set(needs.fixed);
  const randoms = lowestFree(free, taken, needs.random);
  const mappings: PortMapping[][] = Array.from({ length: needs.containers }, () => []);
  const hostPorts: number[] = [...needs.fixed];
  let next = 0;
  for (const need of needs.ports) {
    let hostPort = need.hostPort;
    if (need.kind === 'random') {
      hostPort = randoms[next++] as number;
      hostPorts.push(hostPort);
    }
    mappings[need.container]?.push({
      name: need.name,
      containerPort: need.sameAsHost ? hostPort : need.containerPort,
      hostPort,
      protocol: need.protocol,
    });
  }
  return { mappings, hostPorts };
}

/** Whether `plan` is a shortage rather than a plan. */
export function isPortShortage(plan: HostPortPlan | PortShortage): plan is PortShortage {
  return 'reason' in plan;
}

function lowestFree(free: readonly MesosRange[], taken: ReadonlySet<number>, count: number): number[] {
  const out: number[] = [];
  for (const range of free) {
    for (let port = range.begin; port <= range.end && out.length < count; port++) {
      if (!taken.has(port)) out.push(port);
    }
    if (out.length === count) break;
  }
  return out;
}
