import {
  type ContainerSpec,
  type HealthCheckDefinition,
  healthCheckKeyOf,
  isLocalCheckType,
  type Task,
  type TaskGroup,
  type Version,
} from '@bcs/core';
import {
  type BcsKillPolicy,
  type BcsObjectMeta,
  type BcsResource,
  type BcsRestartPolicy,
  toBcsKillPolicy,
  toBcsObjectMeta,
  toBcsResource,
  toBcsRestartPolicy,
  unixSeconds,
} from './common.js';

/** Go's `types.PortMapping`. */
export interface BcsPortMapping {
  readonly ContainerPort: number;
  readonly HostPort: number;
  readonly Name: string;
  readonly Protocol: string;
}

/** Go's `types.Volume`: `Mode` is `R` (read-only) or `RW`. */
export interface BcsVolume {
  readonly ContainerPath: string;
  readonly HostPath: string;
  readonly Mode: 'R' | 'RW';
}

/** Go's `types.DataClass` as far as a version knows it. */
export interface BcsDataClass {
  readonly Resources: BcsResource | null;
  readonly LimitResources: BcsResource | null;
  readonly ExtendedResources: null;
  readonly Msgs: readonly never[];
  readonly NetLimit: null;
  readonly ProcInfo: null;
}

/** A health check's status entry (`commtypes.BcsHealthCheckStatus`, JSON-tagged). */
export interface BcsHealthCheckStatus {
  readonly type: string;
  readonly result: boolean;
  readonly message: string;
}

/** A Mesos agent attribute as Go's encoding/json wrote the protobuf struct: `type` 0 SCALAR, 3 TEXT. */
export type BcsAttribute =
  | { readonly name: string; readonly type: 0; readonly scalar: { readonly value: number } }
  | { readonly name: string; readonly type: 3; readonly text: { readonly value: string } };

/**
 * A task as the original answered it: Go's `types.Task` (spec/bcs-behaviour.md §1.3), `Hostame` [sic]
 * included. Image credentials are never echoed, so `ImagePullUser`/`ImagePullPasswd` are left out.
 */
export interface BcsTask {
  readonly Kind: string;
  readonly ID: string;
  readonly Name: string;
  /** [sic]: the original's field name. The container hostname; `''` (not kept in `ContainerSpec`). */
  readonly Hostame: string;
  readonly Command: string;
  readonly Arguments: readonly string[];
  readonly Image: string;
  readonly Network: string;
  readonly NetworkType: string;
  readonly PortMappings: readonly BcsPortMapping[];
  readonly Privileged: boolean;
  readonly Parameters: readonly { readonly Key: string; readonly Value: string }[];
  readonly ForcePullImage: boolean;
  readonly Volumes: readonly BcsVolume[];
  readonly Env: Readonly<Record<string, string>>;
  readonly Labels: Readonly<Record<string, string>>;
  readonly DataClass: BcsDataClass;
  readonly Cpuset: boolean;
  readonly HealthChecks: readonly HealthCheckDefinition[];
  readonly HealthCheckStatus: readonly BcsHealthCheckStatus[];
  readonly Healthy: boolean;
  readonly IsChecked: boolean;
  readonly ConsecutiveFailureTimes: number;
  readonly LocalMaxConsecutiveFailures: number;
  readonly OfferId: string;
  readonly AgentId: string;
  readonly AgentHostname: string;
  readonly AgentIPAddress: string;
  readonly Status: string;
  readonly LastStatus: string;
  /** Unix seconds. */
  readonly UpdateTime: number;
  /** The executor's `BcsContainerInfo` JSON; ours holds only `IPAddress` when the container IP is known. */
  readonly StatusData: string;
  readonly AppId: string;
  readonly RunAs: string;
  readonly KillPolicy: BcsKillPolicy | null;
  readonly Uris: readonly string[];
  /** Unix seconds. */
  readonly LastUpdateTime: number;
  readonly Message: string;
  readonly NetLimit: null;
}

/** A taskgroup as the original answered it: Go's `types.TaskGroup` (spec/bcs-behaviour.md §1.3). */
export interface BcsTaskGroup {
  readonly Kind: string;
  readonly ID: string;
  /** `<app>-<index>`. */
  readonly Name: string;
  readonly AppID: string;
  readonly RunAs: string;
  /** The pod's metadata: `name` is the taskgroup id. */
  readonly ObjectMeta: BcsObjectMeta;
  readonly AgentID: string;
  /** The taskgroup id. */
  readonly ExecutorID: string;
  /** Also our `Pending` (not placed yet). */
  readonly Status: string;
  readonly LastStatus: string;
  /** The instance index. */
  readonly InstanceID: number;
  readonly Taskgroup: readonly BcsTask[];
  readonly KillPolicy: BcsKillPolicy | null;
  readonly RestartPolicy: BcsRestartPolicy | null;
  readonly VersionName: string;
  /** Unix seconds. */
  readonly LastUpdateTime: number;
  readonly Attributes: readonly BcsAttribute[];
  /** Unix seconds; 0 until it first ran. */
  readonly StartTime: number;
  /** Unix seconds. */
  readonly UpdateTime: number;
  /** Restarts of this instance. */
  readonly ReschededTimes: number;
  /** Unix seconds; 0 when never restarted. */
  readonly LastReschedTime: number;
  readonly HostName: string;
  readonly Message: string;
  readonly LaunchResource: BcsResource;
  readonly CurrResource: BcsResource;
  readonly BcsEventMsg: null;
}

/**
 * `tg` in the original's shape; `version` (the taskgroup's) supplies the policies, labels and container
 * details of its tasks. Times are Unix seconds.
 *
 * Example: `{ id '0.app-test.defaultGroup.10001.1527839061316356269', index 0, restarts 2 }` →
 * `{ ID …, ExecutorID …, InstanceID 0, ReschededTimes 2, … }`.
 */
export function toBcsTaskGroup(tg: TaskGroup, version?: Version): BcsTaskGroup {
  return {
    Kind: version?.kind ?? 'application',
    ID: tg.id,
    Name: tg.name,
    AppID: tg.appId,
    RunAs: tg.namespace,
    ObjectMeta: toBcsObjectMeta(tg.id, tg.namespace, tg.createdAt, version),
    AgentID: tg.agentId ?? '',
    ExecutorID: tg.id,
    Status: tg.status,
    LastStatus: tg.lastStatus ?? '',
    InstanceID: tg.index,
    Taskgroup: tg.tasks.map((task) => toBcsTask(task, tg, version)),
    KillPolicy: toBcsKillPolicy(version),
    RestartPolicy: toBcsRestartPolicy(version),
    VersionName: tg.versionId,
    LastUpdateTime: unixSeconds(tg.updatedAt),
    Attributes: Object.entries(tg.attributes).map(([name, value]) => toBcsAttribute(name, value)),
    StartTime: unixSeconds(tg.startedAt),
    UpdateTime: unixSeconds(tg.updatedAt),
    ReschededTimes: tg.restarts,
    LastReschedTime: unixSeconds(tg.lastRestartAt),
    HostName: tg.hostname ?? '',
    Message: tg.message,
    LaunchResource: toBcsResource(tg.resources),
    CurrResource: toBcsResource(tg.resources),
    BcsEventMsg: null,
  };
}

/**
 * One task of `tg` in the original's shape. The container it runs is `version.containers[task.containerIndex]`;
 * without it the container fields are empty. Health (spec/bcs-behaviour.md §7, issue 13): `Healthy` is false
 * only when the task is unhealthy (true while unknown, as the original started it); `IsChecked` is true once
 * any check reported (false = unknown); each `HealthCheckStatus` entry carries its check's last result and
 * message (local types share the executor's verdict; true until reported).
 *
 * Example: a task updated at epoch ms 1795500240999 → `UpdateTime: 1795500240`, `Hostame: ''`.
 */
export function toBcsTask(task: Task, tg: TaskGroup, version?: Version): BcsTask {
  const container: ContainerSpec | undefined = version?.containers[task.containerIndex];
  const healthChecks = container?.healthChecks ?? [];
  const health = task.health;
  return {
    Kind: version?.kind ?? 'application',
    ID: task.id,
    Name: task.name,
    Hostame: '',
    Command: container?.command ?? '',
    Arguments: container?.args ?? [],
    Image: task.image,
    Network: version?.networkMode ?? '',
    NetworkType: version?.networkType ?? '',
    PortMappings: task.portMappings.map((p) => ({
      ContainerPort: p.containerPort,
      HostPort: p.hostPort,
      Name: p.name,
      Protocol: p.protocol,
    })),
    Privileged: container?.privileged ?? false,
    Parameters: (container?.parameters ?? []).map((p) => ({ Key: p.key, Value: p.value })),
    ForcePullImage: container?.forcePull ?? false,
    Volumes: (container?.volumes ?? []).map(toBcsVolume),
    Env: Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value])),
    Labels: version?.labels ?? {},
    DataClass: toBcsDataClass(container),
    Cpuset: false,
    HealthChecks: healthChecks,
    HealthCheckStatus: healthChecks.map((check) => {
      const key = healthCheckKeyOf(check.type);
      const outcome = key === undefined ? undefined : health?.checks[key];
      return { type: check.type ?? '', result: outcome?.result ?? true, message: outcome?.message ?? '' };
    }),
    Healthy: task.healthy !== false,
    IsChecked: health !== undefined && health.state !== 'unknown',
    ConsecutiveFailureTimes: health?.consecutiveFailures ?? 0,
    LocalMaxConsecutiveFailures: healthChecks.find(isLocalCheck)?.consecutiveFailures ?? 0,
    OfferId: '',
    AgentId: tg.agentId ?? '',
    AgentHostname: tg.hostname ?? '',
    AgentIPAddress: tg.agentIp ?? '',
    Status: task.status,
    LastStatus: task.lastStatus ?? '',
    UpdateTime: unixSeconds(task.updatedAt),
    StatusData: task.containerIp === undefined ? '' : JSON.stringify({ IPAddress: task.containerIp }),
    AppId: tg.appId,
    RunAs: tg.namespace,
    KillPolicy: toBcsKillPolicy(version),
    Uris: [],
    LastUpdateTime: unixSeconds(task.updatedAt),
    Message: task.message,
    NetLimit: null,
  };
}

/** A volume as Go's `types.Volume`. */
export function toBcsVolume(volume: ContainerSpec['volumes'][number]): BcsVolume {
  return { ContainerPath: volume.mountPath, HostPath: volume.hostPath, Mode: volume.readOnly ? 'R' : 'RW' };
}

/** A container's `DataClass`: requests and limits (`null` without a container). */
export function toBcsDataClass(container: ContainerSpec | undefined): BcsDataClass {
  return {
    Resources: container === undefined ? null : toBcsResource(container.resources),
    LimitResources: container === undefined ? null : toBcsResource(container.limits),
    ExtendedResources: null,
    Msgs: [],
    NetLimit: null,
    ProcInfo: null,
  };
}

function isLocalCheck(check: HealthCheckDefinition): boolean {
  return isLocalCheckType(check.type);
}

function toBcsAttribute(name: string, value: string | number): BcsAttribute {
  return typeof value === 'number'
    ? { name, type: 0, scalar: { value } }
    : { name, type: 3, text: { value } };
}
