import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationService } from '@bcs/core';
import { REDACTED } from '@bcs/http-koa';
import { aConfigMap, aDeployment, anApplication } from '@bcs/testing/builders';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { CLUSTER_ID, V4 } from './integration/helpers/server-process.js';

// Issue 9 §0 "Credentials in responses": a container's imagePullPasswd and a configmap's remotePasswd are
// stored (the task needs them) but never answered. Every route that answers a definition, on the koa app
// in-process, with LevelDB on disk and a one-agent simulated cluster.

const SECRET = 'hunter2-s3cret';
let server: RunningServer;
let dataDir: string;
const api = () => request(server.app.callback());
const get = (path: string) => api().get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);
const send = (method: 'post' | 'put', path: string, body: object) =>
  api()[method](`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID).send(body);

type Body = { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
function withPassword<T>(body: T): T {
  const container = (body as unknown as Body).spec.template.spec.containers[0]!;
  container.imagePullUser = 'puller';
  container.imagePullPasswd = SECRET;
  container.resources = { limits: { cpu: '0.1', memory: '10' } };
  return body;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bcs-redact-'));
  server = await startServer({ port: 0, dataDir, clusterId: CLUSTER_ID, simAgents: 1 });
  const app = await send('post', '/namespaces/defaultGroup/applications', withPassword(anApplication()));
  expect(app.status).toBe(200);
  const dep = await send('post', '/namespaces/defaultGroup/deployments', withPassword(aDeployment()));
  expect(dep.status).toBe(200);
  const remote = { type: 'https', content: 'https://conf.example/a', remoteUser: 'u', remotePasswd: SECRET };
  const cm = await send('post', '/namespaces/defaultGroup/configmaps', aConfigMap({ datas: { remote } }));
  expect(cm.status).toBe(200);
  expect(JSON.stringify(cm.body)).not.toContain(SECRET);
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

const containerOf = (definition: unknown) =>
  (definition as Body).spec.template.spec.containers[0] as Record<string, unknown>;

describe('credentials are redacted in every response', () => {
  it('GET /definition/application/{ns}/{name}', async () => {
    const res = await get('/definition/application/defaultGroup/app-test');
    expect(res.status).toBe(200);
    expect(containerOf(res.body.data).imagePullPasswd).toBe(REDACTED);
    expect(containerOf(res.body.data).imagePullUser).toBe('puller');
  });

  it('GET …/versions/{id} (raw_json)', async () => {
    const ids = await get('/namespaces/defaultGroup/applications/app-test/versions');
    expect(ids.status).toBe(200);
    const id = (ids.body.data as string[])[0]!;
    const res = await get(`/namespaces/defaultGroup/applications/app-test/versions/${id}`);
    expect(res.status).toBe(200);
    expect(containerOf(res.body.data.raw_json).imagePullPasswd).toBe(REDACTED);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('GET /definition/deployment/{ns}/{name}', async () => {
    const res = await get('/definition/deployment/defaultGroup/deployment-test');
    expect(res.status).toBe(200);
    expect(containerOf(res.body.data).imagePullPasswd).toBe(REDACTED);
  });

  it('configmap create, update, get and list', async () => {
    const remote = { type: 'https', content: 'https://conf.example/b', remotePasswd: SECRET };
    const updated = await send(
      'put',
      '/namespaces/defaultGroup/configmaps',
      aConfigMap({ datas: { remote } }),
    );
    expect(updated.status).toBe(200);
    expect(updated.body.data.datas.remote.remotePasswd).toBe(REDACTED);
    const one = await get('/namespaces/defaultGroup/configmaps/configmap-test');
    expect(one.body.data.datas.remote).toMatchObject({
      remotePasswd: REDACTED,
      content: 'https://conf.example/b',
    });
    const list = await get('/namespaces/defaultGroup/configmaps');
    expect(list.body.data[0].datas.remote.remotePasswd).toBe(REDACTED);
  });

  it.each([
    '/namespaces/defaultGroup/applications',
    '/namespaces/defaultGroup/applications/app-test',
    '/namespaces/defaultGroup/applications/app-test/taskgroups',
    '/namespaces/defaultGroup/applications/app-test/tasks',
    '/namespaces/defaultGroup/deployments/deployment-test',
  ])('nothing under GET %s carries it', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('keeps the real password where the scheduler reads it (the task still needs it)', () => {
    const definition = server.scheduler.container
      .resolve(ApplicationService)
      .definition('defaultGroup', 'app-test');
    expect(containerOf(definition).imagePullPasswd).toBe(SECRET);
  });
});
