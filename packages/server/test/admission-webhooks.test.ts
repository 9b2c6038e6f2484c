import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anApplication } from '@bcs/testing/builders';
import { createTestCa, type LoopbackServer, startLoopbackServer } from '@bcs/testing/net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { CLUSTER_ID, V4 } from './integration/helpers/server-process.js';

// startServer binds the real outbound adapter (@bcs/outbound-http) by default: an admission webhook on a
// loopback HTTPS server (certificate of a test CA made here) mutates an application created through the API.

const PATCHED = 'registry.example/patched:v2';
let server: RunningServer;
let hook: LoopbackServer;
let dataDir: string;
const send = (path: string, body: object) =>
  request(server.app.callback()).post(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID).send(body);

beforeAll(async () => {
  const ca = createTestCa();
  hook = await startLoopbackServer(
    () => ({
      status: 200,
      body: JSON.stringify([
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: PATCHED },
      ]),
    }),
    { tls: ca.issue() },
  );
  dataDir = await mkdtemp(join(tmpdir(), 'bcs-webhooks-'));
  server = await startServer({ port: 0, dataDir, clusterId: CLUSTER_ID, simAgents: 1 });
  const config = await send('/namespaces/defaultGroup/admissionwebhook', {
    apiVersion: 'v4',
    kind: 'admissionwebhook',
    metadata: { name: 'images', namespace: 'defaultGroup' },
    resourcesRef: { operation: 'Create', kind: 'Application' },
    admissionWebhooks: [
      {
        name: 'image-policy',
        failurePolicy: 'Fail',
        clientConfig: { url: `${hook.url}/mutate`, caBundle: ca.caBundle },
      },
    ],
  });
  expect(config.status).toBe(200);
});
afterAll(async () => {
  await server.close();
  await hook.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server’s admission webhooks', () => {
  it('calls the webhook over HTTPS and stores the patched application', async () => {
    const app = anApplication();
    (app as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec
      .containers[0]!.resources = {
      limits: { cpu: '0.1', memory: '10' },
    };
    expect((await send('/namespaces/defaultGroup/applications', app)).status).toBe(200);
    expect(hook.requests.map((r) => r.path)).toEqual(['/mutate']);
    const definition = await request(server.app.callback())
      .get(`${V4}/definition/application/defaultGroup/app-test`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(definition.body.data.spec.template.spec.containers[0].image).toBe(PATCHED);
  });
});
