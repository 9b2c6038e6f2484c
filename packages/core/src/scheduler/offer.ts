import type { MesosAttribute, MesosOffer, MesosRange, MesosResource } from '../ports/mesos-driver.js';
import type { AgentSetting } from '../resources/agent-setting.js';
import type { ResourceAmounts } from '../resources/application.js';

/**
 * Offers as placement sees them: one Mesos offer, normalised once (spec/bcs-behaviour.md §3.1 step 5), then
 * shrunk by {@link remaining} as a batch places taskgroups on it. Several taskgroups may share one offer (the
 * original used each offer for one taskgroup only, §3.2).
 */

/** An agent attribute value, by Mesos attribute type. */
export type AttrValue =
  | { readonly type: 'TEXT'; readonly text: string }
  | { readonly type: 'SCALAR'; readonly scalar: number }
  | { readonly type: 'SET'; readonly set: readonly string[] }
  | { readonly type: 'RANGES'; readonly ranges: readonly MesosRange[] };

/** A `noSchedule` entry of the agent setting: the agent takes only taskgroups tolerating `key=value`. */
export interface Taint {
  readonly key: string;
  readonly value: string;
}

/**
 * A normalised offer. Amounts are what is still free: `cpus` (cores), `mem` and `disk` (MB), `ports` (sorted,
 * disjoint, inclusive ranges). `attributes` holds the agent's attributes merged with its setting, plus
 * `hostname` (always the offer's host name, §3.4). `totalCpus`/`totalMem` are the spread denominators: the
 * agent's totals when the caller knows them, else what the offer first held.
 */
export interface PooledOffer {
  readonly id: string;
  readonly agentId: string;
  readonly hostname: string;
  /** The agent's `InnerIP` TEXT attribute (the agent-setting key). */
  readonly innerIp?: string;
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly ports: readonly MesosRange[];
  readonly attributes: ReadonlyMap<string, AttrValue>;
  readonly taints: readonly Taint[];
  readonly disabled: boolean;
  /** Free container IPs (SCALAR attribute `ip-resources`); undefined when the agent does not report it. */
  readonly ipResources?: number;
  /** The role the amounts above belong to (`*` = unreserved); launched resources carry it back. */
  readonly role: string;
  readonly totalCpus: number;
  readonly totalMem: number;
  /** The offer as Mesos sent it. */
  readonly raw: MesosOffer;
}

/** What one placement takes from an offer. */
export interface OfferUse {
  readonly resources: ResourceAmounts;
  readonly hostPorts: readonly number[];
  /** Container IPs (0 or 1, see `feasibility/ip-resources.ts`). */
  readonly ips: number;
}

/** Agent totals for the spread score, when known (the Mesos agent record, §3.1 step 4). */
export interface AgentTotals {
  readonly cpus: number;
  readonly mem: number;
}

/** The attribute that carries the agent's IP and keys its setting (§3.1 step 3). */
export const INNER_IP_ATTRIBUTE = 'InnerIP';
/** The SCALAR attribute counting free container IPs (§3.1 step 5). */
export const IP_RESOURCES_ATTRIBUTE = 'ip-resources';

// Mesos' protobuf enum numbers, which JSON from some sources (the API document's offers) carries instead of
// names: Value.Type SCALAR 0, RANGES 1, SET 2, TEXT 3.
const TYPE_NAMES = ['SCALAR', 'RANGES', 'SET', 'TEXT'] as const;

/**
 * Normalises `offer` and merges the agent `setting` into it (§3.1 step 5):
 *
 * - `cpus`, `mem`, `disk` are summed and `ports` merged over the resources of one role, the role of the first
 *   `cpus` resource (`*` if none), so that launched resources can name a single role;
 * - setting `strings` become TEXT and `scalars` SCALAR attributes, replacing an agent attribute of the same name
 *   (the operator's setting is the later, deliberate word); `noSchedule` becomes `taints`; `disabled` is copied;
 * - `hostname` is set to the offer's host name, shadowing any agent attribute of that name (§3.4);
 * - attribute and resource types may be names or Mesos enum numbers.
 *
 * Example: resources cpus 4, mem 30878, ports [31000–32000]; attribute InnerIP `127.0.0.1`; setting
 * `{strings: {City: {value: 'sz'}}, noSchedule: {k: 'v'}}` → cpus 4, mem 30878, ports [{31000, 32000}],
 * innerIp `127.0.0.1`, attributes InnerIP/City/hostname, taints [{k, v}].
 */
export function toPooledOffer(
  offer: MesosOffer,
  setting: AgentSetting | undefined,
  totals?: AgentTotals,
): PooledOffer {
  const role = offer.resources.find((r) => r.name === 'cpus')?.role ?? '*';
  const own = offer.resources.filter((r) => (r.role ?? '*') === role);
  const attributes = new Map<string, AttrValue>();
  for (const attribute of offer.attributes ?? []) {
    const value = toAttrValue(attribute);
    if (value !== undefined && !attributes.has(attribute.name)) attributes.set(attribute.name, value);
  }
  const innerIpAttr = attributes.get(INNER_IP_ATTRIBUTE);
  for (const [name, { value }] of Object.entries(setting?.strings ?? {})) {
    attributes.set(name, { type: 'TEXT', text: value });
  }
  for (const [name, { value }] of Object.entries(setting?.scalars ?? {})) {
    attributes.set(name, { type: 'SCALAR', scalar: value });
  }
  attributes.set('hostname', { type: 'TEXT', text: offer.hostname });
  const ipAttr = attributes.get(IP_RESOURCES_ATTRIBUTE);
  const cpus = roundMilli(sumScalar(own, 'cpus'));
  const mem = roundMilli(sumScalar(own, 'mem'));
  return {
    id: offer.id.value,
    agentId: offer.agent_id.value,
    hostname: offer.hostname,
    ...(innerIpAttr?.type === 'TEXT' ? { innerIp: innerIpAttr.text } : {}),
    cpus,
    mem,
    disk: roundMilli(sumScalar(own, 'disk')),
    ports: normaliseRanges(own.filter((r) => r.name === 'ports').flatMap((r) => r.ranges?.range ?? [])),
    attributes,
    taints: Object.entries(setting?.noSchedule ?? {}).map(([key, value]) => ({ key, value })),
    disabled: setting?.disabled ?? false,
    ...(ipAttr?.type === 'SCALAR' ? { ipResources: ipAttr.scalar } : {}),
    role,
    totalCpus: totals?.cpus ?? cpus,
    totalMem: totals?.mem ?? mem,
    raw: offer,
  };
}

/**
 * The offer left after `used` was taken from it: amounts reduced (to 0.001, Mesos' precision), the host ports
 * cut out of `ports`, `ipResources` reduced. Everything else is shared with `offer`.
 *
 * Example: cpus 4, ports [31000–31010] minus cpus 1.5 and ports 31000, 31005 → cpus 2.5, ports
 * [31001–31004, 31006–31010].
 */
export function remaining(offer: PooledOffer, used: OfferUse): PooledOffer {
  return {
    ...offer,
    cpus: roundMilli(offer.cpus - used.resources.cpus),
    mem: roundMilli(offer.mem - used.resources.mem),
    disk: roundMilli(offer.disk - used.resources.disk),
    ports: used.hostPorts.length === 0 ? offer.ports : removePorts(offer.ports, used.hostPorts),
    ...(offer.ipResources === undefined ? {} : { ipResources: offer.ipResources - used.ips }),
  };
}

/**
 * Sorted, disjoint, inclusive ranges covering the same ports; empty and inverted ranges are dropped.
 *
 * Examples: [{5,9},{1,3},{4,4}] → [{1,9}]; [{10,12},{11,20}] → [{10,20}]; [{3,1}] → [].
 */
export function normaliseRanges(ranges: readonly MesosRange[]): MesosRange[] {
  const sorted = ranges.filter((r) => r.begin <= r.end).sort((a, b) => a.begin - b.begin);
  const out: { begin: number; end: number }[] = [];
  for (const { begin, end } of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && begin <= last.end + 1) last.end = Math.max(last.end, end);
    else out.push({ begin, end });
  }
  return out;
}

/**
 * `ranges` (normalised) without `ports`.
 *
 * Examples: [{1,10}] minus [1, 5, 10] → [{2,4},{6,9}]; [{1,3}] minus [7] → [{1,3}].
 */
export function removePorts(ranges: readonly MesosRange[], ports: readonly number[]): MesosRange[] {
  const cut = [...ports].sort((a, b) => a - b);
  const out: MesosRange[] = [];
  let k = 0;
  for (const range of ranges) {
    let begin = range.begin;
    while (k < cut.length && (cut[k] as number) < begin) k++;
    while (k < cut.length && (cut[k] as number) <= range.end) {
      const port = cut[k] as number;
      if (port > begin) out.push({ begin, end: port - 1 });
      begin = port + 1;
      k++;
    }
    if (begin <= range.end) out.push({ begin, end: range.end });
  }
  return out;
}

/** Whether `port` lies in one of `ranges`. Example: 31005 in [{31000, 31010}] → true. */
export function inRanges(ranges: readonly MesosRange[], port: number): boolean {
  for (const range of ranges) if (port >= range.begin && port <= range.end) return true;
  return false;
}

/** How many ports `ranges` hold. Example: [{1,3},{10,10}] → 4. */
export function rangeSize(ranges: readonly MesosRange[]): number {
  let size = 0;
  for (const range of ranges) size += range.end - range.begin + 1;
  return size;
}

/** `value` rounded to 0.001, the precision Mesos keeps scalars at. Example: 0.1 + 0.2 → 0.3. */
export function roundMilli(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function sumScalar(resources: readonly MesosResource[], name: string): number {
  let sum = 0;
  for (const r of resources) if (r.name === name) sum += r.scalar?.value ?? 0;
  return sum;
}

function toAttrValue(attribute: MesosAttribute): AttrValue | undefined {
  const raw = attribute.type as unknown;
  const type = typeof raw === 'number' ? TYPE_NAMES[raw] : raw;
  switch (type) {
    case 'TEXT':
      return attribute.text === undefined ? undefined : { type: 'TEXT', text: attribute.text.value };
    case 'SCALAR':
      return attribute.scalar === undefined ? undefined : { type: 'SCALAR', scalar: attribute.scalar.value };
    case 'SET':
      return attribute.set === undefined ? undefined : { type: 'SET', set: attribute.set.item };
    case 'RANGES':
      return attribute.ranges === undefined ? undefined : { type: 'RANGES', ranges: attribute.ranges.range };
    default:
      return undefined;
  }
}
