import { ErrorCode, registerCore, type Store } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing';
import request from 'supertest';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostCheck, createHttpApp, type HttpApp } from '../../src/index.js';
import { CLUSTER_ID, V4 } from '../helpers/app.js';

// Issue 9 §0: the Host header (DNS rebinding) and an oversized URL, on the koa app in-process.

let store: Store;
let container: DependencyContainer;
let app: HttpApp;
const open = async (listenHost: string, allowedHosts?: string[]) => {
  store = createMemoryStore();
  await store.open();
  container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock: new ManualClock(Date.UTC(2026, 10, 24)),
  });
  app = createHttpApp({
    container,
    clusterId: CLUSTER_ID,
    hostCheck: createHostCheck({ listenHost, ...(allowedHosts === undefined ? {} : { allowedHosts }) }),
  });
};
afterEach(async () => {
  await app.dispose();
  await container.dispose();
  await store.dispose();
});
const get = (host: string, path = `${V4}/namespaces/defaultGroup/configmaps`) =>
  request(app.callback()).get(path).set('Host', host).set('BCS-ClusterID', CLUSTER_ID);

describe('Host check, listening on 127.0.0.1', () => {
  beforeEach(() => open('127.0.0.1', ['sched.example']));

  it.each(['127.0.0.1:8899', 'localhost:8899', 'LOCALHOST', '[::1]:8899', '10.1.2.3', 'sched.example:80'])(
    'serves Host %s',
    async (host) => {
      const res = await get(host);
      expect(res.status).toBe(200);
      expect(res.body.code).toBe(0);
    },
  );

  it.each(['evil.example', 'evil.example:8899', '127.0.0.1.evil.example', 'sched.example.evil', 'a:b:c'])(
    'refuses Host %s with 403 in the envelope, before anything is read or written',
    async (host) => {
      const res = await request(app.callback())
        .post(`${V4}/namespaces/defaultGroup/configmaps`)
        .set('Host', host)
        .set('BCS-ClusterID', CLUSTER_ID)
        .send({ bad: 'body' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        result: false,
        code: ErrorCode.FilterFailed,
        message: expect.any(String),
        data: null,
      });
    },
  );

  it('refuses a foreign Host on paths outside the API too', async () => {
    const res = await get('evil.example', '/');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(ErrorCode.FilterFailed);
  });
});

describe('Host check, listening on 0.0.0.0', () => {
  it('serves any Host when no list is given', async () => {
    await open('0.0.0.0');
    expect((await get('whatever.example:8899')).status).toBe(200);
  });

  it('checks Host against the list when one is given', async () => {
    await open('0.0.0.0', ['sched.example']);
    expect((await get('sched.example')).status).toBe(200);
    expect((await get('evil.example')).status).toBe(403);
  });
});

describe('request URL length', () => {
  beforeEach(() => open('127.0.0.1'));

  it('answers a URL over 8 KiB with 414 in the envelope', async () => {
    const res = await get('127.0.0.1', `${V4}/namespaces/defaultGroup/configmaps?x=${'a'.repeat(9000)}`);
    expect(res.status).toBe(414);
    expect(res.body).toEqual({
      result: false,
      code: ErrorCode.BadParams,
      message: expect.any(String),
      data: null,
    });
  });

  it('serves a URL just under the limit', async () => {
    const path = `${V4}/namespaces/defaultGroup/configmaps?x=`;
    const res = await get('127.0.0.1', `${path}${'a'.repeat(8192 - path.length)}`);
    expect(res.status).toBe(200);
  });
});
