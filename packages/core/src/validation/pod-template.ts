import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { DEFINITION_LIMITS } from './limits.js';
import { StringMap } from './rules.js';

/**
 * The pod template shared by applications, processes and deployments (spec/bcs-behaviour.md §1.2): one pod is
 * one Mesos executor running the template's containers (or processes). Validation only; conversion into the
 * internal `Version` comes later. Every object allows unknown keys (Go's `encoding/json` ignored them).
 */

const PORT_RULE = 'must be an integer port from 0 to 65535';

/** A port number, 0–65535. `0` asks for a port from the offer (spec/bcs-behaviour.md §3.3). */
export const PortNumber = () => Type.Integer({ minimum: 0, maximum: 65535, errorMessage: PORT_RULE });

const { seconds: MAX_SECONDS, perContainer: SHORT_LIST, perContainerLong: LONG_LIST } = DEFINITION_LIMITS;

const Seconds = () =>
  Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_SECONDS,
      errorMessage: `must be a whole number of seconds from 0 to ${MAX_SECONDS}`,
    }),
  );

/** An array of at most `maxItems` items (see `DEFINITION_LIMITS`). */
const List = <T extends TSchema>(items: T, maxItems: number) => Type.Array(items, { maxItems });

/**
 * A resource quantity: a non-negative decimal number written as a string (`"0.5"`, `"100"`), or `""` for
 * unset. cpu is in cores, memory and storage in MB. A JSON number is refused, as Go's decoder refused it.
 */
export const ResourceQuantity = () =>
  Type.String({
    maxLength: DEFINITION_LIMITS.quantityLength,
    pattern: '^\\s*([0-9]+(\\.[0-9]*)?|\\.[0-9]+)?\\s*$',
    errorMessage: 'must be a non-negative number written as a string, e.g. "0.5"',
  });

/** `resources.limits` / `resources.requests`: cpu (cores), memory (MB), storage (MB). */
export const ResourceListSchema = Type.Object({
  cpu: Type.Optional(ResourceQuantity()),
  memory: Type.Optional(ResourceQuantity()),
  storage: Type.Optional(ResourceQuantity()),
});

/** A parsed resource list. */
export type ResourceList = Static<typeof ResourceListSchema>;

/** An agent-local extended resource (a device) a container needs; keys as the spec writes them (§1.2). */
export const ExtendedResourceSchema = Type.Object({
  Name: Type.String({ minLength: 1 }),
  Value: Type.Number({ minimum: 0, maximum: 1_000_000 }),
  InnerIP: Type.Optional(Type.String()),
  Capacity: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
  Socket: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 })),
});

/** A container's (or process') resources. Requests default to limits; see `resourceRequests`. */
export const ResourcesSchema = Type.Object({
  limits: Type.Optional(ResourceListSchema),
  requests: Type.Optional(ResourceListSchema),
  extendedResources: Type.Optional(List(ExtendedResourceSchema, SHORT_LIST)),
});

/** Parsed `resources`. */
export type ContainerResources = Static<typeof ResourcesSchema>;

/** The env references the driver resolves (§1.2): cpus × 1000 for cpu, MB for memory. */
export const RESOURCE_FIELD_REFS = [
  'requests.cpu',
  'limits.cpu',
  'requests.memory',
  'limits.memory',
] as const;

const EnvVarSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  value: Type.Optional(Type.String()),
  valueFrom: Type.Optional(
    Type.Object({
      resourceFieldRef: Type.Optional(
        Type.Object({
          resource: Type.Union(
            RESOURCE_FIELD_REFS.map((r) => Type.Literal(r)),
            { errorMessage: `must be one of: ${RESOURCE_FIELD_REFS.join(', ')}` },
          ),
        }),
      ),
    }),
  ),
});

/** The health-check types (spec/bcs-behaviour.md §7): local ones run by Mesos or the executor, remote ones by an external checker. */
export const HEALTH_CHECK_TYPES = ['COMMAND', 'HTTP', 'TCP', 'REMOTE_HTTP', 'REMOTE_TCP'] as const;

/** One of {@link HEALTH_CHECK_TYPES}. */
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

const CheckTarget = {
  port: Type.Optional(PortNumber()),
  portName: Type.Optional(Type.String()),
};

/**
 * A health check (spec/bcs-behaviour.md §7). Times are whole seconds; 0 means "use the default" (delay 10,
 * interval 60, timeout 20, grace 300). The API document's deployment example uses a legacy shape without
 * `type` (`{protocol, path, …}`): it is accepted but, as in the original, such a check is never run.
 */
export const HealthCheckSchema = Type.Object({
  type: Type.Optional(
    Type.Union(
      HEALTH_CHECK_TYPES.map((t) => Type.Literal(t)),
      { errorMessage: `must be one of: ${HEALTH_CHECK_TYPES.join(', ')}` },
    ),
  ),
  delaySeconds: Seconds(),
  gracePeriodSeconds: Seconds(),
  intervalSeconds: Seconds(),
  timeoutSeconds: Seconds(),
  consecutiveFailures: Type.Optional(Type.Integer({ minimum: 0, maximum: DEFINITION_LIMITS.retries })),
  /**
   * Ours (issue 13 §2): restart the instance once this REMOTE check failed `consecutiveFailures` times in a
   * row (at least once) after its grace period, within the application's health-restart budget. Default false:
   * an unhealthy instance is reported, not killed.
   */
  restartOnUnhealthy: Type.Optional(Type.Boolean()),
  command: Type.Optional(Type.Object({ value: Type.String() })),
  http: Type.Optional(
    Type.Object({
      ...CheckTarget,
      scheme: Type.Optional(Type.String()),
      path: Type.Optional(Type.String()),
      headers: Type.Optional(StringMap()),
    }),
  ),
  tcp: Type.Optional(Type.Object(CheckTarget)),
  // The legacy shape of the document's createDeployment example.
  protocol: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
});

/** A parsed health check. */
export type HealthCheckDefinition = Static<typeof HealthCheckSchema>;

/** A container port. `hostPort` 0 (or absent) asks for an offer port in BRIDGE mode (§3.3). */
export const ContainerPortSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  containerPort: PortNumber(),
  hostPort: Type.Optional(PortNumber()),
  protocol: Type.Optional(Type.String()),
  hostIP: Type.Optional(Type.String()),
});

/** A process port: host network, so only `hostPort` matters (0 or absent = an offer port). */
export const ProcessPortSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  hostPort: Type.Optional(PortNumber()),
  containerPort: Type.Optional(PortNumber()),
  protocol: Type.Optional(Type.String()),
});

const DataItemSchema = Type.Object({
  type: Type.Union([Type.Literal('env'), Type.Literal('file')], { errorMessage: 'must be "env" or "file"' }),
  dataKey: Type.String({ minLength: 1 }),
  dataKeyAlias: Type.Optional(Type.String()),
  keyOrPath: Type.String({ minLength: 1 }),
  subPath: Type.Optional(Type.String()),
  readOnly: Type.Optional(Type.Boolean()),
  user: Type.Optional(Type.String()),
});

const ConfigMapRefSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  items: List(DataItemSchema, LONG_LIST),
});
const SecretRefSchema = Type.Object({
  secretName: Type.String({ minLength: 1 }),
  items: List(DataItemSchema, LONG_LIST),
});

const VolumeSchema = Type.Object({
  name: Type.Optional(Type.String()),
  volume: Type.Object({
    hostPath: Type.String(),
    mountPath: Type.String({ minLength: 1 }),
    subPath: Type.Optional(Type.String()),
    readOnly: Type.Optional(Type.Boolean()),
  }),
});

/** Fields containers and processes share. */
const workloadFields = () => ({
  env: Type.Optional(List(EnvVarSchema, LONG_LIST)),
  healthChecks: Type.Optional(List(HealthCheckSchema, SHORT_LIST)),
  resources: Type.Optional(ResourcesSchema),
  configmaps: Type.Optional(List(ConfigMapRefSchema, SHORT_LIST)),
  secrets: Type.Optional(List(SecretRefSchema, SHORT_LIST)),
});

/** A container (spec/bcs-behaviour.md §1.2). Only `image` is required. `workingDir` is accepted and ignored. */
export const ContainerSchema = Type.Object({
  name: Type.Optional(Type.String()),
  hostname: Type.Optional(Type.String()),
  command: Type.Optional(Type.String()),
  args: Type.Optional(List(Type.String(), LONG_LIST)),
  parameters: Type.Optional(
    List(Type.Object({ key: Type.String({ minLength: 1 }), value: Type.String() }), LONG_LIST),
  ),
  type: Type.Optional(Type.String()),
  image: Type.String({
    pattern: '^\\S+$',
    errorMessage: 'must be a non-empty image reference without spaces',
  }),
  imagePullUser: Type.Optional(Type.String()),
  imagePullPasswd: Type.Optional(Type.String()),
  /** `Always` forces a pull; anything else uses a local image when present. */
  imagePullPolicy: Type.Optional(Type.String()),
  privileged: Type.Optional(Type.Boolean()),
  workingDir: Type.Optional(Type.String()),
  ports: Type.Optional(List(ContainerPortSchema, SHORT_LIST)),
  volumes: Type.Optional(List(VolumeSchema, SHORT_LIST)),
  ...workloadFields(),
});

/** A parsed container. */
export type ContainerDefinition = Static<typeof ContainerSchema>;

/** A process run by the process executor (spec/bcs-behaviour.md §1.2). Only `procName` is required. */
export const ProcessSchema = Type.Object({
  procName: Type.String({ minLength: 1 }),
  workPath: Type.Optional(Type.String()),
  uris: Type.Optional(
    List(
      Type.Object({
        value: Type.String({ minLength: 1 }),
        user: Type.Optional(Type.String()),
        pwd: Type.Optional(Type.String()),
        outputDir: Type.Optional(Type.String()),
      }),
      SHORT_LIST,
    ),
  ),
  pidFile: Type.Optional(Type.String()),
  startCmd: Type.Optional(Type.String()),
  checkCmd: Type.Optional(Type.String()),
  stopCmd: Type.Optional(Type.String()),
  restartCmd: Type.Optional(Type.String()),
  reloadCmd: Type.Optional(Type.String()),
  killCmd: Type.Optional(Type.String()),
  logPath: Type.Optional(Type.String()),
  cfgPath: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
  procGroup: Type.Optional(Type.String()),
  ports: Type.Optional(List(ProcessPortSchema, SHORT_LIST)),
  /** Seconds to wait after start before checks count. */
  startGracePeriod: Seconds(),
  ...workloadFields(),
});

/** A parsed process (an item of `processes[]`). */
export type ProcessDefinition = Static<typeof ProcessSchema>;

/** `template.metadata`: labels and annotations for the pods; `name`/`namespace` are forced by the scheduler. */
export const TemplateMetaSchema = Type.Object({
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
});

/**
 * `template.spec`. Exactly one of `containers`/`processes`, non-empty (see {@link templateIssues}).
 * `networkMode` is HOST, BRIDGE, USER, NONE or a custom network name; `networktype` (the document writes
 * `networkType`) selects the network plugin, e.g. `cnm`. `nodeSelector` is accepted and ignored.
 */
export const PodSpecSchema = Type.Object({
  containers: Type.Optional(List(ContainerSchema, DEFINITION_LIMITS.containers)),
  processes: Type.Optional(List(ProcessSchema, DEFINITION_LIMITS.containers)),
  networkMode: Type.Optional(Type.String()),
  networktype: Type.Optional(Type.String()),
  /** Passed to the executor as is. */
  netLimit: Type.Optional(Type.Object({ egressLimit: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }) })),
  nodeSelector: Type.Optional(StringMap()),
});

/** The pod template of an application or deployment. */
export const PodTemplateSchema = Type.Object({
  metadata: Type.Optional(TemplateMetaSchema),
  spec: PodSpecSchema,
});

/** A parsed pod template. */
export type PodTemplateDefinition = Static<typeof PodTemplateSchema>;

/** What a template runs: containers (kind `application`, `deployment`) or processes (kind `process`). */
export type Workload = 'containers' | 'processes';

/**
 * Rules of a template beyond its schema, with paths under `path` (e.g. `spec.template`):
 *
 * - `spec.<workload>` is given and non-empty, and the other list is absent or empty;
 * - port names are unique within a container or process;
 * - health checks: COMMAND has a command; HTTP/TCP (local or remote) have their `http`/`tcp` block naming a
 *   port (`port` > 0 or a `portName` of this container); at most one local check (COMMAND, HTTP or TCP) and
 *   one of each remote type per container — the original silently dropped the rest (§7).
 *
 * Example: `{ spec: { containers: [] } }` → `spec.template.spec.containers: must have at least 1 item`.
 */
export function templateIssues(template: PodTemplateDefinition, path: string, workload: Workload): Issue[] {
  const spec = template.spec;
  const other: Workload = workload === 'containers' ? 'processes' : 'containers';
  const issues: Issue[] = [];
  const items: readonly WorkloadItem[] | undefined = spec[workload];
  if (items === undefined || items.length === 0) {
    issues.push({ path: `${path}.spec.${workload}`, rule: 'must have at least 1 item' });
  }
  if ((spec[other]?.length ?? 0) > 0) {
    issues.push({ path: `${path}.spec.${other}`, rule: `must be empty when ${workload} are given` });
  }
  items?.forEach((item, index) => {
    issues.push(...workloadIssues(item, `${path}.spec.${workload}[${index}]`));
  });
  return issues;
}

type WorkloadItem = Pick<ContainerDefinition, 'healthChecks'> & { ports?: readonly { name: string }[] };

function workloadIssues(item: WorkloadItem, path: string): Issue[] {
  const issues: Issue[] = [];
  const portNames = new Set<string>();
  item.ports?.forEach((port, index) => {
    if (portNames.has(port.name)) {
      issues.push({ path: `${path}.ports[${index}].name`, rule: 'must be unique in the container' });
    }
    portNames.add(port.name);
  });
  const seenTypes = new Set<string>();
  item.healthChecks?.forEach((check, index) => {
    const checkPath = `${path}.healthChecks[${index}]`;
    if (check.type === undefined) return;
    const slot = isLocal(check.type) ? 'local' : check.type;
    if (seenTypes.has(slot)) {
      issues.push({ path: `${checkPath}.type`, rule: duplicateRule(check.type) });
      return;
    }
    seenTypes.add(slot);
    issues.push(...healthCheckIssues(check, checkPath, portNames));
  });
  return issues;
}

function isLocal(type: HealthCheckType): boolean {
  return type === 'COMMAND' || type === 'HTTP' || type === 'TCP';
}

function duplicateRule(type: HealthCheckType): string {
  return isLocal(type)
    ? 'only one local health check (COMMAND, HTTP or TCP) per container'
    : `only one ${type} health check per container`;
}

function healthCheckIssues(
  check: HealthCheckDefinition,
  path: string,
  portNames: ReadonlySet<string>,
): Issue[] {
  if (check.type === 'COMMAND') {
    return (check.command?.value.trim() ?? '') === ''
      ? [{ path: `${path}.command.value`, rule: 'must not be empty for a COMMAND check' }]
      : [];
  }
  const field = check.type === 'HTTP' || check.type === 'REMOTE_HTTP' ? 'http' : 'tcp';
  const target = check[field];
  if (target === undefined)
    return [{ path: `${path}.${field}`, rule: `is required for a ${check.type} check` }];
  if (target.portName !== undefined && target.portName !== '') {
    return portNames.has(target.portName)
      ? []
      : [{ path: `${path}.${field}.portName`, rule: 'must name a port of this container' }];
  }
  return (target.port ?? 0) > 0
    ? []
    : [{ path: `${path}.${field}.port`, rule: 'must be > 0 when portName is not given' }];
}
