import type { MesosAttribute, MesosOffer } from '../../src/ports/mesos-driver.js';
import type { AgentSetting } from '../../src/resources/agent-setting.js';
import type { TaskGroup, TaskGroupStatus } from '../../src/resources/taskgroup.js';
import type { ContainerSpec, PortSpec, Version } from '../../src/resources/version.js';
import {
  createSchedulingContext,
  type SchedulingContext,
  type SchedulingContextOptions,
} from '../../src/scheduler/context.js';
import { type PooledOffer, toPooledOffer } from '../../src/scheduler/offer.js';
import type { PlacementRequest } from '../../src/scheduler/types.js';
import type { Constraint, ConstraintData } from '../../src/validation/constraint.js';

/** A container asking for 1 cpu and 128 MB, no ports (local to the scheduler tests). */
export function aContainer(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'main',
    image: 'nginx:1.25',
    command: '',
    args: [],
    env: [],
    ports: [],
    healthChecks: [],
    resources: { cpus: 1, mem: 128, disk: 0 },
    limits: { cpus: 1, mem: 128, disk: 0 },
    privileged: false,
    forcePull: false,
    parameters: [],
    volumes: [],
    ...overrides,
  };
}

/** A port spec; protocol tcp. */
export function aPort(name: string, containerPort: number, hostPort: number): PortSpec {
  return { name, containerPort, hostPort, protocol: 'tcp' };
}

/** Version `1` of `ns/web`: one {@link aContainer}, BRIDGE, no constraint. */
export function aVersion(overrides: Partial<Version> = {}): Version {
  return {
    id: '1',
    appId: 'web',
    namespace: 'ns',
    kind: 'application',
    instances: 1,
    labels: {},
    annotations: {},
    restartPolicy: { policy: 'OnFailure', interval: 0, backoff: 0, maxtimes: 0, hostRetainTime: 0 },
    killGracePeriod: 0,
    networkMode: 'BRIDGE',
    networkType: '',
    containers: [aContainer()],
    raw: {},
    createdAt: 0,
    ...overrides,
  };
}

/** A constraint of one item per element (all ANDed). */
export function constraintOf(...elements: ConstraintData[]): Constraint {
  return { intersectionItem: elements.map((element) => ({ unionData: [element] })) };
}

/** A request for instance `index` of the version's application. */
export function aRequest(
  version: Version,
  index = 0,
  overrides: Partial<PlacementRequest> = {},
): PlacementRequest {
  return { appId: version.appId, namespace: version.namespace, index, version, ...overrides };
}

/** What {@link anOffer} builds from. Attributes: string → TEXT, number → SCALAR, string[] → SET. */
export interface OfferSpec {
  readonly id?: string;
  readonly agentId?: string;
  readonly hostname?: string;
  readonly innerIp?: string;
  readonly cpus?: number;
  readonly mem?: number;
  readonly disk?: number;
  readonly ports?: readonly (readonly [number, number])[];
  readonly attributes?: Readonly<Record<string, string | number | readonly string[]>>;
  readonly setting?: Partial<AgentSetting>;
}

/** The raw Mesos offer of {@link anOffer}. */
export function aMesosOffer(spec: OfferSpec = {}): MesosOffer {
  const hostname = spec.hostname ?? 'node-1';
  const attributes: MesosAttribute[] = [];
  if (spec.innerIp !== undefined)
    attributes.push({ name: 'InnerIP', type: 'TEXT', text: { value: spec.innerIp } });
  for (const [name, value] of Object.entries(spec.attributes ?? {})) {
    if (typeof value === 'string') attributes.push({ name, type: 'TEXT', text: { value } });
    else if (typeof value === 'number') attributes.push({ name, type: 'SCALAR', scalar: { value } });
    else attributes.push({ name, type: 'SET', set: { item: [...(value as readonly string[])] } });
  }
  return {
    id: { value: spec.id ?? `offer-${hostname}` },
    framework_id: { value: 'fw' },
    agent_id: { value: spec.agentId ?? `agent-${hostname}` },
    hostname,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: spec.cpus ?? 4 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: spec.mem ?? 4096 }, role: '*' },
      { name: 'disk', type: 'SCALAR', scalar: { value: spec.disk ?? 10_000 }, role: '*' },
      {
        name: 'ports',
        type: 'RANGES',
        ranges: { range: (spec.ports ?? [[31000, 31009]]).map(([begin, end]) => ({ begin, end })) },
        role: '*',
      },
    ],
    attributes,
  };
}

/** A pooled offer: 4 cpus, 4096 MB mem, 10 000 MB disk, ports 31000–31009 on host `node-1` by default. */
export function anOffer(spec: OfferSpec = {}): PooledOffer {
  const setting =
    spec.setting === undefined
      ? undefined
      : {
          innerIP: spec.innerIp ?? '',
          disabled: false,
          strings: {},
          scalars: {},
          noSchedule: {},
          ...spec.setting,
        };
  return toPooledOffer(aMesosOffer(spec), setting);
}

/** `count` offers `node-1`…`node-<count>` with InnerIP `10.0.0.<i>`. */
export function offersOn(count: number, spec: Omit<OfferSpec, 'hostname' | 'innerIp'> = {}): PooledOffer[] {
  return Array.from({ length: count }, (_, i) =>
    anOffer({ ...spec, hostname: `node-${i + 1}`, innerIp: `10.0.0.${i + 1}` }),
  );
}

/** A live (Running) taskgroup of `ns/web` on `node-1`. */
export function aTaskGroup(overrides: Partial<TaskGroup> & { status?: TaskGroupStatus } = {}): TaskGroup {
  const appId = overrides.appId ?? 'web';
  const namespace = overrides.namespace ?? 'ns';
  const index = overrides.index ?? 0;
  return {
    id: `${index}.${appId}.${namespace}.c.1`,
    name: `${appId}-${index}`,
    appId,
    namespace,
    index,
    versionId: '1',
    status: 'Running',
    message: '',
    tasks: [],
    hostname: 'node-1',
    attributes: {},
    resources: { cpus: 1, mem: 128, disk: 0 },
    createdAt: 0,
    updatedAt: 0,
    restarts: 0,
    ...overrides,
  };
}

/** A context for `ns/web` at time 0 over `live`, labels from `labels` (by `ns/app`). */
export function aContext(
  live: readonly TaskGroup[] = [],
  options: Partial<SchedulingContextOptions> & {
    labels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  } = {},
): SchedulingContext {
  const { labels, ...rest } = options;
  return createSchedulingContext({
    appId: 'web',
    namespace: 'ns',
    now: 0,
    live,
    appLabels: (ns, id) => labels?.[`${ns}/${id}`],
    ...rest,
  });
}
