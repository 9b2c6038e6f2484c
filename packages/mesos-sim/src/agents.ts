import type { MesosAttribute } from '@bcs/core';
import type { SimAgent } from './model.js';
import { type Amounts, amountsOf, subtractAmounts } from './resources.js';
import type { SimAgentSpec } from './types.js';

/** The default agent: spec/api-v4.md getClusteroffers (4 cpus, 30 878 MB mem, 795 945 MB disk, 31000–32000). */
const DEFAULTS = { cpus: 4, mem: 30_878, disk: 795_945, ports: [{ begin: 31000, end: 32000 }] } as const;

/**
 * The default InnerIP of agent `index` (0-based): `127.<h>.<m>.<l>` with `l = index mod 254 + 1` and
 * `h·256 + m = ⌊index / 254⌋`, so the last octet is never 0 or 255.
 *
 * Examples: 0 → `127.0.0.1`, 253 → `127.0.0.254`, 254 → `127.0.1.1`, 9999 → `127.0.39.94`.
 */
export function defaultInnerIp(index: number): string {
  const block = Math.floor(index / 254);
  return `127.${(block >> 8) & 0xff}.${block & 0xff}.${(index % 254) + 1}`;
}

/** Builds agent `<masterId>-S<index>` from `spec`, filling defaults. Throws `RangeError` for a bad spec. */
export function createAgent(masterId: string, index: number, spec: SimAgentSpec = {}): SimAgent {
  const cpus = spec.cpus ?? DEFAULTS.cpus;
  const mem = spec.mem ?? DEFAULTS.mem;
  const disk = spec.disk ?? DEFAULTS.disk;
  for (const [name, value] of [
    ['cpus', cpus],
    ['mem', mem],
    ['disk', disk],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`SimulatedCluster: agent ${name} must be ≥ 0`);
  }
  const ports = spec.ports ?? DEFAULTS.ports;
  for (const r of ports) {
    if (!Number.isInteger(r.begin) || !Number.isInteger(r.end) || r.begin > r.end || r.begin < 0)
      throw new RangeError(`SimulatedCluster: bad agent port range ${JSON.stringify(r)}`);
  }
  const attributes = spec.attributes ?? [];
  const givenIp = attributes.find((a) => a.name === 'InnerIP' && a.type === 'TEXT')?.text?.value;
  const innerIp = spec.innerIp ?? givenIp ?? defaultInnerIp(index);
  const withIp: MesosAttribute[] =
    givenIp === undefined
      ? [{ name: 'InnerIP', type: 'TEXT', text: { value: innerIp } }, ...attributes]
      : [...attributes];
  const total = amountsOf({ cpus, mem, disk, ports });
  return {
    id: `${masterId}-S${index}`,
    index,
    hostname: spec.hostname ?? `sim-agent-${index}`,
    innerIp,
    attributes: withIp,
    total,
    free: total,
    offerId: undefined,
    filter: undefined,
    groups: new Map(),
  };
}

/** What the agent's executors and tasks use. */
export function usedAmounts(agent: SimAgent): Amounts {
  return subtractAmounts(agent.total, agent.free);
}
