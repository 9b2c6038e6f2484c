import { inject, injectable } from 'tsyringe';
import { SchedulerEngine } from '../engine/engine.js';
import type { MesosAttribute, MesosOffer, MesosResource } from '../ports/mesos-driver.js';

/** One agent in `GET /cluster/resources` (spec/bcs-behaviour.md §9). Resources in cpus and MB. */
export interface AgentResources {
  readonly hostname: string;
  readonly ip: string;
  readonly cputotal: number;
  readonly memtotal: number;
  readonly disktotal: number;
  readonly cpuused: number;
  readonly memused: number;
  readonly diskused: number;
  readonly disabled: boolean;
  /** Mesos attributes with BCS type codes: 101 scalar, 102 ranges, 103 text, 104 set (ranges kept, §15.11). */
  readonly host_attributes: readonly Record<string, unknown>[];
}

/** `GET /cluster/resources`. */
export interface ClusterResources {
  readonly cputotal: number;
  readonly memtotal: number;
  readonly disktotal: number;
  readonly cpuused: number;
  readonly memused: number;
  readonly diskused: number;
  readonly agents: readonly AgentResources[];
}

const BCS_ATTRIBUTE_TYPE = { SCALAR: 101, RANGES: 102, TEXT: 103, SET: 104 } as const;

/**
 * Cluster views from what the scheduler knows: the latest offer of each agent (its free resources and
 * attributes). An agent's total is that offer plus what the scheduler's taskgroups used there when it came;
 * "used" is what they use now. A scheduler learns about agents only through offers, so an agent that never
 * offered is not listed.
 */
@injectable()
export class ClusterService {
  constructor(@inject(SchedulerEngine) private readonly engine: SchedulerEngine) {}

  resources(): ClusterResources {
    const agents: AgentResources[] = [];
    const byHost = [...this.engine.agents].sort((a, b) =>
      a[1].offer.hostname.localeCompare(b[1].offer.hostname),
    );
    for (const [agentId, { offer, usedAtOffer }] of byHost) {
      const u = this.engine.state.usageOn(agentId);
      const ip = innerIpOf(offer.attributes) ?? offer.url?.address.ip ?? '';
      agents.push({
        hostname: offer.hostname,
        ip,
        cputotal: round(scalar(offer.resources, 'cpus') + usedAtOffer.cpus),
        memtotal: round(scalar(offer.resources, 'mem') + usedAtOffer.mem),
        disktotal: round(scalar(offer.resources, 'disk') + usedAtOffer.disk),
        cpuused: round(u.cpus),
        memused: round(u.mem),
        diskused: round(u.disk),
        disabled: this.engine.agentSettings.get(ip)?.disabled ?? false,
        host_attributes: (offer.attributes ?? []).map(toBcsAttribute),
      });
    }
    const total = (pick: (a: AgentResources) => number) => round(agents.reduce((n, a) => n + pick(a), 0));
    return {
      cputotal: total((a) => a.cputotal),
      memtotal: total((a) => a.memtotal),
      disktotal: total((a) => a.disktotal),
      cpuused: total((a) => a.cpuused),
      memused: total((a) => a.memused),
      diskused: total((a) => a.diskused),
      agents,
    };
  }

  /**
   * `GET /cluster/current/offers`: the latest offer of each agent, raw Mesos JSON plus `deltaResource`
   * (the original's in-place resource delta, always zero here). Offers the scheduler could not use are
   * declined at once, so these are the most recent, not necessarily outstanding.
   */
  offers(): (MesosOffer & { deltaResource: { Cpus: number; Mem: number; Disk: number } })[] {
    return [...this.engine.agents.values()]
      .map(({ offer }) => ({ ...offer, deltaResource: { Cpus: 0, Mem: 0, Disk: 0 } }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}

function scalar(resources: readonly MesosResource[], name: string): number {
  return resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
}

function innerIpOf(attributes: readonly MesosAttribute[] | undefined): string | undefined {
  return attributes?.find((a) => a.name === 'InnerIP')?.text?.value;
}

function toBcsAttribute(attribute: MesosAttribute): Record<string, unknown> {
  return {
    name: attribute.name,
    type: BCS_ATTRIBUTE_TYPE[attribute.type],
    ...(attribute.scalar === undefined ? {} : { scalar: attribute.scalar }),
    ...(attribute.ranges === undefined ? {} : { ranges: attribute.ranges }),
    ...(attribute.text === undefined ? {} : { text: attribute.text }),
    ...(attribute.set === undefined ? {} : { set: attribute.set }),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
