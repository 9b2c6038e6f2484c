import { ErrorCode } from '@bcs/core';
import { aService } from '@bcs/testing/builders';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, createTestApp, type TestApp, V4 } from '../helpers/app.js';

// The route without a Mesos cluster (`createTestApp` registers no driver); with one, see
// test/scenarios/endpoints.test.ts.

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const api = () => request(t.app.callback());
const PATH = '/namespaces/defaultGroup/services/service-test/endpoints';

describe('GET /namespaces/:ns/services/:name/endpoints without a cluster', () => {
  it.each([V4, `/bcsapi${V4}`])(
    'answers 503 code 1405905 under %s, even for an existing service',
    async (prefix) => {
      const created = await api()
        .post(`${prefix}/namespaces/defaultGroup/services`)
        .set('BCS-ClusterID', CLUSTER_ID)
        .send(aService());
      expect(created.status).toBe(200);
      const res = await api().get(`${prefix}${PATH}`).set('BCS-ClusterID', CLUSTER_ID);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        result: false,
        code: ErrorCode.NoCluster,
        message: expect.any(String),
        data: null,
      });
    },
  );

  it.each([
    ['namespace', '/namespaces/bad.ns/services/service-test/endpoints'],
    ['name', '/namespaces/defaultGroup/services/service.test/endpoints'],
  ])('answers 400 code 1405007 for a bad %s before anything else', async (field, path) => {
    const res = await api().get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.BadParams);
    expect(res.body.message).toContain(field);
  });

  it('answers 405 code 1405903 for another method', async () => {
    const res = await api().post(`${V4}${PATH}`).set('BCS-ClusterID', CLUSTER_ID).send({});
    expect(res.status).toBe(405);
    expect(res.body.code).toBe(ErrorCode.MethodNotAllowed);
  });

  it('leaves the service routes alone: GET of the service still answers it', async () => {
    await api()
      .post(`${V4}/namespaces/defaultGroup/services`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(aService());
    const res = await api()
      .get(`${V4}/namespaces/defaultGroup/services/service-test`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(200);
    expect(res.body.data.metadata.name).toBe('service-test');
  });
});
