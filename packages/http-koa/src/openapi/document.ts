import {
  AdmissionWebhookSchema,
  AgentSettingSchema,
  AgentSettingUpdateSchema,
  AgentTaintSchema,
  ApplicationSchema,
  CommandSchema,
  ConfigMapSchema,
  CustomResourceDefinitionSchema,
  CustomResourceSchema,
  DeploymentSchema,
  httpStatusOf,
  ProcessApplicationSchema,
  SecretSchema,
  ServiceSchema,
} from '@bcs/core';
import type Router from '@koa/router';
import type { TSchema } from '@sinclair/typebox';
import { type OperationSpec, type SchemaUse, V4_OPERATIONS } from './operations.js';
import {
  AgentSettingViewSchema,
  BcsApplicationSchema,
  BcsTaskGroupSchema,
  BcsTaskSchema,
  BcsVersionSchema,
  ClusterEndpointsSchema,
  ClusterResourcesSchema,
  CommandRecordSchema,
  CustomResourceDefinitionViewSchema,
  CustomResourceViewSchema,
  DefinitionSchema,
  DeploymentBodySchema,
  ErrorEnvelopeSchema,
  envelopeOf,
  HealthReportOutcomeSchema,
  HealthReportSchema,
  MessageBodySchema,
  MessageResultSchema,
  OfferViewSchema,
  ServiceEndpointsSchema,
} from './schemas.js';

/** Where the document is served (no cluster header needed). */
export const OPENAPI_PATHS = ['/v4/openapi.json', '/bcsapi/v4/openapi.json'] as const;

/** The WebSocket event stream's path under each v4 prefix (served by @bcs/ws-events, not by these routers). */
export const EVENTS_PATH = '/events';

/**
 * Every schema of `components.schemas`: core's request schemas (the very objects that validate request bodies)
 * and this package's response schemas. TypeBox schemas are JSON Schema; the document holds their JSON.
 */
export const OPENAPI_SCHEMAS: Readonly<Record<string, TSchema>> = {
  ConfigMap: ConfigMapSchema,
  Secret: SecretSchema,
  Service: ServiceSchema,
  AdmissionWebhook: AdmissionWebhookSchema,
  AgentSetting: AgentSettingSchema,
  AgentTaint: AgentTaintSchema,
  AgentSettingUpdate: AgentSettingUpdateSchema,
  CustomResourceDefinition: CustomResourceDefinitionSchema,
  CustomResource: CustomResourceSchema,
  Application: ApplicationSchema,
  ProcessApplication: ProcessApplicationSchema,
  Deployment: DeploymentSchema,
  Command: CommandSchema,
  HealthReport: HealthReportSchema,
  MessageBody: MessageBodySchema,
  BcsApplication: BcsApplicationSchema,
  BcsTaskGroup: BcsTaskGroupSchema,
  BcsTask: BcsTaskSchema,
  BcsVersion: BcsVersionSchema,
  Definition: DefinitionSchema,
  DeploymentBody: DeploymentBodySchema,
  ClusterResources: ClusterResourcesSchema,
  OfferView: OfferViewSchema,
  ClusterEndpoints: ClusterEndpointsSchema,
  ServiceEndpoints: ServiceEndpointsSchema,
  AgentSettingView: AgentSettingViewSchema,
  MessageResult: MessageResultSchema,
  CommandRecord: CommandRecordSchema,
  CustomResourceDefinitionView: CustomResourceDefinitionViewSchema,
  CustomResourceView: CustomResourceViewSchema,
  HealthReportOutcome: HealthReportOutcomeSchema,
  ErrorEnvelope: ErrorEnvelopeSchema,
};

/** HTTP methods a route answers, as OpenAPI names them. */
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One registered route: its method and its koa path under the prefix. */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * The routes of `routers` (their stacks), with `prefix` cut from the paths. `HEAD` (koa answers it for every
 * `GET`) is left out.
 */
export function registeredRoutes(routers: readonly Router[], prefix: string): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      const full = String(layer.path);
      const path = full.startsWith(prefix) ? full.slice(prefix.length) : full;
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.push({ method, path });
      }
    }
  }
  return routes;
}

/**
 * A koa path template in OpenAPI's form: `:name` and `*rest` become `{name}` and `{rest}`, an optional
 * trailing slash `{/}` is dropped. Example: `/namespaces/:ns/configmaps/:name` → `/namespaces/{ns}/configmaps/{name}`.
 */
export function koaPathToOpenApi(path: string): string {
  return path.replace(/\{\/\}$/, '').replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** The path parameters' names of a koa path template, in order. */
function pathParams(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

function schemaOf(use: SchemaUse): Record<string, unknown> {
  if (use === null) return { type: 'null' };
  if ('ref' in use) return { $ref: `#/components/schemas/${use.ref}` };
  if ('arrayOf' in use) {
    return {
      type: 'array',
      items: use.arrayOf === 'string' ? { type: 'string' } : schemaOf({ ref: use.arrayOf }),
    };
  }
  if ('oneOf' in use) return { oneOf: use.oneOf.map(schemaOf) };
  return { type: use.type };
}

/**
 * The statuses an error can answer with: every one core's codes map to, and the ones set explicitly: 401/403
 * (authentication), 403 (Host check), 405 (another method), 413 (body), 414 (URL), 504 (a webhook's timeout).
 */
function errorStatuses(): number[] {
  const statuses = new Set<number>(Object.values(httpStatusOf));
  for (const status of [401, 403, 405, 413, 414, 504]) statuses.add(status);
  statuses.delete(200);
  return [...statuses].sort((a, b) => a - b);
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad request: the message names the field and the rule',
  401: 'No or unknown token (when authentication is on)',
  403: 'Refused: the token role or namespace, or the Host header',
  404: 'Not found',
  405: 'Method not allowed on this path',
  409: 'Conflict (already exists, in use, or the executor mode)',
  410: 'Compacted',
  413: 'Body too large',
  414: 'URL too long',
  500: 'Internal error',
  501: 'Not implemented',
  502: 'An admission webhook failed',
  503: 'No Mesos cluster, or the store is not open',
  504: 'An admission webhook timed out',
};

function operationId(method: string, path: string): string {
  const words = path
    .replace(/\{\/\}$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
  return [method, ...words].join('_');
}

function operation(method: string, path: string, spec: OperationSpec): Record<string, unknown> {
  const params = pathParams(path).map((name) => ({
    name,
    in: 'path',
    required: true,
    description: spec.params?.[name] ?? name,
    schema: { type: 'string' },
  }));
  const query = (spec.query ?? []).map((q) => ({
    name: q.name,
    in: 'query',
    required: q.required === true,
    description: q.description,
    schema: q.schema,
  }));
  const responses: Record<string, unknown> = {
    '200': {
      description: 'Success: the v4 envelope with `data`',
      content: { 'application/json': { schema: envelopeOf(schemaOf(spec.response) as unknown as TSchema) } },
    },
  };
  for (const status of errorStatuses()) {
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  return {
    operationId: operationId(method, path),
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tags: [spec.tag],
    parameters: [{ $ref: '#/components/parameters/ClusterId' }, ...params, ...query],
    ...(spec.request === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(spec.request) } },
          },
        }),
    responses,
  };
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  /** `info.version`. Default `0.0.0`. */
  readonly version?: string;
}

/**
 * The OpenAPI 3.1 document of the v4 API served by `routers` (mounted under `prefix`, the first of
 * `V4_PREFIXES`; the document lists both prefixes as servers). Each route is looked up in `V4_OPERATIONS`;
 * a route without an entry, or an entry without a route, throws: the table must follow the routers.
 */
export function buildOpenApiDocument(
  routers: readonly Router[],
  prefixes: readonly string[],
  options: OpenApiDocumentOptions = {},
): Record<string, unknown> {
  const prefix = prefixes[0]!;
  const paths: Record<string, Record<string, unknown>> = {};
  const used = new Set<string>();
  for (const route of registeredRoutes(routers, prefix)) {
    const key = `${route.method} ${route.path}`;
    const spec = V4_OPERATIONS.get(key);
    if (spec === undefined) throw new Error(`OpenAPI: route ${key} has no entry in V4_OPERATIONS`);
    used.add(key);
    const method = route.method.toLowerCase();
    if (!(METHODS as readonly string[]).includes(method))
      throw new Error(`OpenAPI: unexpected method in ${key}`);
    const path = koaPathToOpenApi(route.path);
    paths[path] = { ...paths[path], [method]: operation(method, route.path, spec) };
  }
  const unused = [...V4_OPERATIONS.keys()].filter((key) => !used.has(key));
  if (unused.length > 0)
    throw new Error(`OpenAPI: V4_OPERATIONS entries without a route: ${unused.join(', ')}`);

  paths[EVENTS_PATH] = { get: eventsOperation() };
  paths['/openapi.json'] = {
    servers: OPENAPI_PATHS.map((p) => ({ url: p.slice(0, -'/openapi.json'.length) })),
    get: {
      operationId: 'get_openapi_json',
      summary: 'This document (public, no cluster header)',
      tags: ['meta'],
      security: [{}],
      responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': {} } } },
    },
  };

  const errorResponses: Record<string, unknown> = {};
  for (const status of errorStatuses()) {
    errorResponses[`Error${status}`] = {
      description: STATUS_TEXT[status] ?? `HTTP ${status}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(OPENAPI_SCHEMAS)) {
    schemas[name] = defaultsOptional(JSON.parse(JSON.stringify(schema)));
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'bcs-scheduler v4 API',
      version: options.version ?? '0.0.0',
      description:
        'The BCS Mesos scheduler v4 API. Every answer is the envelope {result, code, message, data}; errors have data null. Request schemas are the ones the server validates with; it matches body keys to them case-insensitively and fills defaults in, so fields with a default may be left out.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: prefixes.map((url) => ({ url })),
    security: [{}, { bearerAuth: [] }, { accessToken: [] }],
    paths,
    components: {
      schemas,
      responses: errorResponses,
      parameters: {
        ClusterId: {
          name: 'BCS-ClusterID',
          in: 'header',
          required: true,
          description: "The scheduler's cluster id, e.g. BCS-LOCAL-00001",
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer <token>, when the server has a tokens file',
        },
        accessToken: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The token as a query parameter, for browsers and WebSocket clients',
        },
      },
    },
  };
}

/**
 * `schema` (JSON) with every property that has a `default` dropped from its object's `required`: core's
 * validator fills defaults in before it checks (`applyDefaults`), so a client may leave those out.
 */
export function defaultsOptional(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(defaultsOptional);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = defaultsOptional(value);
  const properties = out.properties as Record<string, Record<string, unknown>> | undefined;
  if (Array.isArray(out.required) && properties !== undefined) {
    const required = (out.required as string[]).filter((name) => !('default' in (properties[name] ?? {})));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

function eventsOperation(): Record<string, unknown> {
  const q = (name: string, description: string) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'string' },
  });
  return {
    operationId: 'get_events',
    summary: 'The event stream (WebSocket)',
    description:
      'A WebSocket: send `Connection: Upgrade`, `Upgrade: websocket`. Messages are JSON text: `hello`, then `snapshot` (with snapshot=true), `events` batches, and `resync` when the history asked for is gone. See the ws-events README.',
    tags: ['events'],
    'x-websocket': true,
    parameters: [
      {
        name: 'BCS-ClusterID',
        in: 'header',
        required: false,
        description: 'or the clusterId query parameter',
        schema: { type: 'string' },
      },
      q('clusterId', 'the cluster id, when the header cannot be sent'),
      q('namespace', 'only events of this namespace'),
      q('application', 'only events of this application'),
      q('deployment', 'only events of this deployment and its applications'),
      q('kinds', 'comma-separated: taskgroup.status, application.status, deployment.status, command.status'),
      q('since', 'a whole number ≥ 0: the events after this sequence number'),
      q('snapshot', 'true or 1: start with a snapshot of the current state'),
    ],
    responses: {
      '101': { description: 'Switching Protocols: the WebSocket event stream follows' },
      '400': { $ref: '#/components/responses/Error400' },
      '401': { $ref: '#/components/responses/Error401' },
      '403': { $ref: '#/components/responses/Error403' },
      '404': { $ref: '#/components/responses/Error404' },
      '500': { $ref: '#/components/responses/Error500' },
    },
  };
}
