import { ErrorCode } from '@bcs/core';
import { createHttpOutbound } from '@bcs/outbound-http';
import { aDeployment, anApplication } from '@bcs/testing/builders';
import {
  createTestCa,
  type EndpointHandler,
  type LoopbackServer,
  startLoopbackServer,
  type TestCa,
  type TestKeyPair,
} from '@bcs/testing/net';
import request from 'supertest';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, V4 } from '../helpers/app.js';
import { createSimApp, type SimApp } from '../helpers/sim-app.js';

// Admission webhooks that run (issue 13 §3), through the API: real HTTPS webhook servers on loopback whose
// certificates a test CA made at test time signed, called by the real outbound adapter (@bcs/outbound-http).

const NS = '/namespaces/defaultGroup';
const IMAGE = 'dockerhub:8443/bcs/game/gamesvr:v1.1.1';
const PATCHED = 'registry.example/patched:v2';

let ca: TestCa;
let other: TestCa;
let serverKeys: TestKeyPair;
beforeAll(() => {
  ca = createTestCa('webhook-test-ca');
  other = createTestCa('not-the-webhook-ca');
  serverKeys = ca.issue(['127.0.0.1']);
});

let t: SimApp;
let hook: LoopbackServer;
let handler: EndpointHandler;
beforeEach(async () => {
  handler = () => ({ status: 200, body: '{"allowed":true}' });
  hook = await startLoopbackServer((req) => handler(req), { tls: serverKeys });
  t = await createSimApp({}, { outbound: createHttpOutbound() });
});
afterEach(async () => {
  await t.close();
  await hook.close();
});

const api = () => request(t.app.callback());
const get = (path: string) => api().get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);
const send = (method: 'post' | 'put', path: string, body: unknown) =>
  api()
    [method](`${V4}${path}`)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);

interface Hook {
  readonly name: string;
  readonly failurePolicy?: 'Fail' | 'Ignore';
  readonly caBundle?: string;
  readonly url?: string;
  readonly namespaceSelector?: { operator: 'In' | 'NotIn'; values: string[] };
  readonly timeoutSeconds?: number;
}

/** Stores a webhook configuration through the API; webhooks call the loopback server, trusting the test CA. */
async function configure(name: string, resourcesRef: { operation: string; kind: string }, hooks: Hook[]) {
  const body = {
    apiVersion: 'v4',
    kind: 'admissionwebhook',
    metadata: { name, namespace: 'defaultGroup' },
    resourcesRef,
    admissionWebhooks: hooks.map(({ name: hookName, failurePolicy, caBundle, url, ...rest }) => ({
      name: hookName,
      failurePolicy: failurePolicy ?? 'Fail',
      clientConfig: { url: url ?? `${hook.url}/${hookName}`, caBundle: caBundle ?? ca.caBundle },
      ...rest,
    })),
  };
  const res = await send('post', `${NS}/admissionwebhook`, body);
  expect(res.status).toBe(200);
}

const imagePatch: EndpointHandler = () => ({
  status: 200,
  body: JSON.stringify({
    allowed: true,
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: PATCHED }],
  }),
});
const envelopeOf = (code: number) => ({ result: false, code, message: expect.any(String), data: null });
const definitionImage = async () =>
  (await get('/definition/application/defaultGroup/app-test')).body.data?.spec.template.spec.containers[0]
    .image;

describe('admission webhooks on POST and PUT /applications', () => {
  it('stores what a mutating webhook patched (matched in any case: "CREATE"/"Application")', async () => {
    await configure('images', { operation: 'CREATE', kind: 'Application' }, [{ name: 'image-policy' }]);
    handler = imagePatch;
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(200);
    expect(await definitionImage()).toBe(PATCHED);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]).toMatchObject({ method: 'POST', path: '/image-policy' });
    expect(JSON.parse(hook.requests[0]?.body ?? '{}').spec.template.spec.containers[0].image).toBe(IMAGE);
  });

  it('answers 400 code 1405234 when the webhook refuses, and stores nothing', async () => {
    await configure('policy', { operation: 'Create', kind: 'application' }, [{ name: 'deny' }]);
    handler = () => ({ status: 200, body: JSON.stringify({ allowed: false, status: { message: 'no' } }) });
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelopeOf(ErrorCode.FilterFailed));
    expect(res.body.message).toContain('deny');
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
  });

  it('answers 504 code 1405910 when a Fail webhook times out, and stores nothing', async () => {
    await configure('slow', { operation: 'Create', kind: 'application' }, [
      { name: 'sleepy', timeoutSeconds: 1 },
    ]);
    handler = () => 'hang';
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(504);
    expect(res.body).toEqual(envelopeOf(ErrorCode.WebhookFailed));
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
  });

  it('answers 502 code 1405910 when the webhook presents a certificate the caBundle does not trust', async () => {
    await configure('tls', { operation: 'Create', kind: 'application' }, [
      { name: 'impostor', caBundle: other.caBundle },
    ]);
    handler = imagePatch;
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(502);
    expect(res.body).toEqual(envelopeOf(ErrorCode.WebhookFailed));
    expect(res.body.message).toContain('impostor');
    expect(hook.requests).toHaveLength(0);
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
  });

  it('skips an Ignore webhook with an untrusted certificate and stores the body unchanged', async () => {
    await configure('tls', { operation: 'Create', kind: 'application' }, [
      { name: 'impostor', caBundle: other.caBundle, failurePolicy: 'Ignore' },
    ]);
    handler = imagePatch;
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(200);
    expect(await definitionImage()).toBe(IMAGE);
  });

  it('never echoes a URL’s path or query (which may carry a token) in the envelope', async () => {
    await configure('secretive', { operation: 'Create', kind: 'application' }, [
      { name: 'tokened', url: `${hook.url}/hook?token=s3cr3t-t0ken` },
    ]);
    handler = () => ({ status: 500 });
    const res = await send('post', `${NS}/applications`, anApplication());
    expect(res.status).toBe(502);
    expect(res.body.message).not.toContain('s3cr3t-t0ken');
  });

  it('calls no webhook whose namespaceSelector leaves the namespace out', async () => {
    await configure('elsewhere', { operation: 'Create', kind: 'application' }, [
      { name: 'other-ns', namespaceSelector: { operator: 'NotIn', values: ['defaultGroup'] } },
    ]);
    handler = () => ({ status: 200, body: '{"allowed":false}' });
    expect((await send('post', `${NS}/applications`, anApplication())).status).toBe(200);
    expect(hook.requests).toHaveLength(0);
  });

  it('runs Update webhooks on PUT only', async () => {
    await configure('updates', { operation: 'update', kind: 'application' }, [{ name: 'on-update' }]);
    handler = imagePatch;
    expect((await send('post', `${NS}/applications`, anApplication())).status).toBe(200);
    expect(hook.requests).toHaveLength(0);
    expect((await send('put', `${NS}/applications`, anApplication())).status).toBe(200);
    expect(hook.requests).toHaveLength(1);
    expect(await definitionImage()).toBe(PATCHED);
  });
});

describe('admission webhooks on POST /deployments', () => {
  it('stores the patched template', async () => {
    await configure('deploys', { operation: 'Create', kind: 'Deployment' }, [{ name: 'deploy-images' }]);
    handler = imagePatch;
    expect((await send('post', `${NS}/deployments`, aDeployment())).status).toBe(200);
    const definition = await get('/definition/deployment/defaultGroup/deployment-test');
    expect(definition.body.data.spec.template.spec.containers[0].image).toBe(PATCHED);
  });
});
