import { ErrorCode } from '@bcs/core';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, createTestApp, type TestApp, V4 } from '../helpers/app.js';

// POST /healthcheck without a Mesos cluster; with one, see test/scenarios/health.test.ts.

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('POST /healthcheck without a cluster', () => {
  it.each([V4, `/bcsapi${V4}`])('answers 503 code 1405905 under %s (no longer 501)', async (prefix) => {
    const res = await request(t.app.callback())
      .post(`${prefix}/healthcheck`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send({ id: 'a.task', type: 'REMOTE_HTTP', status: true });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      result: false,
      code: ErrorCode.NoCluster,
      message: expect.any(String),
      data: null,
    });
  });
});
