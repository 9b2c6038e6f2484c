import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collections, type Version } from '@bcs/core';
import { createLevelStore } from '@bcs/store-level';
import { anApplication } from '@bcs/testing/builders';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { recordingLogger } from './helpers/recording-logger.js';

// issue 9 §0: "the server then fails the same way on every restart on that data dir, before it prints
// `listening`". A data dir holding an application with `instance: 1e9`, as the code before the bounds wrote
// it, must start; the application is shown Abnormal with the reason and the record is kept.

const CLUSTER_ID = 'BCS-DISK-00001';
const APPS = '/v4/scheduler/mesos/namespaces/defaultGroup/applications';

let dataDir: string | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

const get = (s: RunningServer, path: string) =>
  request(s.app.callback()).get(path).set('BCS-ClusterID', CLUSTER_ID);

describe('a poisoned data dir on LevelDB', () => {
  it('starts, shows the application with instance 1e9 Abnormal, keeps its record and serves the rest', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bcs-quarantine-'));
    const options = { port: 0, dataDir, clusterId: CLUSTER_ID, simAgents: 1 };
    server = await startServer(options);
    const body = anApplication({ metadata: { name: 'good' }, spec: { instance: 1 } });
    const created = await request(server.app.callback())
      .post(APPS)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(body as object);
    expect(created.status).toBe(200);
    await server.close();
    server = undefined;

    // What the code before the bounds left behind: the app record and its version, no taskgroups.
    const store = createLevelStore({ location: join(dataDir, 'store') });
    await store.open();
    const [good] = await store.list<Version>(Collections.version, { prefix: 'defaultGroup/good/' });
    const version = { ...good!.value, id: `${good!.value.id}9`, appId: 'poisoned', instances: 1_000_000_000 };
    const poisoned = {
      id: 'poisoned',
      namespace: 'defaultGroup',
      kind: 'application',
      status: 'Staging',
      message: 'application created',
      desiredInstances: 1_000_000_000,
      versionId: version.id,
      createdAt: 1,
      updatedAt: 1,
      operation: { type: 'create', startedAt: 1 },
    };
    await store.batch([
      {
        type: 'put',
        collection: Collections.version,
        key: `defaultGroup/poisoned/${version.id}`,
        value: version,
      },
      { type: 'put', collection: Collections.application, key: 'defaultGroup/poisoned', value: poisoned },
    ]);
    await store.close();

    const lines: Record<string, unknown>[] = [];
    server = await startServer({ ...options, logger: recordingLogger(lines) });
    const res = await get(server, `${APPS}/poisoned`);
    expect(res.status).toBe(200);
    expect(res.body.data.Status).toBe('Abnormal');
    expect(res.body.data.TaskGroups ?? []).toHaveLength(0);
    expect(lines.filter((l) => l.key === 'defaultGroup/poisoned')).toHaveLength(1);
    expect((await get(server, `${APPS}/good`)).status).toBe(200);
    expect(await server.store.get(Collections.application, 'defaultGroup/poisoned')).toMatchObject({
      value: poisoned,
    });
  });
});
