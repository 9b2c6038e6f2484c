import { inject, injectable } from 'tsyringe';
import { type EngineLinkStatus, SchedulerEngine } from '../engine/engine.js';
import type { ClusterView, StateSource } from '../engine/ports.js';
import type { MesosAttribute, MesosOffer, MesosResource } from '../ports/mesos-driver.js';
import type { AgentSetting } from '../resources/agent-setting.js';

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
  readonly host_attributes: readonly BcsAgentAttribute[];
  /**
   * The attributes placement uses: `host_attributes` with the agent setting's `strings` (103) and `scalars`
   * (101) merged in, a setting attribute replacing an agent attribute of the same name (as placement does).
   */
  readonly attributes: readonly BcsAgentAttribute[];
}

/** An agent attribute with a BCS type code (`commtypes.BcsAgentAttribute`). */
export interface BcsAgentAttribute {
  readonly name: string;
  readonly type: 101 | 102 | 103 | 104;
  readonly scalar?: MesosAttribute['scalar'];
  readonly ranges?: MesosAttribute['ranges'];
  readonly text?: MesosAttribute['text'];
  readonly set?: MesosAttribute['set'];
}

/** A Mesos `Value.Type` as the protobuf enum number: SCALAR 0, RANGES 1, SET 2, TEXT 3. */
export type MesosValueTypeNumber = 0 | 1 | 2 | 3;

/** An offer resource as `GET /cluster/current/offers` answers it: `type` is the enum number. */
export type OfferResourceView = Omit<MesosResource, 'type'> & { readonly type: MesosValueTypeNumber };
/** An offer attribute as `GET /cluster/current/offers` answers it: `type` is the enum number. */
export type OfferAttributeView = Omit<MesosAttribute, 'type'> & { readonly type: MesosValueTypeNumber };

/** One entry of `GET /cluster/current/offers` (the original's `OfferWithDelta`). */
export type OfferView = Omit<MesosOffer, 'resources' | 'attributes'> & {
  readonly resources: readonly OfferResourceView[];
  readonly attributes: readonly OfferAttributeView[];
  readonly deltaResource: { readonly Cpus: number; readonly Mem: number; readonly Disk: number };
};

/** The `mesos` entry of `GET /cluster/endpoints` (see `ClusterService.mesos`). */
export interface MesosLinkView {
  readonly master: string;
  readonly state: EngineLinkStatus['state'];
  readonly since: number;
  readonly frameworkId?: string;
  readonly lastError?: string;
  readonly reason?: string;
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
const MESOS_VALUE_TYPE = { SCALAR: 0, RANGES: 1, SET: 2, TEXT: 3 } as const;
const MESOS_TYPE_NAMES = ['SCALAR', 'RANGES', 'SET', 'TEXT'] as const;
/** The offer attribute that carries the agent setting's `noSchedule`, as `k=v` items (§3.1 step 5). */
const NO_SCHEDULE_ATTRIBUTE = 'NoSchedule';

/**
 * Cluster views from what the scheduler knows: the latest offer of each agent (its free resources and
 * attributes). An agent's total is that offer plus what the scheduler's taskgroups used there when it came;
 * "used" is what they use now. A scheduler learns about agents only through offers, so an agent that never
 * offered is not listed. Agent settings come from the engine's copy, which a setting write updates before it
 * answers: both views show a disable or a new attribute at once.
 */
@injectable()
export class ClusterService {
  constructor(
    @inject(SchedulerEngine)
    private readonly engine: StateSource & ClusterView & { link(): EngineLinkStatus },
  ) {}

  /**
   * The `mesos` entry of `GET /cluster/endpoints`: the master in use, the link's state and since when (epoch
   * ms), the framework id, and why it is not subscribed when known (`lastError`: the master's or the socket's
   * message; `reason`: the scheduler's own refusal, e.g. a new framework id it would not register).
   */
  mesos(): MesosLinkView {
    const link = this.engine.link();
    return {
      master: link.master,
      state: link.state,
      since: link.since,
      ...(link.frameworkId === undefined ? {} : { frameworkId: link.frameworkId }),
      ...(link.lastError === undefined ? {} : { lastError: link.lastError }),
      ...(link.reason === undefined ? {} : { reason: link.reason }),
    };
  }

  resources(): ClusterResources {
    const agents: AgentResources[] = [];
    const byHost = [...this.engine.agents].sort((a, b) =>
      a[1].offer.hostname.localeCompare(b[1].offer.hostname),
    );
    for (const [agentId, { offer, usedAtOffer }] of byHost) {
      const u = this.engine.state.usageOn(agentId);
      const ip = innerIpOf(offer.attributes) ?? offer.url?.address.ip ?? '';
      const setting = this.engine.agentSettings.get(ip);
      const hostAttributes = (offer.attributes ?? []).map(toBcsAttribute);
      agents.push({
        hostname: offer.hostname,
        ip,
        cputotal: round(scalar(offer.resources, 'cpus') + usedAtOffer.cpus),
        memtotal: round(scalar(offer.resources, 'mem') + usedAtOffer.mem),
        disktotal: round(scalar(offer.resources, 'disk') + usedAtOffer.disk),
        cpuused: round(u.cpus),
        memused: round(u.mem),
        diskused: round(u.disk),
        disabled: setting?.disabled ?? false,
        host_attributes: hostAttributes,
        attributes: mergeSetting(hostAttributes, setting, (name, value) =>
          typeof value === 'string'
            ? { name, type: BCS_ATTRIBUTE_TYPE.TEXT, text: { value } }
            : { name, type: BCS_ATTRIBUTE_TYPE.SCALAR, scalar: { value } },
        ),
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
   * `GET /cluster/current/offers`: the latest offer of each agent whose setting is not `disabled`, as the
   * original's offer pool held it (spec/bcs-behaviour.md §3.1 steps 2 and 5, §9): Mesos JSON with resource and
   * attribute `type` as the enum numbers of the API document's example (SCALAR 0, RANGES 1, SET 2, TEXT 3);
   * attributes merged with the agent setting (`strings` TEXT, `scalars` SCALAR, replacing an agent attribute
   * of the same name; a non-empty `noSchedule` as one SET `NoSchedule` of `k=v` items); plus `deltaResource`
   * (the original's in-place resource delta, always zero here). Offers the scheduler could not use are
   * declined at once, so these are the most recent, not necessarily outstanding.
   */
  offers(): OfferView[] {
    const views: OfferView[] = [];
    for (const { offer } of this.engine.agents.values()) {
      const ip = innerIpOf(offer.attributes);
      const setting = ip === undefined ? undefined : this.engine.agentSettings.get(ip);
      if (setting?.disabled === true) continue;
      const own: OfferAttributeView[] = (offer.attributes ?? []).map((a) => ({
        ...a,
        type: mesosType(a.type),
      }));
      const attributes = mergeSetting<OfferAttributeView>(own, setting, (name, value) =>
        typeof value === 'string'
          ? { name, type: MESOS_VALUE_TYPE.TEXT, text: { value } }
          : { name, type: MESOS_VALUE_TYPE.SCALAR, scalar: { value } },
      ).filter((a) => a.name !== NO_SCHEDULE_ATTRIBUTE);
      const taints = Object.entries(setting?.noSchedule ?? {}).filter(([k, v]) => k !== '' && v !== '');
      if (taints.length > 0) {
        attributes.push({
          name: NO_SCHEDULE_ATTRIBUTE,
          type: MESOS_VALUE_TYPE.SET,
          set: { item: taints.map(([k, v]) => `${k}=${v}`) },
        });
      }
      views.push({
        ...offer,
        resources: offer.resources.map((r) => ({ ...r, type: mesosType(r.type) })),
        attributes,
        deltaResource: { Cpus: 0, Mem: 0, Disk: 0 },
      });
    }
    return views.sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}

/** The enum number of a Mesos value type given by name (or already as a number). */
function mesosType(type: unknown): MesosValueTypeNumber {
  if (typeof type === 'number') return type as MesosValueTypeNumber;
  return MESOS_VALUE_TYPE[type as keyof typeof MESOS_VALUE_TYPE] ?? MESOS_VALUE_TYPE.TEXT;
}

/**
 * `attributes` with the setting's `strings` and `scalars` (made by `make`) replacing those of the same name,
 * the others appended in the setting's order. Example: [InnerIP, zone=a] + strings {zone: b, rack: r1} →
 * [InnerIP, zone=b, rack=r1].
 */
function mergeSetting<A extends { readonly name: string }>(
  attributes: readonly A[],
  setting: AgentSetting | undefined,
  make: (name: string, value: string | number) => A,
): A[] {
  if (setting === undefined) return [...attributes];
  const added = new Map<string, A>();
  for (const [name, { value }] of Object.entries(setting.strings)) added.set(name, make(name, value));
  for (const [name, { value }] of Object.entries(setting.scalars)) added.set(name, make(name, value));
  const merged = attributes.map((a) => added.get(a.name) ?? a);
  const present = new Set(attributes.map((a) => a.name));
  for (const [name, attribute] of added) if (!present.has(name)) merged.push(attribute);
  return merged;
}

function scalar(resources: readonly MesosResource[], name: string): number {
  return resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
}

function innerIpOf(attributes: readonly MesosAttribute[] | undefined): string | undefined {
  return attributes?.find((a) => a.name === 'InnerIP')?.text?.value;
}

function toBcsAttribute(attribute: MesosAttribute): BcsAgentAttribute {
  const raw = attribute.type as unknown;
  const name = typeof raw === 'number' ? MESOS_TYPE_NAMES[raw] : attribute.type;
  return {
    name: attribute.name,
    type: BCS_ATTRIBUTE_TYPE[name ?? 'TEXT'],
    ...(attribute.scalar === undefined ? {} : { scalar: attribute.scalar }),
    ...(attribute.ranges === undefined ? {} : { ranges: attribute.ranges }),
    ...(attribute.text === undefined ? {} : { text: attribute.text }),
    ...(attribute.set === undefined ? {} : { set: attribute.set }),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
