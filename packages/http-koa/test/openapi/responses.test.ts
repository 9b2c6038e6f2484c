import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEALTH_CHECK_TYPES } from '@bcs/core';
import {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aConfigMap,
  aDeployment,
  anAdmissionWebhook,
  anAgentSetting,
  anAgentSettingUpdate,
  anAgentTaintList,
  anApplication,
  aSecret,
  aService,
} from '@bcs/testing/builders';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATHS, V4_PREFIXES } from '../../src/index.js';
import { CLUSTER_ID, type ScenarioServer, startScenario } from '../helpers/scenario.js';

// Real answers over real HTTP on loopback (the koa app of the scenario helper: LevelDB, the simulated cluster,
// a manual clock; the BCS executor so commands and messages run), each validated against the response schema
// the served OpenAPI document gives for its route, method and status. An answer that does not match, or a
// status the document does not list for the operation, fails the test.

type Json = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Json; responses: Record<string, Json> };
}

/** Validates answers against the document's response schemas (ajv, JSON Schema 2020-12). */
class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; regexp: RegExp; literal: number }[];
  /** `METHOD template status` of every answer checked. */
  readonly checked = new Set<string>();

  constructor(private readonly doc: Doc) {
    this.templates = Object.keys(doc.paths).map((template) => ({
      template,
      regexp: new RegExp(
        `^${template
          .split(/(\{[^}]+\})/)
          .map((part) =>
            part === '{rest}'
              ? '(.+)'
              : part.startsWith('{')
                ? '([^/]+)'
                : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
          )
          .join('')}$`,
      ),
      literal: template.replace(/\{[^}]+\}/g, '').length,
    }));
  }

  /** The document's path template for `path` (under a v4 prefix) answering `method`, if any. */
  operationOf(method: string, path: string): { template: string; operation: Json } | undefined {
    const prefix = V4_PREFIXES.find((p) => path.startsWith(`${p}/`));
    if (prefix === undefined) return undefined;
    const rest = path.slice(prefix.length).split('?')[0]!;
    const candidates = this.templates
      .filter((t) => t.regexp.test(rest) && this.doc.paths[t.template]![method.toLowerCase()] !== undefined)
      .sort((a, b) => b.literal - a.literal);
    const template = candidates[0]?.template;
    return template === undefined
      ? undefined
      : { template, operation: this.doc.paths[template]![method.toLowerCase()]! };
  }

  /** Throws unless `body` matches the schema the document gives `method path` for `status`. */
  check(method: string, path: string, status: number, body: unknown): void {
    const found = this.operationOf(method, path);
    let response: Json | undefined;
    let key: string;
    if (found === undefined) {
      // No operation: only "no route" (404) and "not this method" (405) may answer, in the error envelope.
      if (status !== 404 && status !== 405)
        throw new Error(`${method} ${path}: ${status} for no documented operation`);
      response = this.doc.components.responses[`Error${status}`];
      key = `${method} <none> ${status}`;
    } else {
      response = (found.operation.responses as Record<string, Json>)[String(status)];
      key = `${method} ${found.template} ${status}`;
    }
    if (response === undefined)
      throw new Error(`${key}: status not in the document (${JSON.stringify(body)})`);
    const ref = response.$ref as string | undefined;
    if (ref !== undefined) response = this.doc.components.responses[ref.split('/').pop()!];
    const schema = (response?.content as Record<string, { schema: Json }> | undefined)?.['application/json']
      ?.schema;
    if (schema === undefined) throw new Error(`${key}: no JSON schema in the document`);
    const validate = this.validatorFor(key, schema);
    if (!validate(body)) {
      throw new Error(`${key}: answer does not match the document: ${this.ajv.errorsText(validate.errors)}`);
    }
    this.checked.add(key);
  }

  /** Throws unless `body` matches the document's request body schema of `method path`. */
  checkRequest(method: string, path: string, body: unknown): void {
    const found = this.operationOf(method, path);
    const schema = (found?.operation.requestBody as { content: Record<string, { schema: Json }> } | undefined)
      ?.content['application/json']?.schema;
    if (found === undefined || schema === undefined)
      throw new Error(`${method} ${path}: no request body documented`);
    const key = `request ${method} ${found.template}`;
    const validate = this.validatorFor(key, schema);
    if (!validate(body)) {
      throw new Error(`${key}: body does not match the document: ${this.ajv.errorsText(validate.errors)}`);
    }
    this.checked.add(key);
  }

  private validatorFor(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      // The schema with the document's components beside it, so `#/components/schemas/…` resolves.
      validate = this.ajv.compile({ ...schema, components: this.doc.components });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

const NS = 'defaultGroup';
const CM = `/namespaces/${NS}/configmaps`;
const SECRETS = `/namespaces/${NS}/secrets`;
const SERVICES = `/namespaces/${NS}/services`;
const APPS = `/namespaces/${NS}/applications`;
const DEPLOYS = `/namespaces/${NS}/deployments`;
const V4 = V4_PREFIXES[0];
const BCSAPI = V4_PREFIXES[1];

/** The document's application, small enough that many fit on a simulated agent. */
function small(instances: number) {
  const body = anApplication({ spec: { instance: instances } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.25', memory: '64' } };
  return body;
}

describe('real answers match the OpenAPI document', { timeout: 120_000 }, () => {
  let server: ScenarioServer;
  let http: Server;
  let base: string;
  let checker: ResponseChecker;

  /** Calls the API over loopback HTTP and checks the answer against the document. */
  async function call(method: string, path: string, body?: unknown, prefix: string = V4) {
    const url = `${prefix}${path}`;
    // A body the server takes (status 200) must match the document's request schema too.
    let requestError: unknown;
    if (body !== undefined && typeof body !== 'string' && method !== 'PATCH') {
      try {
        checker.checkRequest(method, url, body);
      } catch (error) {
        requestError = error;
      }
    }
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        'BCS-ClusterID': CLUSTER_ID,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const json = (await res.json()) as { result: boolean; code: number; data: unknown };
    checker.check(method, url, res.status, json);
    if (res.status === 200 && requestError !== undefined) throw requestError;
    await server.advance(100);
    return { status: res.status, body: json };
  }

  beforeAll(async () => {
    server = await startScenario({ executor: { kind: 'bcs', uri: 'file:///bcs' } });
    http = createServer(server.app.callback());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const res = await fetch(`${base}${OPENAPI_PATHS[0]}`);
    expect(res.status).toBe(200);
    checker = new ResponseChecker((await res.json()) as Doc);
  });
  afterAll(async () => {
    await new Promise((resolve) => http?.close(resolve));
    await server?.dispose();
  });

  it('the checker refuses an answer that does not match', () => {
    const good = { result: true, code: 0, message: 'success', data: [] };
    expect(() => checker.check('GET', `${V4}${CM}`, 200, good)).not.toThrow();
    expect(() => checker.check('GET', `${V4}${CM}`, 200, { ...good, data: [{ kind: 5 }] })).toThrow(
      /does not match/,
    );
    expect(() => checker.check('GET', `${V4}${CM}`, 200, { ...good, code: 1 })).toThrow(/does not match/);
    expect(() => checker.check('GET', `${V4}${CM}`, 400, good)).toThrow(/does not match/);
    expect(() => checker.check('GET', `${V4}${CM}`, 418, good)).toThrow(/not in the document/);
    // An application without its fields, and one whose nested ObjectMeta has a number for a name.
    expect(() => checker.check('GET', `${V4}${APPS}/a`, 200, { ...good, data: {} })).toThrow(
      /does not match/,
    );
    expect(() =>
      checker.check('GET', `${V4}${APPS}`, 200, { ...good, data: [{ ObjectMeta: { name: 5 } }] }),
    ).toThrow(/does not match/);
  });

  it('configmaps, secrets and services: create, get, list, update, delete', async () => {
    for (const [path, body] of [
      [CM, aConfigMap()],
      [SECRETS, aSecret()],
      [SERVICES, aService()],
    ] as const) {
      const name = (body.metadata as { name: string }).name;
      expect((await call('POST', path, body)).status).toBe(200);
      expect((await call('GET', `${path}/${name}`)).status).toBe(200);
      expect((await call('GET', path, undefined, BCSAPI)).status).toBe(200);
      expect((await call('PUT', path, body)).status).toBe(200);
      if (path === SERVICES) {
        expect((await call('GET', `${path}/${name}/endpoints`)).status).toBe(200);
      }
      expect((await call('DELETE', `${path}/${name}?force=true`)).status).toBe(200);
    }
  });

  it('an application: create, run, read every view, scale, reschedule, update, delete', async () => {
    expect((await call('POST', APPS, small(2))).status).toBe(200);
    await server.until(
      () => call('GET', `${APPS}/app-test/taskgroups`),
      (res) => (res.body.data as { Status: string }[]).filter((tg) => tg.Status === 'Running').length === 2,
    );
    expect((await call('GET', APPS)).status).toBe(200);
    expect((await call('GET', `${APPS}/app-test`)).status).toBe(200);
    const tasks = await call('GET', `${APPS}/app-test/tasks`);
    expect(tasks.status).toBe(200);
    const versions = await call('GET', `${APPS}/app-test/versions`);
    expect(
      (await call('GET', `${APPS}/app-test/versions/${(versions.body.data as string[])[0]}`)).status,
    ).toBe(200);
    expect((await call('GET', `/definition/application/${NS}/app-test`)).status).toBe(200);
    // A service selecting the application: its endpoints list the Running taskgroups.
    expect((await call('POST', SERVICES, aService())).status).toBe(200);
    const endpoints = await call('GET', `${SERVICES}/service-test/endpoints`);
    expect((endpoints.body.data as { eps: unknown[] }).eps.length).toBe(2);
    expect((await call('DELETE', `${SERVICES}/service-test`)).status).toBe(200);
    expect((await call('PUT', `${APPS}/app-test/scale/3`)).status).toBe(200);
    const taskId = (tasks.body.data as { ID: string }[])[0]!.ID;
    const health = await call('POST', '/healthcheck', {
      id: taskId,
      type: HEALTH_CHECK_TYPES[3],
      status: true,
    });
    expect(health.status).toBe(200);
    const tgs = await call('GET', `${APPS}/app-test/taskgroups`);
    const tgId = (tgs.body.data as { ID: string }[])[0]!.ID;
    expect((await call('PUT', `${APPS}/app-test/taskgroups/${tgId}/rescheduler`)).status).toBe(200);
    expect((await call('PUT', `${APPS}?instances=1`, small(3))).status).toBe(200);
    await server.advance(5_000);
  });

  it('messages, commands and image commits through the BCS executor', async () => {
    await server.until(
      () => call('GET', `${APPS}/app-test/taskgroups`),
      (res) => (res.body.data as { Status: string }[]).some((tg) => tg.Status === 'Running'),
    );
    const signal = { msgtype: 'signal', msgdata: { processname: 'gamesvr', signal: 12 } };
    expect((await call('POST', `${APPS}/app-test/message`, signal)).status).toBe(200);
    const tgs = await call('GET', `${APPS}/app-test/taskgroups`);
    const running = (tgs.body.data as { ID: string; Status: string }[]).find(
      (tg) => tg.Status === 'Running',
    )!;
    expect((await call('PUT', `${APPS}/app-test/taskgroups/${running.ID}/message`, signal)).status).toBe(200);
    const command = {
      apiVersion: 'v4',
      kind: 'Command',
      spec: {
        commandTargetRef: { kind: 'Application', namespace: NS, name: 'app-test' },
        command: ['ps -aux'],
      },
    };
    const sent = await call('POST', `/command/application/${NS}/app-test`, command);
    expect(sent.status).toBe(200);
    await server.advance(2_000);
    expect((await call('GET', `/command/application/${NS}/app-test?id=${sent.body.data}`)).status).toBe(200);
    expect((await call('DELETE', `/command/application/${NS}/app-test?id=${sent.body.data}`)).status).toBe(
      200,
    );
    const image = 'dockerhub:8443/bcs/game/gamesvr:v1.1.1';
    const commit = await call(
      'POST',
      `/image/commit/${running.ID}?image=${encodeURIComponent(image)}&url=${encodeURIComponent('reg/x:v1')}`,
    );
    expect(commit.status).toBe(200);
    expect((await call('DELETE', `${APPS}/app-test`)).status).toBe(200);
    await server.advance(5_000);
  });

  it('a deployment: create, roll out, pause, resume, scale, cancel, delete', async () => {
    expect((await call('POST', DEPLOYS, aDeployment())).status).toBe(200);
    await server.advance(5_000);
    expect((await call('GET', `${DEPLOYS}/deployment-test`)).status).toBe(200);
    const v2 = aDeployment() as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    v2.spec.template.spec.containers[0]!.image = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';
    expect((await call('PUT', DEPLOYS, v2)).status).toBe(200);
    await server.advance(2_000);
    expect((await call('PUT', `${DEPLOYS}/deployment-test/pauseupdate`)).status).toBe(200);
    expect((await call('PUT', `${DEPLOYS}/deployment-test/resumeupdate`)).status).toBe(200);
    expect((await call('GET', `/definition/deployment/${NS}/deployment-test`)).status).toBe(200);
    await call('PUT', `${DEPLOYS}/deployment-test/scale/2`);
    await call('PUT', `${DEPLOYS}/deployment-test/cancelupdate`);
    expect((await call('GET', `${DEPLOYS}/deployment-test`)).status).toBe(200);
    expect((await call('DELETE', `${DEPLOYS}/deployment-test`)).status).toBe(200);
    await server.advance(5_000);
  });

  it('agent settings and cluster views', async () => {
    expect((await call('POST', '/agentsettings', [anAgentSetting()])).status).toBe(200);
    expect((await call('GET', '/agentsettings?ips=127.0.0.1')).status).toBe(200);
    expect((await call('GET', '/agentsettings/127.0.0.1')).status).toBe(200);
    expect((await call('POST', '/agentsettings/update', anAgentSettingUpdate())).status).toBe(200);
    expect((await call('POST', '/agentsettings/disable?ips=127.0.0.1')).status).toBe(200);
    expect((await call('POST', '/agentsettings/enable?ips=127.0.0.1')).status).toBe(200);
    expect((await call('PUT', '/agentsettings/taint', anAgentTaintList())).status).toBe(200);
    expect((await call('GET', '/agentsettings')).status).toBe(200);
    expect((await call('DELETE', '/agentsettings?ips=127.0.0.1,127.0.0.2')).status).toBe(200);
    expect((await call('GET', '/cluster/resources')).status).toBe(200);
    expect((await call('GET', '/cluster/current/offers')).status).toBe(200);
    expect((await call('GET', '/cluster/endpoints')).status).toBe(200);
  });

  it('custom resources and admission webhooks', async () => {
    expect((await call('POST', '/customresourcedefinitions', aBkLogConfigDefinition())).status).toBe(200);
    expect((await call('GET', '/customresourcedefinitions')).status).toBe(200);
    expect((await call('GET', '/customresourcedefinitions/bklogconfig.bkbcs.tencent.com')).status).toBe(200);
    const cr = '/customresources/bkbcs.tencent.com/v2/namespaces/global/bklogconfigs';
    expect((await call('POST', cr, aBkLogConfig())).status).toBe(200);
    expect((await call('GET', cr)).status).toBe(200);
    expect((await call('GET', `${cr}/myappconfig`)).status).toBe(200);
    expect((await call('PUT', cr, aBkLogConfig())).status).toBe(200);
    expect((await call('DELETE', `${cr}/myappconfig`)).status).toBe(200);
    expect((await call('DELETE', '/customresourcedefinitions/bklogconfig.bkbcs.tencent.com')).status).toBe(
      200,
    );
    const hooks = `/crd/namespaces/${NS}/admissionwebhook`;
    expect((await call('POST', hooks, anAdmissionWebhook())).status).toBe(200);
    expect((await call('GET', '/admissionwebhooks')).status).toBe(200);
    expect((await call('GET', `${hooks}/webhook-test`)).status).toBe(200);
    expect((await call('DELETE', `${hooks}/webhook-test`)).status).toBe(200);
  });

  it('errors: 400, 404, 405 and 409 in the envelope with data null', async () => {
    expect((await call('POST', CM, { ...aConfigMap(), datas: 5 })).status).toBe(400);
    expect((await call('POST', CM, '{not json')).status).toBe(400);
    expect((await call('GET', '/agentsettings/not-an-ip')).status).toBe(400);
    expect((await call('GET', `${CM}/missing`)).status).toBe(404);
    expect((await call('GET', `${APPS}/missing`)).status).toBe(404);
    expect((await call('GET', '/no/such/route')).status).toBe(404);
    expect((await call('PATCH', CM, aConfigMap())).status).toBe(405);
    expect((await call('POST', CM, aConfigMap())).status).toBe(200);
    expect((await call('POST', CM, aConfigMap())).status).toBe(409);
    expect((await call('PUT', `${DEPLOYS}?args=resource`, aDeployment())).status).toBe(501);
  });

  it('checked 200 answers of every family and the error statuses', () => {
    const answers = [...checker.checked].filter((key) => !key.startsWith('request '));
    const statuses = new Set(answers.map((key) => key.split(' ').pop()));
    expect([...statuses].sort()).toEqual(['200', '400', '404', '405', '409', '501']);
    const families = new Set(
      answers
        .filter((key) => key.endsWith(' 200'))
        .map(
          (key) =>
            key
              .split(' ')[1]!
              .split('/')
              .filter((s) => s !== '' && !s.startsWith('{'))[0],
        ),
    );
    for (const family of [
      'namespaces',
      'agentsettings',
      'cluster',
      'command',
      'image',
      'healthcheck',
      'definition',
      'customresources',
      'customresourcedefinitions',
      'admissionwebhooks',
      'crd',
    ]) {
      expect(families).toContain(family);
    }
    expect(answers.length).toBeGreaterThan(60);
    // The bodies the server took matched the document's request schemas: one per kind of body sent.
    expect([...checker.checked].filter((key) => key.startsWith('request ')).length).toBeGreaterThan(15);
  });
});
