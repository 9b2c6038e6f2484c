import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aConfigMap, aDeployment, anApplication } from '@bcs/testing/builders';
import { ClassicLevel } from 'classic-level';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { recordingLogger } from './helpers/recording-logger.js';

// issue 9 §0: "A record that cannot be loaded never prevents the server from starting." Here the records are not
// even JSON: garbage text written into LevelDB behind the store's back (a torn or foreign write), under an
// application key, an event chunk key, a deployment key and a configmap key. The server must start, serve,
// show the application with the reason, and answer the list endpoints 200.

const CLUSTER_ID = 'BCS-DISK-00002';
const NS = 'defaultGroup';
const V4 = '/v4/scheduler/mesos';
const GARBAGE = '{"revision":7,"value":{"torn';

let dataDir: string | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

const call = (s: RunningServer) => ({
  get: (path: string) => request(s.app.callback()).get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID),
  post: (path: string, body: object) =>
    request(s.app.callback()).post(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID).send(body),
});

/**
 * Writes `text` as the raw LevelDB value of each `[collection, key]`, by the layout of
 * packages/store-level/src/keys.ts: `!objects!!<collection>!<key>` (the keys here are ASCII, which
 * `encodeKey` keeps as they are). Returns the key of the newest event chunk, overwritten too.
 */
async function plantGarbage(location: string, rows: readonly [string, string][]): Promise<string> {
  const db = new ClassicLevel<string, string>(location);
  await db.open();
  try {
    const text = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;
    const objects = db.sublevel<string, string>('objects', text);
    const events = objects.sublevel<string, string>('event', text);
    const chunkKeys = await events.keys().all();
    const newest = chunkKeys.at(-1);
    if (newest === undefined) throw new Error('no event chunk to overwrite');
    await events.put(newest, GARBAGE);
    for (const [collection, key] of rows) {
      await objects.sublevel<string, string>(collection, text).put(key, GARBAGE);
    }
    return newest;
  } finally {
    await db.close();
  }
}

describe('a data dir with rows that are not JSON, on LevelDB', () => {
  it('starts, shows the torn application Abnormal with the reason, and the list endpoints answer 200', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bcs-unreadable-'));
    const options = { port: 0, dataDir, clusterId: CLUSTER_ID, simAgents: 1 };
    server = await startServer(options);
    const api = call(server);
    const app = anApplication({ metadata: { name: 'good' }, spec: { instance: 1 } });
    expect((await api.post(`/namespaces/${NS}/applications`, app as object)).status).toBe(200);
    const configMap = aConfigMap({ metadata: { name: 'kept' } });
    expect((await api.post(`/namespaces/${NS}/configmaps`, configMap as object)).status).toBe(200);
    const deployment = aDeployment({ metadata: { name: 'kept-dep' }, spec: { instance: 1 } });
    expect((await api.post(`/namespaces/${NS}/deployments`, deployment as object)).status).toBe(200);
    await server.close();
    server = undefined;

    const chunk = await plantGarbage(join(dataDir, 'store'), [
      ['application', `${NS}/torn`],
      ['deployment', `${NS}/torn-dep`],
      ['configmap', `${NS}/torn-cm`],
    ]);

    const lines: Record<string, unknown>[] = [];
    server = await startServer({ ...options, logger: recordingLogger(lines) });
    const again = call(server);

    const torn = await again.get(`/namespaces/${NS}/applications/torn`);
    expect(torn.status).toBe(200);
    expect(torn.body.data).toMatchObject({ Name: 'torn', Status: 'Abnormal' });
    expect(torn.body.data.Message).toEqual(expect.any(String));
    expect(torn.body.data.Message).not.toBe('');

    const apps = await again.get(`/namespaces/${NS}/applications`);
    expect(apps.status).toBe(200);
    expect(apps.body.data.map((a: { Name: string }) => a.Name).sort()).toEqual(['good', 'kept-dep', 'torn']);
    const configMaps = await again.get(`/namespaces/${NS}/configmaps`);
    expect(configMaps.status).toBe(200);
    expect(configMaps.body.data.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual([
      'kept',
    ]);
    const unreadable = await again.get(`/namespaces/${NS}/configmaps/torn-cm`);
    expect(unreadable.status).toBe(500);
    expect(unreadable.body).toMatchObject({ result: false, code: 1405906, data: null });
    expect((await again.get(`/namespaces/${NS}/deployments/kept-dep`)).status).toBe(200);
    expect((await again.get('/agentsettings')).status).toBe(200);
    expect((await again.get('/cluster/resources')).status).toBe(200);

    // Every row was logged with its collection and key; all are kept in the store as they were.
    const logged = (collection: string, key: string) =>
      lines.some((l) => l.collection === collection && l.key === key);
    expect(logged('application', `${NS}/torn`)).toBe(true);
    expect(logged('configmap', `${NS}/torn-cm`)).toBe(true);
    expect(logged('deployment', `${NS}/torn-dep`)).toBe(true);
    await expect(server.store.get('configmap', `${NS}/torn-cm`)).rejects.toHaveProperty('code', 1405906);
    await expect(server.store.get('event', chunk)).rejects.toHaveProperty('code', 1405906);

    // The server goes on working: a new application is accepted and events are numbered on.
    const next = anApplication({ metadata: { name: 'next' }, spec: { instance: 1 } });
    expect((await again.post(`/namespaces/${NS}/applications`, next as object)).status).toBe(200);
  });
});
