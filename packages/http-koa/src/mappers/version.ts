import type {
  ConfigMapRefSpec,
  Constraint,
  ContainerSpec,
  DataItemSpec,
  HealthCheckDefinition,
  SecretRefSpec,
  Version,
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
} from './common.js';
import { redactCredentials } from './redact.js';
import {
  type BcsDataClass,
  type BcsPortMapping,
  type BcsVolume,
  toBcsDataClass,
  toBcsVolume,
} from './taskgroup.js';

/** Go's `types.Docker` (image credentials are never echoed). */
export interface BcsDocker {
  readonly Hostname: string;
  readonly ForcePullImage: boolean;
  readonly Image: string;
  readonly Network: string;
  readonly NetworkType: string;
  readonly Command: string;
  readonly Arguments: readonly string[];
  readonly Parameters: readonly { readonly Key: string; readonly Value: string }[];
  readonly PortMappings: readonly BcsPortMapping[];
  readonly Env: Readonly<Record<string, string>>;
  readonly Privileged: boolean;
}

/** Go's `types.Container` of a version; `LimitResoures` [sic]. */
export interface BcsContainer {
  readonly Type: string;
  readonly Docker: BcsDocker;
  readonly Volumes: readonly BcsVolume[];
  readonly Resources: BcsResource;
  /** [sic]: the original's field name. */
  readonly LimitResoures: BcsResource;
  readonly DataClass: BcsDataClass;
  readonly ConfigMaps: readonly BcsConfigMapRef[];
  readonly Secrets: readonly BcsSecretRef[];
  readonly HealthChecks: readonly HealthCheckDefinition[];
  readonly NetLimit: null;
}

/** `commtypes.KeyToPath` / `SecretItem` (JSON-tagged, `omitempty` fields left out when empty). */
export interface BcsDataItem {
  readonly type: 'env' | 'file';
  readonly dataKey: string;
  readonly keyOrPath: string;
  readonly readOnly?: true;
  readonly user?: string;
}

/** `commtypes.ConfigMap`: a container's reference to a configmap. */
export interface BcsConfigMapRef {
  readonly name: string;
  readonly items: readonly (BcsDataItem & { readonly dataKeyAlias: string })[];
}

/** `commtypes.Secret`: a container's reference to a secret. */
export interface BcsSecretRef {
  readonly secretName: string;
  readonly items: readonly BcsDataItem[];
}

/** `commtypes.Process` (JSON-tagged), as far as a version's `ContainerSpec` knows it. */
export interface BcsProcess {
  readonly procName: string;
  readonly startCmd: string;
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly ports: readonly { name: string; hostPort: number; containerPort: number; protocol: string }[];
  readonly healthChecks: readonly HealthCheckDefinition[];
  /** `omitempty`: present only when the process references configmaps or secrets. */
  readonly configmaps?: readonly BcsConfigMapRef[];
  readonly secrets?: readonly BcsSecretRef[];
}

/**
 * A version as the original answered it: Go's `types.Version` (spec/bcs-behaviour.md §1.3, §6). `ID` is the
 * application name and `Name` the version id (Unix nanos), as the original stored them; the client's
 * definition is under `raw_json` (the one JSON-tagged field), credentials redacted (`redact.ts`).
 */
export interface BcsVersion {
  readonly ID: string;
  readonly Name: string;
  readonly ObjectMeta: BcsObjectMeta;
  readonly PodObjectMeta: BcsObjectMeta;
  readonly Instances: number;
  readonly RunAs: string;
  readonly Container: readonly BcsContainer[];
  readonly Process: readonly BcsProcess[];
  readonly Labels: Readonly<Record<string, string>>;
  readonly KillPolicy: BcsKillPolicy | null;
  readonly RestartPolicy: BcsRestartPolicy | null;
  readonly Constraints: Constraint | null;
  readonly Uris: readonly string[];
  readonly Ip: readonly string[];
  readonly Mode: string;
  readonly Kind: string;
  readonly raw_json: unknown;
}

/**
 * `version` in the original's shape: containers under `Container` (kind `application`) or processes under
 * `Process` (kind `process`).
 *
 * Example: version `1795500240000000000` of `app-test` → `{ ID: 'app-test', Name: '1795500240000000000', … }`.
 */
export function toBcsVersion(version: Version): BcsVersion {
  const isProcess = version.kind === 'process';
  return {
    ID: version.appId,
    Name: version.id,
    ObjectMeta: toBcsObjectMeta(version.appId, version.namespace, version.createdAt, version),
    PodObjectMeta: toBcsObjectMeta(version.appId, version.namespace, version.createdAt, version),
    Instances: version.instances,
    RunAs: version.namespace,
    Container: isProcess ? [] : version.containers.map((c) => toBcsContainer(c, version)),
    Process: isProcess ? version.containers.map(toBcsProcess) : [],
    Labels: version.labels,
    KillPolicy: toBcsKillPolicy(version),
    RestartPolicy: toBcsRestartPolicy(version),
    Constraints: version.constraint ?? null,
    Uris: [],
    Ip: [],
    Mode: '',
    Kind: version.kind,
    raw_json: redactCredentials(version.raw ?? null),
  };
}

/** One container of `version` as Go's `types.Container`. */
export function toBcsContainer(container: ContainerSpec, version: Version): BcsContainer {
  return {
    Type: '',
    Docker: {
      Hostname: '',
      ForcePullImage: container.forcePull,
      Image: container.image,
      Network: version.networkMode,
      NetworkType: version.networkType,
      Command: container.command,
      Arguments: container.args,
      Parameters: container.parameters.map((p) => ({ Key: p.key, Value: p.value })),
      PortMappings: container.ports.map((p) => ({
        ContainerPort: p.containerPort,
        HostPort: p.hostPort,
        Name: p.name,
        Protocol: p.protocol,
      })),
      Env: Object.fromEntries(container.env.map((e) => [e.name, e.value])),
      Privileged: container.privileged,
    },
    Volumes: container.volumes.map(toBcsVolume),
    Resources: toBcsResource(container.resources),
    LimitResoures: toBcsResource(container.limits),
    DataClass: toBcsDataClass(container),
    ConfigMaps: (container.configMaps ?? []).map(toBcsConfigMapRef),
    Secrets: (container.secrets ?? []).map(toBcsSecretRef),
    HealthChecks: container.healthChecks,
    NetLimit: null,
  };
}

function toBcsDataItem(item: DataItemSpec): BcsDataItem {
  return {
    type: item.type,
    dataKey: item.dataKey,
    keyOrPath: item.keyOrPath,
    ...(item.readOnly ? { readOnly: true as const } : {}),
    ...(item.user === '' ? {} : { user: item.user }),
  };
}

function toBcsConfigMapRef(ref: ConfigMapRefSpec): BcsConfigMapRef {
  return { name: ref.name, items: ref.items.map((i) => ({ ...toBcsDataItem(i), dataKeyAlias: '' })) };
}

function toBcsSecretRef(ref: SecretRefSpec): BcsSecretRef {
  return { secretName: ref.secretName, items: ref.items.map(toBcsDataItem) };
}

function toBcsProcess(process: ContainerSpec): BcsProcess {
  return {
    procName: process.name,
    startCmd: process.command,
    env: process.env,
    ports: process.ports.map((p) => ({ ...p })),
    healthChecks: process.healthChecks,
    ...(process.configMaps === undefined ? {} : { configmaps: process.configMaps.map(toBcsConfigMapRef) }),
    ...(process.secrets === undefined ? {} : { secrets: process.secrets.map(toBcsSecretRef) }),
  };
}
