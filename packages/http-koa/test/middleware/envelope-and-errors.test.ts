import { ErrorCode } from '@bcs/core';
import { aConfigMap } from '@bcs/testing/builders';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, createTestApp, type TestApp, V4 } from '../helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ bodyLimit: 4096 });
});
afterEach(() => t.close());

const api = () => request(t.app.callback());
const expectFailure = (body: unknown, code: number) =>
  expect(body).toEqual({ result: false, code, message: expect.any(String), data: null });

describe('cluster header', () => {
  it('refuses a request without BCS-ClusterID with 400 and code 1405234', async () => {
    const res = await api().get(`${V4}/namespaces/defaultGroup/configmaps`);
    expect(res.status).toBe(400);
    expectFailure(res.body, ErrorCode.FilterFailed);
    expect(res.body.message).toContain('BCS-ClusterID');
  });
  it('refuses a different cluster id', async () => {
    const res = await api().get(`${V4}/namespaces/defaultGroup/configmaps`).set('BCS-ClusterID', 'BCS-OTHER');
    expect(res.status).toBe(400);
    expectFailure(res.body, ErrorCode.FilterFailed);
  });
  it('accepts the right id under both prefixes', async () => {
    for (const prefix of [V4, `/bcsapi${V4}`]) {
      const res = await api()
        .get(`${prefix}/namespaces/defaultGroup/configmaps`)
        .set('BCS-ClusterID', CLUSTER_ID);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ result: true, code: 0, message: 'success', data: [] });
    }
  });
});

describe('request bodies', () => {
  it('answers 400 code 1405010 for malformed JSON without echoing the body', async () => {
    const res = await api()
      .post(`${V4}/namespaces/defaultGroup/secrets`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send('{"kind":"secret","datas":{"k":{"content":"c2VjcmV0LXZhbHVl"}');
    expect(res.status).toBe(400);
    expectFailure(res.body, ErrorCode.JsonDecode);
    expect(res.body.message).not.toContain('c2VjcmV0LXZhbHVl');
    expect(await t.store.revision()).toBe(0);
  });
  it('answers 400 code 1405010 for an empty body', async () => {
    const res = await api().post(`${V4}/namespaces/defaultGroup/configmaps`).set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(400);
    expectFailure(res.body, ErrorCode.JsonDecode);
  });
  it('answers 413 code 1405006 for a body over the limit, declared or streamed', async () => {
    const big = JSON.stringify(aConfigMap({ datas: { big: { type: 'file', content: 'A'.repeat(8192) } } }));
    const res = await api()
      .post(`${V4}/namespaces/defaultGroup/configmaps`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .set('content-type', 'application/json')
      .send(big);
    expect(res.status).toBe(413);
    expectFailure(res.body, ErrorCode.ReadBody);
    expect(await t.store.revision()).toBe(0);
  });
  it('parses JSON sent as form data, as the API document curl examples do', async () => {
    const res = await api()
      .post(`${V4}/namespaces/defaultGroup/configmaps`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(JSON.stringify(aConfigMap()));
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
  });
});

describe('routing', () => {
  it('answers 404 code 1405202 for an unknown route, in the envelope', async () => {
    const res = await api().get(`${V4}/nothing/here`).set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(404);
    expectFailure(res.body, ErrorCode.NotFound);
    const outside = await api().get('/elsewhere');
    expect(outside.status).toBe(404);
    expectFailure(outside.body, ErrorCode.NotFound);
  });
  it('answers 405 code 1405903 for a known path with another method', async () => {
    const res = await api()
      .patch(`${V4}/namespaces/defaultGroup/configmaps`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(405);
    expectFailure(res.body, ErrorCode.MethodNotAllowed);
  });
  it('answers 501 code 1405902 for endpoints later issues own, and stores nothing', async () => {
    // The one left: a deployment's resource-only update (whether or not the server has a Mesos cluster).
    const res = await api()
      .put(`${V4}/namespaces/defaultGroup/deployments?args=resource`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send({ kind: 'deployment' });
    expect(res.status).toBe(501);
    expectFailure(res.body, ErrorCode.NotImplemented);
    expect(await t.store.revision()).toBe(0);
  });

  it('answers 503 code 1405905 for applications when the server has no Mesos cluster', async () => {
    const res = await api()
      .post(`${V4}/namespaces/defaultGroup/applications`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send({ kind: 'application' });
    expect(res.status).toBe(503);
    expectFailure(res.body, ErrorCode.NoCluster);
    expect(await t.store.revision()).toBe(0);
  });
  it('answers 400 code 1405007 for a namespace in the URL that breaks the name rule', async () => {
    const res = await api().get(`${V4}/namespaces/bad.ns/configmaps`).set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(400);
    expectFailure(res.body, ErrorCode.BadParams);
    expect(res.body.message).toContain('namespace');
  });
});
