import { type Principal, registerCore, type Store } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing';
import { aBkLogConfig, aBkLogConfigDefinition, aConfigMap, anAdmissionWebhook } from '@bcs/testing/builders';
import request from 'supertest';
import { container as rootContainer } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyRequest, createHttpApp, type HttpApp } from '../../src/index.js';
import { CLUSTER_ID, V4 } from '../helpers/app.js';

// Tokens of the test: the middleware sees only `authenticate`; the server's table hashes (see @bcs/server).
const TOKENS: Record<string, Principal> = {
  'reader-token-0123456789': { name: 'reader', role: 'read' },
  'writer-token-0123456789': { name: 'writer', role: 'write' },
  'admin-token-01234567890': { name: 'admin', role: 'admin' },
  'team-a-token-0123456789': { name: 'team-a-ci', role: 'write', namespaces: ['team-a'] },
  'team-a-admin-0123456789': { name: 'team-a-admin', role: 'admin', namespaces: ['team-a', 'global'] },
};
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const READER = 'reader-token-0123456789';
const WRITER = 'writer-token-0123456789';
const ADMIN = 'admin-token-01234567890';
const TEAM_A = 'team-a-token-0123456789';
const TEAM_A_ADMIN = 'team-a-admin-0123456789';

let store: Store;
let app: HttpApp;
let lines: Record<string, unknown>[];
let dispose: () => Promise<void>;

beforeEach(async () => {
  store = createMemoryStore();
  await store.open();
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock: new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0)),
  });
  lines = [];
  const keep = (fields: object) => lines.push(fields as Record<string, unknown>);
  app = createHttpApp({
    container,
    clusterId: CLUSTER_ID,
    logger: { debug: keep, info: keep, warn: keep, error: keep },
    auth: { authenticate: (token) => TOKENS[token] },
  });
  dispose = async () => {
    await app.dispose();
    await container.dispose();
    await store.dispose();
  };
});
afterEach(() => dispose());

const call = (
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  headers: Record<string, string> = {},
) => request(app.callback())[method](path).set('BCS-ClusterID', CLUSTER_ID).set(headers);

const configMap = (namespace: string, name = 'cm') => aConfigMap({ metadata: { name, namespace } });

async function storedConfigMaps(): Promise<string[]> {
  return (await store.list('configmap')).map((entry) => entry.key);
}

describe('classifyRequest', () => {
  it.each([
    ['GET', '/ui/', 'public'],
    ['GET', '/ui/assets/app.js', 'public'],
    ['GET', '/v4/openapi.json', 'public'],
    ['GET', '/bcsapi/v4/openapi.json', 'public'],
    ['POST', '/ui/x', 'cluster'],
    ['GET', '/metrics', 'cluster'],
    ['GET', `${V4}/namespaces/ns1/applications`, 'namespaced'],
    ['PUT', `/bcsapi${V4}/namespaces/ns1/applications/a/scale/3`, 'namespaced'],
    ['GET', `${V4}/definition/application/ns1/a`, 'namespaced'],
    ['POST', `${V4}/command/application/ns1/a`, 'namespaced'],
    ['POST', `${V4}/image/commit/0.app.ns1.c.123`, 'namespaced'],
    ['GET', `${V4}/admissionwebhooks`, 'all-namespaces'],
    ['GET', `${V4}/crd/admissionwebhooks/`, 'all-namespaces'],
    ['POST', `${V4}/agentsettings`, 'cluster'],
    ['GET', `${V4}/cluster/resources`, 'cluster'],
    ['POST', `${V4}/customresourcedefinitions`, 'cluster'],
    ['GET', `${V4}/customresources/g/v1/ns1/things`, 'custom-resource'],
  ])('%s %s → %s', (method, path, kind) => {
    expect(classifyRequest(method, path).kind).toBe(kind);
  });

  it.each([
    ['POST', `${V4}/namespaces/ns1/configmaps`, 'ns1', 'write'],
    ['POST', `${V4}/NAMESPACES/ns1/configmaps`, 'ns1', 'write'],
    ['POST', `${V4}/namespaces/ns%31/configmaps`, 'ns1', 'write'],
    ['POST', `${V4}/namespaces/ns1/admissionwebhook`, 'ns1', 'admin'],
    ['DELETE', `${V4}/crd/namespaces/ns1/admissionwebhook/w`, 'ns1', 'admin'],
    ['POST', `${V4}/image/commit/0.app.ns1.c.123`, 'ns1', 'write'],
    ['POST', `${V4}/image/commit/not-an-id`, undefined, 'write'],
  ])('%s %s → namespace %s, writes need %s', (method, path, namespace, write) => {
    expect(classifyRequest(method, path)).toEqual({ kind: 'namespaced', namespace, write });
  });
});

describe('authentication', () => {
  it.each([V4, `/bcsapi${V4}`])('answers 401 without a token or with an unknown one (%s)', async (prefix) => {
    for (const headers of [{}, bearer('not-a-known-token-000'), { Authorization: `Basic ${btoa('a:b')}` }]) {
      const res = await call('get', `${prefix}/namespaces/ns1/configmaps`, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ result: false, code: 1405401, message: expect.any(String), data: null });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    }
  });

  it('refuses a write without a token before anything is stored', async () => {
    const res = await call('post', `${V4}/namespaces/ns1/configmaps`).send(configMap('ns1'));
    expect(res.status).toBe(401);
    expect(await storedConfigMaps()).toEqual([]);
  });

  it('takes the token from the access_token query parameter too', async () => {
    const res = await call('get', `${V4}/namespaces/ns1/configmaps?access_token=${READER}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, code: 0 });
  });

  it('serves the public routes without a token, and /metrics only with one', async () => {
    // Nothing is mounted at /ui/ in this app: the answer is the 404 of an unknown route, not a 401.
    expect((await call('get', '/ui/index.html')).status).toBe(404);
    for (const path of ['/v4/openapi.json', '/bcsapi/v4/openapi.json']) {
      const res = await call('get', path);
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\.1\./);
    }
    expect((await call('get', '/metrics')).status).toBe(401);
    expect((await call('get', '/metrics', bearer(READER))).status).toBe(404);
  });
});

describe('roles', () => {
  it('lets a read token read but not write (403), storing nothing', async () => {
    expect((await call('get', `${V4}/namespaces/ns1/configmaps`, bearer(READER))).status).toBe(200);
    const res = await call('post', `${V4}/namespaces/ns1/configmaps`, bearer(READER)).send(configMap('ns1'));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ result: false, code: 1405403, data: null });
    expect(await storedConfigMaps()).toEqual([]);
  });

  it('lets a write token change namespaced resources but not cluster-scoped ones', async () => {
    const created = await call('post', `${V4}/namespaces/ns1/configmaps`, bearer(WRITER)).send(
      configMap('ns1'),
    );
    expect(created.status).toBe(200);
    expect(await storedConfigMaps()).toHaveLength(1);
    const settings = await call('post', `${V4}/agentsettings`, bearer(WRITER)).send([]);
    expect(settings).toMatchObject({ status: 403, body: { code: 1405403 } });
    const crd = await call('post', `${V4}/customresourcedefinitions`, bearer(WRITER)).send(
      aBkLogConfigDefinition(),
    );
    expect(crd).toMatchObject({ status: 403, body: { code: 1405403 } });
    const webhook = await call('post', `${V4}/namespaces/ns1/admissionwebhook`, bearer(WRITER)).send(
      anAdmissionWebhook({ metadata: { namespace: 'ns1' } }),
    );
    expect(webhook).toMatchObject({ status: 403, body: { code: 1405403 } });
    expect(await store.list('admissionwebhook')).toEqual([]);
  });

  it('lets an admin token change cluster-scoped resources', async () => {
    const crd = await call('post', `${V4}/customresourcedefinitions`, bearer(ADMIN)).send(
      aBkLogConfigDefinition(),
    );
    expect(crd.status).toBe(200);
    const webhook = await call('post', `${V4}/namespaces/ns1/admissionwebhook`, bearer(ADMIN)).send(
      anAdmissionWebhook({ metadata: { namespace: 'ns1' } }),
    );
    expect(webhook.status).toBe(200);
  });
});

describe('namespaced tokens', () => {
  it('refuses another namespace with 403 however the path spells it, storing nothing', async () => {
    for (const path of [
      `${V4}/namespaces/team-b/configmaps`,
      `${V4}/NAMESPACES/team-b/configmaps`,
      `${V4}/namespaces/team%2Db/configmaps`,
      `/bcsapi${V4}/namespaces/team-b/configmaps/`,
    ]) {
      const res = await call('post', path, bearer(TEAM_A)).send(configMap('team-b'));
      expect(res.status, path).toBe(403);
      expect(res.body.code).toBe(1405403);
    }
    const read = await call('get', `${V4}/namespaces/team-b/configmaps/cm`, bearer(TEAM_A));
    expect(read.status).toBe(403);
    expect(await storedConfigMaps()).toEqual([]);
    const own = await call('post', `${V4}/namespaces/team-a/configmaps`, bearer(TEAM_A)).send(
      configMap('team-a'),
    );
    expect(own.status).toBe(200);
    expect(await storedConfigMaps()).toHaveLength(1);
  });

  it('refuses cluster-scoped routes, whatever the role', async () => {
    for (const path of [
      `${V4}/agentsettings`,
      `${V4}/cluster/resources`,
      `${V4}/customresourcedefinitions`,
    ]) {
      expect((await call('get', path, bearer(TEAM_A_ADMIN))).status, path).toBe(403);
    }
    const commit = await call('post', `${V4}/image/commit/0.app.team-b.c.1?image=a&url=b`, bearer(TEAM_A));
    expect(commit.status).toBe(403);
  });

  it('filters lists across namespaces to its namespaces', async () => {
    for (const namespace of ['team-a', 'team-b']) {
      const res = await call('post', `${V4}/namespaces/${namespace}/admissionwebhook`, bearer(ADMIN)).send(
        anAdmissionWebhook({ metadata: { namespace } }),
      );
      expect(res.status).toBe(200);
    }
    const all = await call('get', `${V4}/admissionwebhooks`, bearer(READER));
    expect(
      all.body.data.map((w: { metadata: { namespace: string } }) => w.metadata.namespace).sort(),
    ).toEqual(['team-a', 'team-b']);
    for (const path of [`${V4}/admissionwebhooks`, `${V4}/crd/admissionwebhooks`]) {
      const mine = await call('get', path, bearer(TEAM_A));
      expect(mine.status).toBe(200);
      expect(mine.body.data.map((w: { metadata: { namespace: string } }) => w.metadata.namespace)).toEqual([
        'team-a',
      ]);
    }
  });

  it('checks custom resources by the namespace the path resolves to', async () => {
    const crd = await call('post', `${V4}/customresourcedefinitions`, bearer(ADMIN)).send(
      aBkLogConfigDefinition(),
    );
    expect(crd.status).toBe(200);
    const base = `${V4}/customresources/bkbcs.tencent.com/v2`;
    const other = await call('post', `${base}/team-b/bklogconfigs`, bearer(TEAM_A_ADMIN)).send(
      aBkLogConfig({ metadata: { namespace: 'team-b' } }),
    );
    expect(other).toMatchObject({ status: 403, body: { code: 1405403 } });
    const mine = await call('post', `${base}/global/bklogconfigs`, bearer(TEAM_A_ADMIN)).send(aBkLogConfig());
    expect(mine.status).toBe(200);
    const theirs = await call('post', `${base}/namespaces/team-b/bklogconfigs`, bearer(ADMIN)).send(
      aBkLogConfig({ metadata: { namespace: 'team-b' } }),
    );
    expect(theirs.status).toBe(200);
    // A list across namespaces keeps the token's; a write there (namespace from the body) is refused.
    const list = await call('get', `${base}/bklogconfigs`, bearer(TEAM_A_ADMIN));
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { metadata: { namespace: string } }) => r.metadata.namespace)).toEqual([
      'global',
    ]);
    const unnamed = await call('post', `${base}/bklogconfigs`, bearer(TEAM_A_ADMIN)).send(aBkLogConfig());
    expect(unnamed).toMatchObject({ status: 403, body: { code: 1405403 } });
    // A path that resolves to nothing answers as the route would.
    expect((await call('get', `${base}/nothings`, bearer(TEAM_A_ADMIN))).status).toBe(404);
  });
});

describe('logs', () => {
  it('never logs a token, from the header or the query, and names the token used', async () => {
    await call('get', `${V4}/namespaces/ns1/configmaps`, bearer(READER));
    await call('get', `${V4}/namespaces/ns1/configmaps?access_token=${WRITER}`);
    await call('get', `${V4}/namespaces/ns1/configmaps`, bearer('an-unknown-token-xyz'));
    const text = JSON.stringify(lines);
    for (const token of [READER, WRITER, 'an-unknown-token-xyz']) expect(text).not.toContain(token);
    expect(lines.map((line) => [line.status, line.user])).toEqual([
      [200, 'reader'],
      [200, 'writer'],
      [401, undefined],
    ]);
  });
});
