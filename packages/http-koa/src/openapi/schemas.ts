import { HEALTH_CHECK_TYPES, MESSAGE_TYPES } from '@bcs/core';
import { type TSchema, Type } from '@sinclair/typebox';

/**
 * TypeBox schemas of what the v4 routes answer (`data` of the envelope), for the OpenAPI document. Requests are
 * described by core's own validation schemas; these describe responses, which core's services and this
 * package's mappers produce. They list the fields every answer has, with their types; an answer may carry
 * more (objects are open), so a new field is not a breaking change of the document. The response test
 * (test/openapi/responses.test.ts) validates real answers against them.
 */

const Str = (options: { description?: string } = {}) => Type.String(options);
const Num = () => Type.Number();
const Bool = () => Type.Boolean();
const StringMap = () => Type.Record(Type.String(), Type.String());
const Nullable = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);

/** The v4 envelope around `data` (spec/api-v4.md "返回格式"). */
export function envelopeOf(data: TSchema, options: { description?: string } = {}): TSchema {
  return Type.Object(
    {
      result: Type.Literal(true),
      code: Type.Literal(0),
      message: Str(),
      data,
    },
    options,
  );
}

/** An error answer: `result` false, a non-zero code, the message, `data` null. */
export const ErrorEnvelopeSchema = Type.Object(
  {
    result: Type.Literal(false),
    code: Type.Integer({ minimum: 1, description: 'the v4 error code, e.g. 1405008 for an invalid body' }),
    message: Str(),
    data: Type.Null(),
  },
  { description: 'The v4 envelope of an error: data is null' },
);

/** `ObjectMeta` as stored and answered (`creationTimestamp` RFC 3339). */
export const ObjectMetaSchema = Type.Object({
  name: Str(),
  namespace: Str(),
  creationTimestamp: Str(),
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
  clusterName: Type.Optional(Str()),
});

const BcsResource = () => Type.Object({ Cpus: Num(), Mem: Num(), Disk: Num() });
const KillPolicy = () => Nullable(Type.Object({ gracePeriod: Num() }));
const RestartPolicy = () => Nullable(Type.Object({ policy: Str() }));
const PortMapping = () =>
  Type.Object({ ContainerPort: Num(), HostPort: Num(), Name: Str(), Protocol: Str() });
const Volume = () => Type.Object({ ContainerPath: Str(), HostPath: Str(), Mode: Str() });

/** An application in the original's field names (`toBcsApplication`). */
export const BcsApplicationSchema = Type.Object({
  Kind: Str(),
  ID: Str(),
  Name: Str(),
  ObjectMeta: ObjectMetaSchema,
  DefineInstances: Num(),
  Instances: Num(),
  RunningInstances: Num(),
  RunAs: Str(),
  ClusterId: Str(),
  Status: Str(),
  SubStatus: Str(),
  LastStatus: Str(),
  Created: Num(),
  UpdateTime: Num(),
  Mode: Str(),
  LastUpdateTime: Num(),
  Message: Str(),
  Pods: Type.Array(Type.Object({ name: Str() })),
});

/** A task of a taskgroup in the original's field names (`toBcsTask`). */
export const BcsTaskSchema = Type.Object({
  Kind: Str(),
  ID: Str(),
  Name: Str(),
  Hostame: Str({ description: '[sic]: the original field name' }),
  Command: Str(),
  Arguments: Type.Array(Str()),
  Image: Str(),
  Network: Str(),
  NetworkType: Str(),
  PortMappings: Type.Array(PortMapping()),
  Privileged: Bool(),
  Parameters: Type.Array(Type.Object({ Key: Str(), Value: Str() })),
  ForcePullImage: Bool(),
  Volumes: Type.Array(Volume()),
  Env: StringMap(),
  Labels: StringMap(),
  DataClass: Type.Object({
    Resources: Nullable(BcsResource()),
    LimitResources: Nullable(BcsResource()),
  }),
  HealthChecks: Type.Array(Type.Object({})),
  HealthCheckStatus: Type.Array(Type.Object({ type: Str(), result: Bool(), message: Str() })),
  Healthy: Bool(),
  IsChecked: Bool(),
  ConsecutiveFailureTimes: Num(),
  LocalMaxConsecutiveFailures: Num(),
  OfferId: Str(),
  AgentId: Str(),
  AgentHostname: Str(),
  AgentIPAddress: Str(),
  Status: Str(),
  LastStatus: Str(),
  UpdateTime: Num(),
  StatusData: Str(),
  AppId: Str(),
  RunAs: Str(),
  KillPolicy: KillPolicy(),
  Uris: Type.Array(Str()),
  LastUpdateTime: Num(),
  Message: Str(),
  Cpuset: Bool(),
  NetLimit: Type.Null(),
});

/** A taskgroup in the original's field names (`toBcsTaskGroup`). */
export const BcsTaskGroupSchema = Type.Object({
  Kind: Str(),
  ID: Str(),
  Name: Str(),
  AppID: Str(),
  RunAs: Str(),
  ObjectMeta: ObjectMetaSchema,
  AgentID: Str(),
  ExecutorID: Str(),
  Status: Str(),
  LastStatus: Str(),
  InstanceID: Num(),
  Taskgroup: Type.Array(BcsTaskSchema),
  KillPolicy: KillPolicy(),
  RestartPolicy: RestartPolicy(),
  VersionName: Str(),
  LastUpdateTime: Num(),
  Attributes: Type.Array(Type.Object({ name: Str(), type: Num() })),
  StartTime: Num(),
  UpdateTime: Num(),
  ReschededTimes: Num(),
  LastReschedTime: Num(),
  HostName: Str(),
  Message: Str(),
  LaunchResource: BcsResource(),
  CurrResource: BcsResource(),
  BcsEventMsg: Type.Null(),
});

/** A version of an application in the original's field names (`toBcsVersion`). */
export const BcsVersionSchema = Type.Object({
  ID: Str(),
  Name: Str(),
  ObjectMeta: ObjectMetaSchema,
  PodObjectMeta: ObjectMetaSchema,
  Instances: Num(),
  RunAs: Str(),
  Container: Type.Array(
    Type.Object({
      Type: Str(),
      Docker: Type.Object({ Image: Str(), Network: Str(), PortMappings: Type.Array(PortMapping()) }),
      Resources: BcsResource(),
      LimitResoures: BcsResource(),
    }),
  ),
  Process: Type.Array(Type.Object({})),
  Labels: StringMap(),
  KillPolicy: KillPolicy(),
  RestartPolicy: RestartPolicy(),
  Constraints: Nullable(Type.Object({})),
  Uris: Type.Array(Str()),
  Ip: Type.Array(Str()),
  Mode: Str(),
  Kind: Str(),
  raw_json: Type.Unknown(),
});

/** The definition as it was sent (credentials redacted): a JSON object. */
export const DefinitionSchema = Type.Object(
  { apiVersion: Type.Optional(Str()), kind: Str(), metadata: Type.Object({ name: Str() }) },
  { description: 'The definition as last sent, image credentials redacted' },
);

const RolloutApp = () => Type.Object({ name: Str(), desired: Num(), running: Num(), available: Num() });

/** A deployment as the API shows it (`deploymentBody`). */
export const DeploymentBodySchema = Type.Object({
  name: Str(),
  namespace: Str(),
  labels: StringMap(),
  selector: StringMap(),
  instance: Num(),
  strategy: Type.Object({
    maxUnavailable: Num(),
    maxSurge: Num(),
    upgradeDuration: Num(),
    rollingManually: Bool(),
    rollingOrder: Type.Union([Type.Literal('CreateFirst'), Type.Literal('DeleteFirst')]),
  }),
  status: Str(),
  message: Str(),
  application: Nullable(RolloutApp()),
  rollout: Nullable(
    Type.Object({
      phase: Type.Union(
        ['rolling', 'paused', 'suspended', 'cancelling', 'done', 'cancelled'].map((p) => Type.Literal(p)),
      ),
      deploymentStatus: Str(),
      step: Num(),
      stage: Type.Optional(
        Type.Object({
          kind: Str(),
          direction: Type.Union([Type.Literal('up'), Type.Literal('down')]),
          from: Num(),
          target: Num(),
          startedAt: Num(),
        }),
      ),
      old: RolloutApp(),
      new: RolloutApp(),
      paused: Bool(),
      pauseRequested: Bool(),
      failures: Num(),
      maxFailovers: Num(),
      message: Str(),
    }),
  ),
  createdAt: Num(),
  updatedAt: Num(),
});

const BcsAgentAttribute = () =>
  Type.Object({ name: Str(), type: Type.Integer({ minimum: 101, maximum: 104 }) });

/** `GET /cluster/resources`. */
export const ClusterResourcesSchema = Type.Object({
  cputotal: Num(),
  memtotal: Num(),
  disktotal: Num(),
  cpuused: Num(),
  memused: Num(),
  diskused: Num(),
  agents: Type.Array(
    Type.Object({
      hostname: Str(),
      ip: Str(),
      cputotal: Num(),
      memtotal: Num(),
      disktotal: Num(),
      cpuused: Num(),
      memused: Num(),
      diskused: Num(),
      disabled: Bool(),
      host_attributes: Type.Array(BcsAgentAttribute()),
      attributes: Type.Array(BcsAgentAttribute()),
    }),
  ),
});

/** One entry of `GET /cluster/current/offers`. */
export const OfferViewSchema = Type.Object({
  resources: Type.Array(Type.Object({ name: Str(), type: Type.Integer({ minimum: 0, maximum: 3 }) })),
  attributes: Type.Array(Type.Object({ name: Str(), type: Type.Integer({ minimum: 0, maximum: 3 }) })),
  deltaResource: BcsResource(),
});

const SchedulerEndpoint = () =>
  Type.Object({
    ip: Str(),
    port: Num(),
    hostname: Str(),
    scheme: Type.Union([Type.Literal('http'), Type.Literal('https')]),
    version: Str(),
    cluster: Str(),
    pid: Num(),
    url: Type.Optional(Str()),
    leader: Type.Optional(Bool()),
  });

/** `GET /cluster/endpoints`: this scheduler (or every replica), and the link to the Mesos master. */
export const ClusterEndpointsSchema = Type.Object({
  mesosscheduler: Type.Array(SchedulerEndpoint()),
  mesosmaster: Type.Array(Type.Unknown()),
  mesos: Type.Optional(
    Type.Object({
      master: Str(),
      state: Str(),
      since: Num(),
      frameworkId: Type.Optional(Str()),
      lastError: Type.Optional(Str()),
      reason: Type.Optional(Str()),
    }),
  ),
});

/** `GET /namespaces/{ns}/services/{name}/endpoints`. */
export const ServiceEndpointsSchema = Type.Object({
  kind: Type.Optional(Str()),
  metadata: ObjectMetaSchema,
  eps: Type.Array(
    Type.Object({
      networkMode: Str(),
      nodeIP: Str(),
      containerIP: Str(),
      targetRef: Type.Object({
        kind: Type.Literal('taskgroup'),
        id: Str(),
        name: Str(),
        namespace: Str(),
        image: Str(),
      }),
      ports: Type.Array(
        Type.Object({
          name: Str(),
          hostPort: Num(),
          containerPort: Num(),
          hostIP: Type.Optional(Str()),
          protocol: Str(),
        }),
      ),
    }),
  ),
});

/** An agent setting as stored (`GET /agentsettings`). */
export const AgentSettingViewSchema = Type.Object({
  innerIP: Str(),
  disabled: Bool(),
  strings: Type.Record(Type.String(), Type.Object({ value: Str() })),
  scalars: Type.Record(Type.String(), Type.Object({ value: Num() })),
  noSchedule: StringMap(),
});

const TaskgroupMessageResult = () => Type.Object({ ID: Str(), Status: Str(), Err: Str() });

/** The answer of `…/message`: which taskgroups the MESSAGE was delivered to, and which not. */
export const MessageResultSchema = Type.Object({
  sent: Type.Array(TaskgroupMessageResult()),
  failed: Type.Array(TaskgroupMessageResult()),
});

/** A command's record (`GET /command/…?id=`, `POST /image/commit/…`). */
export const CommandRecordSchema = Type.Object({
  id: Str(),
  createTime: Num(),
  spec: Type.Object({
    commandTargetRef: Type.Object({
      kind: Str(),
      name: Str(),
      namespace: Str(),
      image: Type.Optional(Str()),
    }),
    taskgroups: Nullable(Type.Array(Str())),
    command: Type.Array(Str()),
    env: Nullable(Type.Array(Str())),
    user: Str(),
    workingDir: Str(),
    privileged: Bool(),
    reserveTime: Num(),
  }),
  status: Type.Object({
    taskgroups: Type.Array(
      Type.Object({
        taskgroupId: Str(),
        tasks: Type.Array(
          Type.Object({
            taskId: Str(),
            status: Type.Union(
              ['staging', 'running', 'finish', 'failed', 'timeout'].map((status) => Type.Literal(status)),
            ),
            message: Str(),
            commInspect: Nullable(Type.Object({ exitCode: Num(), stdout: Str(), stderr: Str() })),
            sentAt: Type.Optional(Num()),
            completedAt: Type.Optional(Num()),
          }),
        ),
      }),
    ),
  }),
  createdAt: Num(),
  timeoutAt: Num(),
  expiresAt: Num(),
  commit: Type.Optional(Type.Object({ image: Str(), url: Str(), messageId: Num() })),
});

/** A stored CustomResourceDefinition. */
export const CustomResourceDefinitionViewSchema = Type.Object({
  apiVersion: Type.Optional(Str()),
  kind: Type.Literal('CustomResourceDefinition'),
  metadata: Type.Object({ name: Str(), creationTimestamp: Str() }),
  spec: Type.Object({
    group: Str(),
    versions: Type.Array(Type.Object({ name: Str(), served: Bool(), storage: Bool() })),
    scope: Str(),
    names: Type.Object({ plural: Str(), kind: Str() }),
  }),
});

/** A stored custom resource. */
export const CustomResourceViewSchema = Type.Object({
  apiVersion: Str(),
  kind: Str(),
  metadata: Type.Object({ name: Str(), namespace: Type.Optional(Str()), creationTimestamp: Str() }),
  spec: Type.Optional(Type.Unknown()),
  status: Type.Optional(Type.Unknown()),
});

/** `POST /healthcheck` body (checked by core's `parseHealthReport`, which has no TypeBox schema). */
export const HealthReportSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256, description: 'the task id' }),
  type: Type.Union(HEALTH_CHECK_TYPES.map((t) => Type.Literal(t))),
  status: Type.Optional(Type.Boolean({ description: 'absent is false (a failure)' })),
  message: Type.Optional(Type.String({ maxLength: 4096 })),
  http: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
  tcp: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
});

/** What `POST /healthcheck` did. */
export const HealthReportOutcomeSchema = Type.Object({ recorded: Bool(), state: Str() });

/** `…/message` body (checked by core's `MessageService`, which has no TypeBox schema). */
export const MessageBodySchema = Type.Object({
  msgtype: Type.Union(MESSAGE_TYPES.map((t) => Type.Literal(t))),
  msgdata: Type.Object({}, { description: 'depends on msgtype; see the http-koa README' }),
  name: Type.Optional(Str()),
  namespace: Type.Optional(Str()),
  taskgroupid: Type.Optional(Str()),
});
