import { ErrorCode } from '@bcs/core';
import { aSecret } from '@bcs/testing/builders';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, createTestApp, type TestApp, V4 } from '../helpers/app.js';

// Issue 9 §0: inputs that answered 200 although they are wrong: a secret whose content is not base64, and
// agent-setting lists that are empty (nothing happened).

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const call = (method: 'post' | 'put', path: string, body: unknown) =>
  request(t.app.callback())
    [method](`${V4}${path}`)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);
const invalid = { result: false, code: ErrorCode.InvalidData, message: expect.any(String), data: null };

describe('secret content must be base64', () => {
  it.each(['post', 'put'] as const)(
    '%s with content "not base64!" → 400 naming the field; nothing stored',
    async (method) => {
      if (method === 'put')
        expect((await call('post', '/namespaces/defaultGroup/secrets', aSecret())).status).toBe(200);
      const before = await t.store.revision();
      const body = aSecret({ datas: { 'secret-subkey': { content: 'not base64!' } } });
      const res = await call(method, '/namespaces/defaultGroup/secrets', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalid);
      expect(res.body.message).toContain('datas.secret-subkey.content');
      expect(res.body.message).not.toContain('not base64!');
      expect(await t.store.revision()).toBe(before);
    },
  );

  it("accepts the document's example", async () => {
    expect((await call('post', '/namespaces/defaultGroup/secrets', aSecret())).status).toBe(200);
  });
});

describe('agent settings: an empty list is refused', () => {
  it.each([
    ['post', '/agentsettings'],
    ['post', '/agentsettings/'],
    ['put', '/agentsettings/taint'],
  ] as const)('%s %s with [] → 400, nothing stored', async (method, path) => {
    const before = await t.store.revision();
    const res = await call(method, path, []);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid);
    expect(await t.store.revision()).toBe(before);
  });
});
