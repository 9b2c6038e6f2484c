import { BcsError, ErrorCode } from '../errors.js';
import type {
  MesosCommandInfo,
  MesosContainerInfo,
  MesosExecutorInfo,
  MesosHealthCheck,
  MesosLaunchGroupOperation,
  MesosResource,
  MesosTaskInfo,
} from '../ports/mesos-driver.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { PortMapping } from '../resources/taskgroup.js';
import type { ContainerSpec, Version } from '../resources/version.js';
import { REQUEST_IP_PREFIX } from './feasibility/requested-ip.js';
import { normaliseRanges } from './offer.js';
import { networkOf } from './ports.js';
import { EXECUTOR_OVERHEAD, taskResourcesOf } from './resources.js';
import { type TaskDataObjects, taskDataOf, taskEnvOf, taskMessagesOf } from './task-data.js';
import type { Placement } from './types.js';

/**
 * The LAUNCH_GROUP operation of one placed taskgroup (spec/bcs-behaviour.md §3.5, adapted to Mesos' DEFAULT
 * executor, mesos-v1.md §9). The original launched a CUSTOM BCS executor; the DEFAULT executor needs no
 * executor binary on the agents and runs each container as a nested MESOS container from its docker image.
 */

/** How taskgroups are launched and killed (`--executor`). */
export type ExecutorMode =
  /** Mesos' DEFAULT executor: LAUNCH_GROUP, kill = KILL of each task. Works on any stock Mesos 1.x. */
  | { readonly kind: 'default' }
  /**
   * The original's CUSTOM BCS executor, fetched from `uri` (e.g.
   * `file:///data/bcs/mesos/libexec/mesos/bcs-container-executor`): executor id = taskgroup id, kill = SHUTDOWN.
   */
  | { readonly kind: 'bcs'; readonly uri: string };

/** What {@link buildLaunchGroup} needs. */
export interface LaunchGroupInput {
  /** The taskgroup id, also the executor id. */
  readonly taskGroupId: string;
  /** One task id per container, in container order (`<nanos>.<container>.<index>.<app>.<ns>.<cluster>`). */
  readonly taskIds: readonly string[];
  readonly version: Version;
  readonly placement: Placement;
  readonly frameworkId: string;
  /** The Mesos cluster name; added as task label `cluster` when given. */
  readonly clusterId?: string;
  /** The executor's resources; must be what placement charged (default {@link EXECUTOR_OVERHEAD}). */
  readonly overhead?: ResourceAmounts;
  /** The CNI network BRIDGE taskgroups join (default `mesos-bridge`). */
  readonly bridgeNetwork?: string;
  /** The configmaps and secrets the containers reference, read at launch (default: none). */
  readonly data?: TaskDataObjects;
  /** The executor the group runs under (default Mesos' DEFAULT executor). */
  readonly executor?: ExecutorMode;
}

/**
 * The operation (assert its JSON in tests):
 *
 * - executor (`input.executor` `bcs`: the original's CUSTOM executor instead, {@link bcsExecutor}):
 *   `type: DEFAULT`, `executor_id` = taskgroup id, `framework_id`, `name` `<app>-<index>`,
 *   resources cpus/mem/disk of the overhead (0.01/64/64: Mesos wants ≥ 0.01, ≥ 32 and some disk); on BRIDGE
 *   and USER networks a MESOS `container` whose `network_infos` all tasks share (BRIDGE: network
 *   `bridgeNetwork` with the `port_mappings` of every host port, protocol `udp` for UDP ports and `tcp` for
 *   the rest; USER: the namespace's network; a named
 *   network: that name). Tasks carry no `network_infos` (Mesos then refuses HTTP/TCP health checks).
 * - one task per container: `name` `<nanos>-<taskId>`, its requested cpus/mem/disk (zeros left out; nothing
 *   requested → 0.01 cpus, `resources.ts`) plus a `ports` resource for its host ports; a MESOS container with
 *   the docker image and volumes; `command` with `shell: false` (a command runs as `value` with argv
 *   `[command, ...args]`; without one, `args` are appended to the image entrypoint); environment with
 *   `${bcs.*}` templates expanded ({@link expandBcsTemplates}) and `PORT_<name>` for each port the container
 *   did not set itself; `health_check` from its first local check ({@link healthCheckOf}); `kill_policy` when
 *   `killGracePeriod > 0`; labels = version labels + `namespace`, `pod_name` `<app>-<index>`, `cluster`, and
 *   `io.tencent.bcs.netsvc.requestip` when the placement has a requested IP.
 * - configmaps and secrets the container references (`task-data.ts`, from `input.data`): `data` = base64 of
 *   `{"Msgs": [...]}`, the original's `DataClass.Msgs` (files, environment variables, secrets), for an executor
 *   that reads it; their environment variables (ENV and env SECRET, decoded) are also appended to the
 *   command's environment, which Mesos' DEFAULT executor sets. Files and remote data reach a task only
 *   through `data`.
 *
 * Resources carry the offer's role. Throws `BcsError` Internal when `taskIds` and containers differ in number.
 */
export function buildLaunchGroup(input: LaunchGroupInput): MesosLaunchGroupOperation {
  const { version, placement, taskIds } = input;
  if (taskIds.length !== version.containers.length) {
    throw new BcsError(
      ErrorCode.Internal,
      `taskgroup ${input.taskGroupId}: ${taskIds.length} task ids for ${version.containers.length} containers`,
    );
  }
  const role = placement.role;
  const overhead = input.overhead ?? EXECUTOR_OVERHEAD;
  const podName = `${placement.request.appId}-${placement.request.index}`;
  const mode = input.executor ?? { kind: 'default' };
  const container =
    mode.kind === 'bcs'
      ? undefined
      : executorContainer(version, placement, input.bridgeNetwork ?? 'mesos-bridge');
  const executor: MesosExecutorInfo =
    mode.kind === 'bcs'
      ? bcsExecutor(input, mode.uri, scalarResources(overhead, role))
      : {
          type: 'DEFAULT',
          executor_id: { value: input.taskGroupId },
          framework_id: { value: input.frameworkId },
          name: podName,
          resources: scalarResources(overhead, role),
          ...(container === undefined ? {} : { container }),
        };
  const vars = templateVars(input, podName);
  const labels = taskLabels(input, podName);
  const tasks = version.containers.map((spec, i): MesosTaskInfo => {
    const taskId = taskIds[i] as string;
    const mappings = placement.portMappings[i] ?? [];
    const hostPorts = normaliseRanges(
      mappings.filter((m) => m.hostPort > 0).map((m) => ({ begin: m.hostPort, end: m.hostPort })),
    );
    const healthCheck = healthCheckOf(spec, mappings);
    const messages = input.data === undefined ? [] : taskMessagesOf(spec, input.data);
    const data = taskDataOf(messages);
    return {
      name: `${taskId.split('.')[0]}-${taskId}`,
      task_id: { value: taskId },
      agent_id: { value: placement.agentId },
      resources: [
        ...scalarResources(taskResourcesOf(spec), role),
        ...(hostPorts.length === 0
          ? []
          : [{ name: 'ports', type: 'RANGES', ranges: { range: hostPorts }, role }]),
      ] as MesosResource[],
      container: taskContainer(spec),
      command: commandOf(spec, mappings, vars, taskEnvOf(messages)),
      ...(healthCheck === undefined ? {} : { health_check: healthCheck }),
      ...(version.killGracePeriod > 0
        ? { kill_policy: { grace_period: { nanoseconds: Math.round(version.killGracePeriod * 1e9) } } }
        : {}),
      labels: { labels },
      ...(data === undefined ? {} : { data }),
    };
  });
  return { type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } };
}

/**
 * The original's CUSTOM executor (spec/bcs-behaviour.md §3.5, `CreateBcsExecutorInfo`): id = taskgroup id,
 * name `BcsExec`, source `bcs`, the executor binary fetched (executable) from `uri`, and the command
 * `./<binary>` with `--network-mode <networktype>` when the version sets one. The original also passed
 * `--user <u> --uuid <DES(password)>` (image-pull credentials); this scheduler has none (and the original's
 * defaults were empty, which left `--user --uuid` for the executor to misparse), so they are left out. The
 * BCS executor sets up the network itself, so the executor has no container.
 */
function bcsExecutor(input: LaunchGroupInput, uri: string, resources: MesosResource[]): MesosExecutorInfo {
  const binary = uri.split('/').pop() || uri;
  const networkType = input.version.networkType.trim();
  return {
    type: 'CUSTOM',
    executor_id: { value: input.taskGroupId },
    framework_id: { value: input.frameworkId },
    name: 'BcsExec',
    source: 'bcs',
    command: {
      uris: [{ value: uri, executable: true }],
      value: `./${binary}${networkType === '' ? '' : ` --network-mode ${networkType}`}`,
    },
    resources,
  };
}

function scalarResources(amounts: ResourceAmounts, role: string): MesosResource[] {
  const out: MesosResource[] = [];
  for (const name of ['cpus', 'mem', 'disk'] as const) {
    const value = amounts[name];
    if (value > 0) out.push({ name, type: 'SCALAR', scalar: { value }, role });
  }
  return out;
}

function executorContainer(
  version: Version,
  placement: Placement,
  bridgeNetwork: string,
): MesosContainerInfo | undefined {
  const network = networkOf(version);
  if (network === 'BRIDGE') {
    const portMappings = placement.portMappings.flat().filter((m) => m.hostPort > 0);
    return {
      type: 'MESOS',
      network_infos: [
        {
          name: bridgeNetwork,
          ...(portMappings.length === 0
            ? {}
            : {
                port_mappings: portMappings.map((m) => ({
                  host_port: m.hostPort,
                  container_port: m.containerPort,
                  // Mesos maps `tcp` or `udp` (mesos.proto PortMapping); HTTP and other application
                  // protocols travel over tcp.
                  protocol: m.protocol.toUpperCase() === 'UDP' ? 'udp' : 'tcp',
                })),
              }),
        },
      ],
    };
  }
  if (network !== 'USER') return undefined;
  const mode = version.networkMode.trim();
  const name = mode.toUpperCase() === 'USER' ? version.namespace : mode;
  return { type: 'MESOS', network_infos: [{ name }] };
}

function taskContainer(spec: ContainerSpec): MesosContainerInfo {
  return {
    type: 'MESOS',
    mesos: { image: { type: 'DOCKER', docker: { name: spec.image } } },
    ...(spec.volumes.length === 0
      ? {}
      : {
          volumes: spec.volumes.map((v) => ({
            container_path: v.mountPath,
            host_path: v.hostPath,
            mode: v.readOnly ? ('RO' as const) : ('RW' as const),
          })),
        }),
  };
}

function commandOf(
  spec: ContainerSpec,
  mappings: readonly PortMapping[],
  vars: ReadonlyMap<string, string>,
  dataEnv: readonly { name: string; value: string }[],
): MesosCommandInfo {
  const variables = spec.env.map((e) => ({
    name: expandBcsTemplates(e.name, vars),
    value: expandBcsTemplates(e.value, vars),
  }));
  const named = new Set(variables.map((v) => v.name));
  for (const m of mappings) {
    const name = `PORT_${m.name}`;
    if (named.has(name)) continue;
    named.add(name);
    variables.push({ name, value: String(m.hostPort > 0 ? m.hostPort : m.containerPort) });
  }
  // Configmap and secret variables last, as the BCS executor appended them (a later one wins).
  for (const variable of dataEnv) variables.push(variable);
  const command = spec.command.trim();
  return {
    shell: false,
    ...(command === '' ? {} : { value: command }),
    ...(command === '' && spec.args.length === 0
      ? {}
      : { arguments: command === '' ? spec.args : [command, ...spec.args] }),
    ...(variables.length === 0 ? {} : { environment: { variables } }),
  };
}

function templateVars(input: LaunchGroupInput, podName: string): Map<string, string> {
  const { placement } = input;
  const vars = new Map<string, string>([
    ['appname', placement.request.appId],
    ['namespace', placement.request.namespace],
    ['instanceid', String(placement.request.index)],
    ['hostip', placement.innerIp ?? placement.hostname],
    ['taskgroupid', input.taskGroupId],
    ['taskgroupname', podName],
  ]);
  for (const m of placement.portMappings.flat()) {
    if (m.hostPort > 0 && !vars.has(`ports.${m.name}`)) vars.set(`ports.${m.name}`, String(m.hostPort));
  }
  return vars;
}

/**
 * `text` with every `${bcs.<var>}` replaced from `vars` (keys without the `bcs.` prefix); unknown templates
 * are left as they are (§3.5).
 *
 * Examples with {appname: web, ports.http: 31000}: `${bcs.appname}-x` → `web-x`; `:${bcs.ports.http}` →
 * `:31000`; `${bcs.other}` → `${bcs.other}`; `$HOME` → `$HOME`.
 */
export function expandBcsTemplates(text: string, vars: ReadonlyMap<string, string>): string {
  if (!text.includes('${bcs.')) return text;
  return text.replace(/\$\{bcs\.([^}]+)\}/g, (whole, key: string) => vars.get(key) ?? whole);
}

function taskLabels(input: LaunchGroupInput, podName: string): { key: string; value: string }[] {
  const labels = new Map(Object.entries(input.version.labels));
  labels.set('namespace', input.placement.request.namespace);
  labels.set('pod_name', podName);
  if (input.clusterId !== undefined) labels.set('cluster', input.clusterId);
  const ip = input.placement.requestedIp;
  if (ip !== undefined) labels.set(REQUEST_IP_PREFIX.slice(0, -1), ip);
  return [...labels].map(([key, value]) => ({ key, value }));
}

const LOCAL_CHECKS: ReadonlySet<string> = new Set(['COMMAND', 'HTTP', 'TCP']);

/**
 * The Mesos health check of a container (§7): from its **first** local check (COMMAND, HTTP or TCP; remote
 * ones are run by BCS, not Mesos). COMMAND needs a non-blank value and runs in a shell; HTTP and TCP check
 * `port`, or the container port of the port named `portName` as placed (`mappings`). A first check that
 * cannot be resolved gives no health check (later ones are not tried, as in the original). Times and
 * `consecutiveFailures` are copied when > 0; Mesos' defaults apply otherwise.
 *
 * Examples: [REMOTE_HTTP, TCP portName `http`], mapping http 80→31000 → `{type TCP, tcp {port 80}}`;
 * [HTTP port 8080 path /hc scheme HTTP] → `{type HTTP, http {scheme 'http', port 8080, path '/hc'}}`;
 * [TCP portName `nope`] → undefined; [COMMAND `  `] → undefined.
 */
export function healthCheckOf(
  spec: Pick<ContainerSpec, 'healthChecks'>,
  mappings: readonly PortMapping[],
): MesosHealthCheck | undefined {
  const check = spec.healthChecks.find((c) => c.type !== undefined && LOCAL_CHECKS.has(c.type));
  if (check === undefined) return undefined;
  const timing = {
    ...positive('delay_seconds', check.delaySeconds),
    ...positive('interval_seconds', check.intervalSeconds),
    ...positive('timeout_seconds', check.timeoutSeconds),
    ...positive('consecutive_failures', check.consecutiveFailures),
    ...positive('grace_period_seconds', check.gracePeriodSeconds),
  };
  if (check.type === 'COMMAND') {
    const value = check.command?.value.trim() ?? '';
    return value === '' ? undefined : { type: 'COMMAND', command: { shell: true, value }, ...timing };
  }
  const target = check.type === 'HTTP' ? check.http : check.tcp;
  const port =
    target?.port !== undefined && target.port > 0
      ? target.port
      : mappings.find((m) => target?.portName !== undefined && m.name === target.portName)?.containerPort;
  if (port === undefined || port <= 0) return undefined;
  if (check.type === 'TCP') return { type: 'TCP', tcp: { port }, ...timing };
  const http = check.http;
  return {
    type: 'HTTP',
    http: {
      ...(http?.scheme === undefined || http.scheme === '' ? {} : { scheme: http.scheme.toLowerCase() }),
      port,
      ...(http?.path === undefined || http.path === '' ? {} : { path: http.path }),
    },
    ...timing,
  };
}

function positive<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return value !== undefined && value > 0 ? ({ [key]: value } as { [P in K]?: number }) : {};
}
