import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigMapService, ErrorCode, rfc3339 } from '../../src/index.js';
import { createTestCore, issuePaths, rejectionOf, T0, type TestCore } from '../helpers/core.js';

/** spec/api-v4.md createConfigmap. */
const docExample = () => ({
  apiVersion: 'v4',
  kind: 'configmap',
  metadata: { name: 'configmap-test', namespace: 'defaultGroup', labels: {} },
  datas: {
    'item-one': { type: 'file', content: 'Y29uZmlnIGNvbnRleHQ=' },
    'item-two': { type: 'file', content: 'Y29uZmlnIGNvbnRleHQ=' },
  },
});

let core: TestCore;
let service: ConfigMapService;

beforeEach(() => {
  core = createTestCore();
  service = core.container.resolve(ConfigMapService);
});
afterEach(async () => {
  await core.store.dispose();
});

describe('ConfigMapService', () => {
  it('is a singleton of its container', () => {
    expect(core.container.resolve(ConfigMapService)).toBe(service);
  });

  it("creates the document's example, stamped with the clock's time", async () => {
    const stored = await service.create('defaultGroup', docExample());
    expect(stored).toEqual({
      ...docExample(),
      metadata: { ...docExample().metadata, creationTimestamp: rfc3339(T0) },
    });
    expect(stored.metadata.creationTimestamp).toBe('2026-11-24T06:04:00Z');
    expect(await service.get('defaultGroup', 'configmap-test')).toEqual(stored);
    expect((await core.store.get('configmap', 'defaultGroup/configmap-test'))?.value).toEqual(stored);
  });

  it("takes the URL's namespace when the body has none", async () => {
    const body = { ...docExample(), metadata: { name: 'configmap-test' } };
    expect((await service.create('ns1', body)).metadata.namespace).toBe('ns1');
  });

  it('lists one namespace, and all of them', async () => {
    for (const ns of ['ns', 'ns-a']) {
      await service.create(ns, { ...docExample(), metadata: { name: 'b' } });
      await service.create(ns, { ...docExample(), metadata: { name: 'a' } });
    }
    expect((await service.list('ns')).map((c) => c.metadata.name)).toEqual(['a', 'b']);
    expect((await service.listAll()).map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual([
      'ns-a/a',
      'ns-a/b',
      'ns/a',
      'ns/b',
    ]);
    expect(await service.list('other')).toEqual([]);
  });

  it('updates, keeping the creation time', async () => {
    await service.create('defaultGroup', docExample());
    core.clock.advance(60_000);
    const body = { ...docExample(), datas: { only: { type: 'http', content: 'http://example.com/c' } } };
    const updated = await service.update('defaultGroup', body);
    expect(updated.datas).toEqual(body.datas);
    expect(updated.metadata.creationTimestamp).toBe(rfc3339(T0));
  });

  it('deletes', async () => {
    await service.create('defaultGroup', docExample());
    await service.delete('defaultGroup', 'configmap-test');
    expect((await rejectionOf(service.get('defaultGroup', 'configmap-test'))).code).toBe(ErrorCode.NotFound);
  });

  it.each([
    ['datas.item-one.content', { datas: { 'item-one': { type: 'file', content: '%%%' } } }],
    ['kind', { kind: 'Configmap' }],
    ['metadata.name', { metadata: { name: 'configmap.test' } }],
  ])('refuses a body breaking %s and writes nothing', async (path, patch) => {
    const before = await core.store.revision();
    const error = await rejectionOf(service.create('defaultGroup', { ...docExample(), ...patch }));
    expect(error.code).toBe(ErrorCode.InvalidData);
    expect(issuePaths(error)).toEqual([path]);
    expect(await core.store.revision()).toBe(before);
  });

  it('never puts file content into an error', async () => {
    const error = await rejectionOf(
      service.create('defaultGroup', { ...docExample(), datas: { a: { type: 'smb', content: 'c2VjcmV0' } } }),
    );
    expect(error.message).not.toContain('c2VjcmV0');
  });
});
