import { ErrorCode } from '@bcs/core';
import { aConfigMap, anApplication, aSecret } from '@bcs/testing/builders';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, V4 } from '../helpers/app.js';
import { createSimApp, type SimApp } from '../helpers/sim-app.js';

// Configmaps and secrets that containers reference, through the API (issue 9 §2), in-process on a simulated
// cluster with a manual clock.

let t: SimApp;
beforeEach(async () => {
  t = await createSimApp();
});
afterEach(() => t.close());

const NS = '/namespaces/defaultGroup';
const api = () => request(t.app.callback());
const get = (path: string) => api().get(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);
const post = (path: string, body: unknown) =>
  api()
    .post(`${V4}${path}`)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);
const del = (path: string) => api().delete(`${V4}${path}`).set('BCS-ClusterID', CLUSTER_ID);

/** The API document's application, one half-cpu instance, referencing the document's configmap and secret. */
function appWithRefs() {
  const body = anApplication({ spec: { instance: 1 } } as never) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const container = body.spec.template.spec.containers[0]!;
  container.resources = { limits: { cpu: '0.5', memory: '100' } };
  container.configmaps = [
    { name: 'configmap-test', items: [{ type: 'env', dataKey: 'item-one', keyOrPath: 'ITEM_ONE' }] },
  ];
  container.secrets = [
    { secretName: 'secret-test', items: [{ type: 'file', dataKey: 'secret-subkey', keyOrPath: '/run/key' }] },
  ];
  return body;
}

const envelopeOf = (code: number) => ({ result: false, code, message: expect.any(String), data: null });

describe('POST and PUT /applications with references', () => {
  it('answers 400 code 1405008 for a missing configmap and secret, and creates nothing', async () => {
    const res = await post(`${NS}/applications`, appWithRefs());
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelopeOf(ErrorCode.InvalidData));
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
  });

  it('answers 400 for a missing data key', async () => {
    await post(`${NS}/configmaps`, aConfigMap());
    await post(`${NS}/secrets`, aSecret());
    const body = appWithRefs();
    const [container] = body.spec.template.spec.containers;
    container!.configmaps = [
      { name: 'configmap-test', items: [{ type: 'env', dataKey: 'item-nine', keyOrPath: 'X' }] },
    ];
    const res = await post(`${NS}/applications`, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelopeOf(ErrorCode.InvalidData));
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
  });

  it('accepts them once they exist, and GET …/versions/{id} shows ConfigMaps and Secrets', async () => {
    expect((await post(`${NS}/configmaps`, aConfigMap())).status).toBe(200);
    expect((await post(`${NS}/secrets`, aSecret())).status).toBe(200);
    expect((await post(`${NS}/applications`, appWithRefs())).status).toBe(200);
    const ids = await get(`${NS}/applications/app-test/versions`);
    const version = await get(`${NS}/applications/app-test/versions/${ids.body.data[0]}`);
    expect(version.status).toBe(200);
    const [container] = version.body.data.Container;
    expect(container.ConfigMaps).toEqual([
      {
        name: 'configmap-test',
        items: [{ type: 'env', dataKey: 'item-one', dataKeyAlias: '', keyOrPath: 'ITEM_ONE' }],
      },
    ]);
    expect(container.Secrets).toEqual([
      {
        secretName: 'secret-test',
        items: [{ type: 'file', dataKey: 'secret-subkey', keyOrPath: '/run/key' }],
      },
    ]);
  });
});

describe('DELETE of a referenced configmap or secret', () => {
  beforeEach(async () => {
    await post(`${NS}/configmaps`, aConfigMap());
    await post(`${NS}/secrets`, aSecret());
    await post(`${NS}/applications`, appWithRefs());
    await t.advance(2000);
  });

  it('answers 409 code Conflict and keeps it', async () => {
    for (const path of [`${NS}/configmaps/configmap-test`, `${NS}/secrets/secret-test`]) {
      const res = await del(path);
      expect(res.status).toBe(409);
      expect(res.body).toEqual(envelopeOf(ErrorCode.Conflict));
      expect((await get(path)).status).toBe(200);
    }
  });

  it('deletes with ?force=true', async () => {
    for (const path of [`${NS}/configmaps/configmap-test`, `${NS}/secrets/secret-test`]) {
      expect((await del(`${path}?force=true`)).status).toBe(200);
      expect((await get(path)).status).toBe(404);
    }
  });

  it('answers 400 code 1405007 for a force that is not true or false', async () => {
    const res = await del(`${NS}/configmaps/configmap-test?force=yes`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.BadParams);
    expect((await get(`${NS}/configmaps/configmap-test`)).status).toBe(200);
  });

  it('deletes without force once the application is gone', async () => {
    expect((await del(`${NS}/applications/app-test?enforce=1`)).status).toBe(200);
    await t.advance(3000);
    expect((await get(`${NS}/applications/app-test`)).status).toBe(404);
    expect((await del(`${NS}/configmaps/configmap-test`)).status).toBe(200);
    expect((await del(`${NS}/secrets/secret-test`)).status).toBe(200);
  });
});
