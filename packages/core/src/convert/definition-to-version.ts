import { type ResourceAmounts, resourceLimits, resourceRequests } from '../resources/application.js';
import type { ContainerSpec, PortSpec, RestartPolicySpec, Version } from '../resources/version.js';
import type { ReplicaControllerDefinition } from '../validation/application.js';
import type { Constraint } from '../validation/constraint.js';
import type {
  ContainerDefinition,
  HealthCheckDefinition,
  ProcessDefinition,
} from '../validation/pod-template.js';

/** The namespace of an application whose definition names none (spec/bcs-behaviour.md §1.2 `RunAs`). */
export const DEFAULT_NAMESPACE = 'defaultGroup';

/** Health-check times used where a definition gives 0 or nothing, in seconds (§1.2, containers only). */
export const HEALTH_CHECK_DEFAULTS = {
  delaySeconds: 10,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  gracePeriodSeconds: 300,
} as const;

/** Labels and annotations whose key contains this have spaces removed from their value (§1.2). */
export const REQUEST_IP_KEY_PART = 'io.tencent.bcs.netsvc.requestip.';

/** What {@link toVersion} needs besides the definition. */
export interface ToVersionOptions {
  /** The version id: Unix nanoseconds as a decimal string (`IdGenerator.uniqueNanos()`). */
  readonly id: string;
  /** Epoch ms: the version's `createdAt`. */
  readonly now: number;
  /** The definition as the client sent it (`raw_json`; returned by the definition endpoint, §6.3). */
  readonly raw: unknown;
  /**
   * The URL's namespace. Default: `metadata.namespace`, else {@link DEFAULT_NAMESPACE} (the original's
   * `RunAs`). Pass it: validation lets a body leave `metadata.namespace` out.
   */
  readonly namespace?: string | undefined;
}

/**
 * An application (or process) definition as the internal {@link Version} the scheduler launches from
 * (spec/bcs-behaviour.md §1.2 "Driver RC → Version"). The definition must have passed `parseApplication`
 * (or `parseProcessApplication`); nothing is checked again.
 *
 * - `appId` = `metadata.name`; `namespace` = options, metadata, else `defaultGroup`; `instances` = `spec.instance`.
 * - `labels` = metadata labels overlaid by template labels (the original's order: a template label wins);
 *   `annotations` = metadata annotations. Values of keys containing {@link REQUEST_IP_KEY_PART} lose their spaces.
 * - `restartPolicy`: `policy` defaults to `OnFailure`, numbers to 0. `killGracePeriod` defaults to 0,
 *   which means "no kill policy" (Mesos' own default grace; the original sent `kill_policy` only when > 0).
 * - `constraint`: kept when it has at least one `intersectionItem` (`nodeSelector` is ignored, as in the original).
 * - `networkMode`: HOST/BRIDGE/USER/NONE in capitals (matched case-insensitively), any other name as given
 *   (a named network); empty means `BRIDGE` for containers (Docker's default) and `HOST` for processes.
 * - Containers: see {@link toContainerSpec}. Processes: see {@link processToContainerSpec}.
 *
 * Example: the API document's createApplication body → `{ appId 'app-test', namespace 'defaultGroup',
 * instances 2, labels { podname: 'app-test' }, restartPolicy { policy 'Never', interval 5, backoff 10,
 * maxtimes 0, hostRetainTime 0 }, killGracePeriod 5, networkMode 'BRIDGE', containers [{ resources
 * { cpus 2, mem 100, disk 0 }, ports [{ name 'test-port', containerPort 9999, hostPort 0, protocol 'HTTP' }] }] }`.
 */
export function toVersion(definition: ReplicaControllerDefinition, options: ToVersionOptions): Version {
  const { metadata, spec } = definition;
  const podSpec = spec.template.spec;
  const isProcess = definition.kind === 'process';
  const constraint = constraintOf(definition.constraint);
  return {
    id: options.id,
    appId: metadata.name,
    namespace: options.namespace ?? metadata.namespace ?? DEFAULT_NAMESPACE,
    kind: definition.kind,
    instances: spec.instance,
    labels: stripRequestIpSpaces({ ...metadata.labels, ...spec.template.metadata?.labels }),
    annotations: stripRequestIpSpaces({ ...metadata.annotations }),
    ...(constraint === undefined ? {} : { constraint }),
    restartPolicy: restartPolicyOf(definition.restartPolicy),
    killGracePeriod: definition.killPolicy?.gracePeriod ?? 0,
    networkMode: networkModeOf(podSpec.networkMode, isProcess ? 'HOST' : 'BRIDGE'),
    networkType: podSpec.networktype ?? '',
    containers: isProcess
      ? (podSpec.processes ?? []).map(processToContainerSpec)
      : (podSpec.containers ?? []).map(toContainerSpec),
    raw: options.raw,
    createdAt: options.now,
  };
}

/** Alias of {@link toVersion} (the name `services/application-service.ts` imports). */

/**
 * One container as launched (spec/bcs-behaviour.md §1.2): `resources` = requests, falling back to limits
 * (`resourceRequests`), `limits` = `resourceLimits`; env flattened ({@link flattenEnv}); ports with
 * `hostPort` 0 when absent (an offer port) and a normalised protocol ({@link normaliseProtocol}); volumes
 * read-only or not; health checks with {@link HEALTH_CHECK_DEFAULTS} for times ≤ 0; `forcePull` when
 * `imagePullPolicy` is `Always`; configmap and secret references ({@link dataRefsOf}) when there are any.
 * Hostname, type, image credentials, extended resources and volume `subPath` have no place in
 * `ContainerSpec`; they stay in the version's `raw`.
 */
export function toContainerSpec(container: ContainerDefinition): ContainerSpec {
  const resources = resourceRequests(container);
  const limits = resourceLimits(container);
  return {
    name: container.name ?? '',
    image: container.image,
    command: container.command ?? '',
    args: [...(container.args ?? [])],
    env: flattenEnv(container.env, resources, limits),
    ports: (container.ports ?? []).map((p) => portOf(p.name, p.containerPort, p.hostPort, p.protocol)),
    healthChecks: (container.healthChecks ?? []).map(withHealthCheckDefaults),
    resources,
    limits,
    privileged: container.privileged ?? false,
    forcePull: container.imagePullPolicy === 'Always',
    parameters: (container.parameters ?? []).map(({ key, value }) => ({ key, value })),
    volumes: (container.volumes ?? []).map(({ volume }) => ({
      hostPath: volume.hostPath,
      mountPath: volume.mountPath,
      readOnly: volume.readOnly ?? false,
    })),
    ...dataRefsOf(container),
  };
}

type DataItemDefinition = NonNullable<ContainerDefinition['configmaps']>[number]['items'][number];

/**
 * The configmap and secret references of a container or process, normalised (`readOnly` false and `user`
 * `''` when absent; `dataKeyAlias` and `subPath` dropped: the original's task construction did not read
 * them), as `{configMaps, secrets}` with empty lists left out.
 *
 * Example: `configmaps: [{name: 'cm', items: [{type: 'env', dataKey: 'k', keyOrPath: 'K'}]}]` →
 * `{configMaps: [{name: 'cm', items: [{type: 'env', dataKey: 'k', keyOrPath: 'K', readOnly: false, user: ''}]}]}`.
 */
export function dataRefsOf(
  workload: Pick<ContainerDefinition, 'configmaps' | 'secrets'>,
): Pick<ContainerSpec, 'configMaps' | 'secrets'> {
  const item = (i: DataItemDefinition) => ({
    type: i.type,
    dataKey: i.dataKey,
    keyOrPath: i.keyOrPath,
    readOnly: i.readOnly ?? false,
    user: i.user ?? '',
  });
  const configMaps = (workload.configmaps ?? []).map((c) => ({ name: c.name, items: c.items.map(item) }));
  const secrets = (workload.secrets ?? []).map((s) => ({
    secretName: s.secretName,
    items: s.items.map(item),
  }));
  return {
    ...(configMaps.length === 0 ? {} : { configMaps }),
    ...(secrets.length === 0 ? {} : { secrets }),
  };
}

/**
 * One process as a `ContainerSpec`, kept minimal: `name` = `procName`, `image` = `''` (a process has no
 * image; the process executor takes the rest of the definition — uris, work path, commands — from the
 * version's `raw`, as the original's `ProcInfo`), `command` = `startCmd`, env, ports (host network:
 * `containerPort` = `hostPort` when absent), resources as for containers, health checks as given (the
 * defaults are for containers only, §1.2).
 */
export function processToContainerSpec(process: ProcessDefinition): ContainerSpec {
  const resources = resourceRequests(process);
  const limits = resourceLimits(process);
  return {
    name: process.procName,
    image: '',
    command: process.startCmd ?? '',
    args: [],
    env: flattenEnv(process.env, resources, limits),
    ports: (process.ports ?? []).map((p) =>
      portOf(p.name, p.containerPort ?? p.hostPort ?? 0, p.hostPort, p.protocol),
    ),
    healthChecks: [...(process.healthChecks ?? [])],
    resources,
    limits,
    privileged: false,
    forcePull: false,
    parameters: [],
    volumes: [],
    ...dataRefsOf(process),
  };
}

type EnvDefinition = NonNullable<ContainerDefinition['env']>[number];

/**
 * A container's env as name/value pairs (spec/bcs-behaviour.md §1.2). A `valueFrom.resourceFieldRef` is
 * resolved as the original did, with Go's `%f` (six decimals): `requests.cpu`/`limits.cpu` → cores × 1000
 * (millicores), `requests.memory`/`limits.memory` → MB. `requests` are the effective requests (limits when
 * requests.cpu is blank). A name given twice keeps its first position and its last value (the original
 * built a map).
 *
 * Example: requests `{cpus 0.5, mem 64}` → `CPU` from `requests.cpu` is `"500.000000"`, `MEM` from
 * `requests.memory` is `"64.000000"`; `{ name: 'A' }` → `{ name: 'A', value: '' }`.
 */
export function flattenEnv(
  env: readonly EnvDefinition[] | undefined,
  requests: ResourceAmounts,
  limits: ResourceAmounts,
): { name: string; value: string }[] {
  const values = new Map<string, string>();
  for (const variable of env ?? []) {
    const ref = variable.valueFrom?.resourceFieldRef?.resource;
    values.set(
      variable.name,
      ref === undefined ? (variable.value ?? '') : resourceFieldValue(ref, requests, limits),
    );
  }
  return [...values].map(([name, value]) => ({ name, value }));
}

function resourceFieldValue(
  ref: NonNullable<NonNullable<EnvDefinition['valueFrom']>['resourceFieldRef']>['resource'],
  requests: ResourceAmounts,
  limits: ResourceAmounts,
): string {
  switch (ref) {
    case 'requests.cpu':
      return goFloat(requests.cpus * 1000);
    case 'limits.cpu':
      return goFloat(limits.cpus * 1000);
    case 'requests.memory':
      return goFloat(requests.mem);
    case 'limits.memory':
      return goFloat(limits.mem);
  }
}

/** Go's `fmt.Sprintf("%f", x)`: six decimals. */
function goFloat(value: number): string {
  return value.toFixed(6);
}

/**
 * A port's protocol in capitals, `TCP` when blank. BCS uses `TCP`, `UDP` and `HTTP` (a TCP port that
 * service discovery treats as HTTP); other values are kept, capitalised.
 * Examples: `'http'` → `'HTTP'`; `undefined` → `'TCP'`; `' udp '` → `'UDP'`.
 */
export function normaliseProtocol(protocol: string | undefined): string {
  const text = protocol?.trim().toUpperCase() ?? '';
  return text === '' ? 'TCP' : text;
}

function portOf(
  name: string,
  containerPort: number,
  hostPort: number | undefined,
  protocol?: string,
): PortSpec {
  return { name, containerPort, hostPort: hostPort ?? 0, protocol: normaliseProtocol(protocol) };
}

/**
 * A container health check with {@link HEALTH_CHECK_DEFAULTS} for each time that is 0 or absent
 * (spec/bcs-behaviour.md §1.2). Example: `{ type 'HTTP', intervalSeconds 5 }` → delay 10, interval 5,
 * timeout 20, grace 300.
 */
export function withHealthCheckDefaults(check: HealthCheckDefinition): HealthCheckDefinition {
  const orDefault = (value: number | undefined, fallback: number) =>
    value !== undefined && value > 0 ? value : fallback;
  return {
    ...check,
    delaySeconds: orDefault(check.delaySeconds, HEALTH_CHECK_DEFAULTS.delaySeconds),
    intervalSeconds: orDefault(check.intervalSeconds, HEALTH_CHECK_DEFAULTS.intervalSeconds),
    timeoutSeconds: orDefault(check.timeoutSeconds, HEALTH_CHECK_DEFAULTS.timeoutSeconds),
    gracePeriodSeconds: orDefault(check.gracePeriodSeconds, HEALTH_CHECK_DEFAULTS.gracePeriodSeconds),
  };
}

function restartPolicyOf(policy: ReplicaControllerDefinition['restartPolicy']): RestartPolicySpec {
  return {
    policy: policy?.policy ?? 'OnFailure',
    interval: policy?.interval ?? 0,
    backoff: policy?.backoff ?? 0,
    maxtimes: policy?.maxtimes ?? 0,
    hostRetainTime: policy?.hostRetainTime ?? 0,
  };
}

function constraintOf(constraint: Constraint | undefined): Constraint | undefined {
  const items = constraint?.intersectionItem;
  return items === undefined || items.length === 0 ? undefined : { intersectionItem: items };
}

const NETWORK_MODES = ['HOST', 'BRIDGE', 'USER', 'NONE'];

function networkModeOf(mode: string | undefined, fallback: string): string {
  const text = mode?.trim() ?? '';
  if (text === '') return fallback;
  return NETWORK_MODES.includes(text.toUpperCase()) ? text.toUpperCase() : text;
}

function stripRequestIpSpaces(map: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(map)) {
    if (key.includes(REQUEST_IP_KEY_PART)) map[key] = value.replaceAll(' ', '');
  }
  return map;
}
