import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultsOptional,
  koaPathToOpenApi,
  OPENAPI_PATHS,
  V4_OPERATIONS,
  V4_PREFIXES,
} from '../../src/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }>;
  components: { schemas: Record<string, unknown> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Every v4 route the app's routers registered (their stacks), as `METHOD /full/openapi/path`: those under
 * `/v4/` and `/bcsapi/v4/` (routers mounted elsewhere, such as `/metrics` or `/ui/`, are not the v4 API).
 */
function registered(t: TestApp): Set<string> {
  const routes = new Set<string>();
  for (const middleware of t.app.koa.middleware) {
    const router = (middleware as { router?: Router }).router;
    if (router === undefined) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        const path = String(layer.path);
        const v4 = path.startsWith('/v4/') || path.startsWith('/bcsapi/v4/');
        if (method !== 'HEAD' && v4) routes.add(`${method} ${koaPathToOpenApi(path)}`);
      }
    }
  }
  return routes;
}

/** Every operation of the document, under each of its servers, as `METHOD /full/path`; and the WebSocket ones. */
function documented(doc: Doc): { http: Set<string>; websocket: Set<string> } {
  const http = new Set<string>();
  const websocket = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const server of item.servers ?? doc.servers) {
      for (const method of METHODS) {
        const op = item[method] as { 'x-websocket'?: boolean } | undefined;
        if (op === undefined) continue;
        (op['x-websocket'] === true ? websocket : http).add(`${method.toUpperCase()} ${server.url}${path}`);
      }
    }
  }
  return { http, websocket };
}

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is served at both paths without a cluster header, the same bytes each time', async () => {
    const answers = await Promise.all(
      [...OPENAPI_PATHS, OPENAPI_PATHS[0]].map((path) => request(t.app.callback()).get(path)),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(answers[1]!.text).toBe(answers[0]!.text);
    expect(answers[2]!.text).toBe(answers[0]!.text);
    expect((answers[0]!.body as Doc).openapi).toBe('3.1.0');
  });

  it('lists every registered route with its method and path, and no route that is not registered', async () => {
    const doc = (await request(t.app.callback()).get(OPENAPI_PATHS[0])).body as Doc;
    const routes = registered(t);
    const { http, websocket } = documented(doc);
    // Every operation under both prefixes, and the document's own two paths: the walk found the real routers.
    expect(routes.size).toBe(V4_OPERATIONS.size * V4_PREFIXES.length + OPENAPI_PATHS.length);
    expect([...routes].filter((r) => !http.has(r))).toEqual([]);
    expect([...http].filter((r) => !routes.has(r))).toEqual([]);
    // The one documented path no router serves: the WebSocket, attached to the HTTP server by @bcs/ws-events.
    expect([...websocket].sort()).toEqual(V4_PREFIXES.map((p) => `GET ${p}/events`).sort());
  });

  it('validates against the OpenAPI 3.1 schema', { timeout: 60_000 }, async () => {
    const doc = (await request(t.app.callback()).get(OPENAPI_PATHS[1])).body as Doc;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does check: a broken operation is refused.
    const broken = structuredClone(doc);
    broken.paths['/cluster/resources']!.get = { responses: { '200': { content: 5 } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('gives each operation a unique id and declares exactly the parameters of its path', async () => {
    const doc = (await request(t.app.callback()).get(OPENAPI_PATHS[0])).body as Doc;
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const method of METHODS) {
        const op = item[method] as
          | { operationId: string; parameters?: { in?: string; name?: string }[] }
          | undefined;
        if (op === undefined) continue;
        ids.push(op.operationId);
        const declared = (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(declared, `${method} ${path}`).toEqual(inPath);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref it holds', async () => {
    const doc = (await request(t.app.callback()).get(OPENAPI_PATHS[0])).body as Doc;
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          if (key === '$ref' && typeof child === 'string') refs.add(child);
          else walk(child);
        }
      }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(30);
    for (const ref of refs) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('carries core request schemas as they validate requests, defaulted fields optional', async () => {
    const doc = (await request(t.app.callback()).get(OPENAPI_PATHS[0])).body as Doc;
    const { CommandSchema, ConfigMapSchema, DeploymentSchema } = await import('@bcs/core');
    const json = (schema: unknown) => JSON.parse(JSON.stringify(schema));
    expect(doc.components.schemas.ConfigMap).toEqual(defaultsOptional(json(ConfigMapSchema)));
    expect(doc.components.schemas.Deployment).toEqual(defaultsOptional(json(DeploymentSchema)));
    // Core fills `reserveTime` in before it checks: the document does not require it.
    const command = doc.components.schemas.Command as { properties: { spec: { required: string[] } } };
    expect(json(CommandSchema).properties.spec.required).toContain('reserveTime');
    expect(command.properties.spec.required).toEqual(['commandTargetRef', 'command']);
  });

  it('writes koa path templates in OpenAPI form', () => {
    expect(koaPathToOpenApi('/namespaces/:ns/configmaps/:name')).toBe('/namespaces/{ns}/configmaps/{name}');
    expect(koaPathToOpenApi('/agentsettings{/}')).toBe('/agentsettings');
    expect(koaPathToOpenApi('/customresources/:group/:version/*rest')).toBe(
      '/customresources/{group}/{version}/{rest}',
    );
  });
});
