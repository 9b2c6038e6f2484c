/**
 * What the OpenAPI document says about each v4 route, keyed by `METHOD path` with the route's koa path under
 * the v4 prefix, exactly as the route files register it (`GET /namespaces/:ns/configmaps/:name`). The routes
 * themselves come from the routers (`buildOpenApiDocument` walks their stacks): a route without an entry here
 * fails the document's build (and test/openapi/document.test.ts), and an entry without a route is an error
 * too, so the table and the routers cannot drift apart. Schemas are named: `OPENAPI_SCHEMAS` (document.ts) maps each
 * name to a TypeBox schema, core's request schemas or this package's response schemas.
 */

/** A schema named in `components.schemas`, an array of one, or `null` (the route answers `data: null`). */
export type SchemaUse =
  | { readonly ref: string }
  | { readonly arrayOf: string }
  | { readonly oneOf: readonly SchemaUse[] }
  | { readonly type: 'string' }
  | null;

/** A query parameter of an operation. */
export interface QueryParam {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly required?: boolean;
}

/** One operation of the document. */
export interface OperationSpec {
  readonly summary: string;
  readonly tag: string;
  readonly description?: string;
  /** The JSON request body, when the route reads one. */
  readonly request?: SchemaUse;
  /** `data` of the success envelope. */
  readonly response: SchemaUse;
  readonly query?: readonly QueryParam[];
  /** Path parameters' descriptions (default: a name). */
  readonly params?: Readonly<Record<string, string>>;
}

export const ref = (name: string): SchemaUse => ({ ref: name });
export const arrayOf = (name: string): SchemaUse => ({ arrayOf: name });

const WHOLE = { type: 'string', pattern: '^\\d{1,9}$' } as const;
const IPS: QueryParam = {
  name: 'ips',
  description: 'comma-separated IPv4 addresses of agents',
  schema: { type: 'string' },
};

/** The five routes of a declarative namespaced kind under `base`. */
function namespacedKind(
  base: string,
  kind: string,
  schema: string,
  tag: string,
  extra: { deleteForce?: boolean } = {},
): [string, OperationSpec][] {
  return [
    [`POST ${base}`, { summary: `Create a ${kind}`, tag, request: ref(schema), response: ref(schema) }],
    [
      `PUT ${base}`,
      { summary: `Replace a ${kind} (named in the body)`, tag, request: ref(schema), response: ref(schema) },
    ],
    [`GET ${base}`, { summary: `List the ${kind}s of a namespace`, tag, response: arrayOf(schema) }],
    [`GET ${base}/:name`, { summary: `Get a ${kind}`, tag, response: ref(schema) }],
    [
      `DELETE ${base}/:name`,
      {
        summary: `Delete a ${kind}`,
        tag,
        response: null,
        query: [
          {
            name: 'force',
            description:
              extra.deleteForce === true
                ? 'true deletes it even when applications reference it'
                : 'true or false (no effect for this kind)',
            schema: { type: 'string', enum: ['true', 'false'] },
          },
        ],
      },
    ],
  ];
}

const APP = '/namespaces/:ns/applications';
const DEP = '/namespaces/:ns/deployments';

/** Every v4 operation: see the module comment. */
export const V4_OPERATIONS: ReadonlyMap<string, OperationSpec> = new Map<string, OperationSpec>([
  ...namespacedKind('/namespaces/:ns/configmaps', 'configmap', 'ConfigMap', 'configmaps', {
    deleteForce: true,
  }),
  ...namespacedKind('/namespaces/:ns/secrets', 'secret', 'Secret', 'secrets', { deleteForce: true }),
  ...namespacedKind('/namespaces/:ns/services', 'service', 'Service', 'services'),
  ...namespacedKind(
    '/crd/namespaces/:ns/admissionwebhook',
    'admission webhook configuration',
    'AdmissionWebhook',
    'admission webhooks',
  ),
  ...namespacedKind(
    '/namespaces/:ns/admissionwebhook',
    'admission webhook configuration',
    'AdmissionWebhook',
    'admission webhooks',
  ),
  [
    'GET /admissionwebhooks',
    {
      summary: 'List admission webhook configurations of every namespace',
      tag: 'admission webhooks',
      response: arrayOf('AdmissionWebhook'),
    },
  ],
  [
    'GET /crd/admissionwebhooks',
    {
      summary: 'List admission webhook configurations of every namespace',
      tag: 'admission webhooks',
      response: arrayOf('AdmissionWebhook'),
    },
  ],
  [
    'GET /namespaces/:ns/services/:name/endpoints',
    {
      summary: "A service's endpoints, from the Running taskgroups",
      tag: 'services',
      response: ref('ServiceEndpoints'),
    },
  ],

  [
    'GET /agentsettings{/}',
    {
      summary: 'List agent settings',
      tag: 'agent settings',
      response: arrayOf('AgentSettingView'),
      query: [IPS],
    },
  ],
  [
    'POST /agentsettings{/}',
    {
      summary: 'Set agent settings (replace)',
      tag: 'agent settings',
      request: arrayOf('AgentSetting'),
      response: null,
    },
  ],
  [
    'DELETE /agentsettings{/}',
    {
      summary: 'Delete agent settings',
      tag: 'agent settings',
      response: null,
      query: [{ ...IPS, required: true }],
    },
  ],
  [
    'POST /agentsettings/update',
    {
      summary: 'Change one attribute of agent settings',
      tag: 'agent settings',
      request: ref('AgentSettingUpdate'),
      response: null,
    },
  ],
  [
    'POST /agentsettings/disable',
    {
      summary: 'Disable agents (no new placements)',
      tag: 'agent settings',
      response: null,
      query: [{ ...IPS, required: true }],
    },
  ],
  [
    'POST /agentsettings/enable',
    { summary: 'Enable agents', tag: 'agent settings', response: null, query: [{ ...IPS, required: true }] },
  ],
  [
    'PUT /agentsettings/taint',
    {
      summary: "Set agents' NoSchedule taints",
      tag: 'agent settings',
      request: arrayOf('AgentTaint'),
      response: null,
    },
  ],
  [
    'GET /agentsettings/:ip',
    {
      summary: "One agent's setting",
      tag: 'agent settings',
      response: ref('AgentSettingView'),
      params: { ip: 'the agent InnerIP (IPv4)' },
    },
  ],

  ...(['/customresourcedefinitions', '/customresourcesdefinitions'] as const).flatMap(
    (base): [string, OperationSpec][] => [
      [
        `POST ${base}`,
        {
          summary: 'Create a CustomResourceDefinition',
          tag: 'custom resources',
          request: ref('CustomResourceDefinition'),
          response: ref('CustomResourceDefinitionView'),
        },
      ],
      [
        `GET ${base}`,
        {
          summary: 'List CustomResourceDefinitions',
          tag: 'custom resources',
          response: arrayOf('CustomResourceDefinitionView'),
        },
      ],
      [
        `GET ${base}/:name`,
        {
          summary: 'Get a CustomResourceDefinition',
          tag: 'custom resources',
          response: ref('CustomResourceDefinitionView'),
        },
      ],
      [
        `PUT ${base}/:name`,
        {
          summary: 'Replace a CustomResourceDefinition',
          tag: 'custom resources',
          request: ref('CustomResourceDefinition'),
          response: ref('CustomResourceDefinitionView'),
        },
      ],
      [
        `DELETE ${base}/:name`,
        {
          summary: 'Delete a CustomResourceDefinition and its resources',
          tag: 'custom resources',
          response: null,
        },
      ],
    ],
  ),
  ...(['POST', 'PUT', 'GET', 'DELETE'] as const).map((method): [string, OperationSpec] => [
    `${method} /customresources/:group/:version/*rest`,
    {
      summary: `${{ POST: 'Create', PUT: 'Replace', GET: 'Get or list', DELETE: 'Delete' }[method]} custom resources`,
      tag: 'custom resources',
      description:
        '`rest` is the rest of the path and may hold slashes: `namespaces/{ns}/{plural}[/{name}]` for a namespaced CRD, `{plural}[/{name}]` for a cluster-scoped one.',
      params: { rest: 'the rest of the path, slashes included' },
      ...(method === 'POST' || method === 'PUT' ? { request: ref('CustomResource') } : {}),
      response:
        method === 'DELETE'
          ? null
          : method === 'GET'
            ? { oneOf: [ref('CustomResourceView'), arrayOf('CustomResourceView')] }
            : ref('CustomResourceView'),
    },
  ]),

  [
    `POST ${APP}`,
    {
      summary: 'Create an application (kind application or process)',
      tag: 'applications',
      request: { oneOf: [ref('Application'), ref('ProcessApplication')] },
      response: ref('BcsApplication'),
    },
  ],
  [
    `PUT ${APP}`,
    {
      summary: 'Update an application (a rolling update of its taskgroups)',
      tag: 'applications',
      request: { oneOf: [ref('Application'), ref('ProcessApplication')] },
      response: ref('BcsApplication'),
      query: [
        { name: 'instances', description: 'how many taskgroups to update now (default all)', schema: WHOLE },
        {
          name: 'args',
          description: '`resource`: a resource-only update in place',
          schema: { type: 'string', enum: ['resource', ''] },
        },
      ],
    },
  ],
  [
    `PUT ${APP}/rollback`,
    {
      summary: 'Roll an application back to the definition sent',
      tag: 'applications',
      request: { oneOf: [ref('Application'), ref('ProcessApplication')] },
      response: ref('BcsApplication'),
    },
  ],
  [
    `GET ${APP}`,
    {
      summary: 'List the applications of a namespace',
      tag: 'applications',
      response: arrayOf('BcsApplication'),
    },
  ],
  [
    `GET ${APP}/:name`,
    { summary: 'Get an application', tag: 'applications', response: ref('BcsApplication') },
  ],
  [
    `DELETE ${APP}/:name`,
    {
      summary: 'Delete an application and its taskgroups',
      tag: 'applications',
      response: null,
      query: [
        {
          name: 'enforce',
          description: '1: delete even while it is owned by a deployment',
          schema: { type: 'string', enum: ['0', '1'] },
        },
      ],
    },
  ],
  [
    `PUT ${APP}/:name/scale/:instances`,
    {
      summary: 'Scale an application',
      tag: 'applications',
      response: ref('BcsApplication'),
      params: { instances: 'the desired instance count' },
    },
  ],
  [
    `GET ${APP}/:name/taskgroups`,
    { summary: "An application's taskgroups", tag: 'applications', response: arrayOf('BcsTaskGroup') },
  ],
  [
    `GET ${APP}/:name/tasks`,
    { summary: "An application's tasks", tag: 'applications', response: arrayOf('BcsTask') },
  ],
  [
    `PUT ${APP}/:name/taskgroups/:taskgroup/rescheduler`,
    {
      summary: 'Reschedule one taskgroup',
      tag: 'applications',
      response: ref('BcsTaskGroup'),
      query: [{ name: 'hostRetainTime', description: 'seconds to hold the old host for it', schema: WHOLE }],
    },
  ],
  [
    `GET ${APP}/:name/versions`,
    { summary: "An application's version ids", tag: 'applications', response: { arrayOf: 'string' } },
  ],
  [
    `GET ${APP}/:name/versions/:version`,
    { summary: 'One version of an application', tag: 'applications', response: ref('BcsVersion') },
  ],
  [
    'GET /definition/application/:ns/:name',
    {
      summary: "An application's definition as sent (credentials redacted)",
      tag: 'applications',
      response: ref('Definition'),
    },
  ],

  [
    `POST ${DEP}`,
    {
      summary: 'Create a deployment',
      tag: 'deployments',
      request: ref('Deployment'),
      response: ref('DeploymentBody'),
    },
  ],
  [
    `PUT ${DEP}`,
    {
      summary: 'Update a deployment (starts a rollout)',
      tag: 'deployments',
      request: ref('Deployment'),
      response: ref('DeploymentBody'),
      query: [{ name: 'args', description: '`resource` answers 501 for now', schema: { type: 'string' } }],
    },
  ],
  [
    `GET ${DEP}/:name`,
    { summary: 'Get a deployment with its rollout', tag: 'deployments', response: ref('DeploymentBody') },
  ],
  [
    `DELETE ${DEP}/:name`,
    {
      summary: 'Delete a deployment and its application',
      tag: 'deployments',
      response: null,
      query: [{ name: 'enforce', description: '0 or 1', schema: { type: 'string', enum: ['0', '1'] } }],
    },
  ],
  [
    `PUT ${DEP}/:name/cancelupdate`,
    { summary: 'Cancel the rollout in progress', tag: 'deployments', response: ref('DeploymentBody') },
  ],
  [
    `PUT ${DEP}/:name/pauseupdate`,
    { summary: 'Pause the rollout in progress', tag: 'deployments', response: ref('DeploymentBody') },
  ],
  [
    `PUT ${DEP}/:name/resumeupdate`,
    { summary: 'Resume a paused rollout', tag: 'deployments', response: ref('DeploymentBody') },
  ],
  [
    `PUT ${DEP}/:name/scale/:instances`,
    {
      summary: 'Scale a deployment',
      tag: 'deployments',
      response: ref('DeploymentBody'),
      params: { instances: 'the desired instance count (≥ 1)' },
    },
  ],
  [
    'GET /definition/deployment/:ns/:name',
    {
      summary: "A deployment's definition as sent (credentials redacted)",
      tag: 'deployments',
      response: ref('Definition'),
    },
  ],

  [
    'GET /cluster/resources',
    { summary: "The agents' resources, total and used", tag: 'cluster', response: ref('ClusterResources') },
  ],
  [
    'GET /cluster/current/offers',
    { summary: 'The latest offer of each agent', tag: 'cluster', response: arrayOf('OfferView') },
  ],
  [
    'GET /cluster/endpoints',
    {
      summary: 'This scheduler (every replica) and the link to Mesos',
      tag: 'cluster',
      response: ref('ClusterEndpoints'),
    },
  ],

  ...(['POST', 'PUT'] as const).flatMap((method): [string, OperationSpec][] => [
    [
      `${method} ${APP}/:name/message`,
      {
        summary: "Send a message or signal to an application's taskgroups (BCS executor)",
        tag: 'commands',
        request: ref('MessageBody'),
        response: ref('MessageResult'),
      },
    ],
    [
      `${method} ${APP}/:name/taskgroups/:taskgroup/message`,
      {
        summary: 'Send a message or signal to one taskgroup (BCS executor)',
        tag: 'commands',
        request: ref('MessageBody'),
        response: ref('MessageResult'),
      },
    ],
  ]),
  [
    'POST /command/:kind/:ns/:name',
    {
      summary: "Run a command in the target's containers (BCS executor); data is the command id",
      tag: 'commands',
      request: ref('Command'),
      response: { type: 'string' },
      params: { kind: '`application` or `deployment`' },
    },
  ],
  [
    'GET /command/:kind/:ns/:name',
    {
      summary: "A command's record with each task's output",
      tag: 'commands',
      response: ref('CommandRecord'),
      params: { kind: '`application` or `deployment`' },
      query: [{ name: 'id', description: 'the command id', schema: { type: 'string' }, required: true }],
    },
  ],
  [
    'DELETE /command/:kind/:ns/:name',
    {
      summary: "Delete a command's record",
      tag: 'commands',
      response: null,
      params: { kind: '`application` or `deployment`' },
      query: [{ name: 'id', description: 'the command id', schema: { type: 'string' }, required: true }],
    },
  ],
  [
    'POST /image/commit/:taskgroup',
    {
      summary: "Commit a taskgroup's containers as an image (BCS executor)",
      tag: 'commands',
      response: ref('CommandRecord'),
      query: [
        {
          name: 'image',
          description: 'the image of the containers to commit',
          schema: { type: 'string' },
          required: true,
        },
        {
          name: 'url',
          description: 'the image to commit them as',
          schema: { type: 'string' },
          required: true,
        },
      ],
    },
  ],

  [
    'POST /healthcheck',
    {
      summary: 'Report a health-check result from an outside checker',
      tag: 'health',
      request: ref('HealthReport'),
      response: ref('HealthReportOutcome'),
    },
  ],
]);
