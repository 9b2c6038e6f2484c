import { aConfigMap } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ConfigMapService, ErrorCode, rfc3339 } from '../../src/index.js';
import { issuePaths, rejectionOf, T0, useTestCore } from '../helpers/core.js';

const t = useTestCore(ConfigMapService);

describe('ConfigMapService', () => {
  it('is a singleton of its container', () => {
    expect(t.core.container.resolve(ConfigMapService)).toBe(t.service);
  });

  it("creates the document's example, stamped with the clock's time", async () => {
    const stored = await t.service.create('defaultGroup', aConfigMap());
    expect(stored).toEqual(aConfigMap({ metadata: { creationTimestamp: rfc3339(T0) } }));
    expect(stored.metadata.creationTimestamp).toBe('2026-11-24T06:04:00Z');
    expect(await t.service.get('defaultGroup', 'configmap-test')).toEqual(stored);
    expect((await t.core.store.get('configmap', 'defaultGroup/configmap-test'))?.value).toEqual(stored);
  });

  it("takes the URL's namespace when the body has none", async () => {
    const body = { ...aConfigMap(), metadata: { name: 'configmap-test' } };
    expect((await t.service.create('ns1', body)).metadata.namespace).toBe('ns1');
  });

  it('lists one namespace, and all of them', async () => {
    for (const ns of ['ns', 'ns-a']) {
      await t.service.create(ns, { ...aConfigMap(), metadata: { name: 'b' } });
      await t.service.create(ns, { ...aConfigMap(), metadata: { name: 'a' } });
    }
    expect((await t.service.list('ns')).map((c) => c.metadata.name)).toEqual(['a', 'b']);
    expect((await t.service.listAll()).map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual([
      'ns-a/a',
      'ns-a/b',
      'ns/a',
      'ns/b',
    ]);
    expect(await t.service.list('other')).toEqual([]);
  });

  it('updates, keeping the creation time', async () => {
    await t.service.create('defaultGroup', aConfigMap());
    t.core.clock.advance(60_000);
    const body = { ...aConfigMap(), datas: { only: { type: 'http', content: 'http://example.com/c' } } };
    const updated = await t.service.update('defaultGroup', body);
    expect(updated.datas).toEqual(body.datas);
    expect(updated.metadata.creationTimestamp).toBe(rfc3339(T0));
  });

  it('deletes', async () => {
    await t.service.create('defaultGroup', aConfigMap());
    await t.service.delete('defaultGroup', 'configmap-test');
    expect((await rejectionOf(t.service.get('defaultGroup', 'configmap-test'))).code).toBe(
      ErrorCode.NotFound,
    );
  });

  it.each([
    ['datas.item-one.content', { datas: { 'item-one': { type: 'file', content: '%%%' } } }],
    ['kind', { kind: 'Configmap' }],
    ['metadata.name', { metadata: { name: 'configmap.test' } }],
  ])('refuses a body breaking %s and writes nothing', async (path, patch) => {
    const create = () => t.service.create('defaultGroup', { ...aConfigMap(), ...patch });
    expect(issuePaths(await t.refused(create, ErrorCode.InvalidData))).toEqual([path]);
  });

  it('never puts file content into an error', async () => {
    const error = await rejectionOf(
      t.service.create('defaultGroup', {
        ...aConfigMap(),
        datas: { a: { type: 'smb', content: 'c2VjcmV0' } },
      }),
    );
    expect(error.message).not.toContain('c2VjcmV0');
  });
});
