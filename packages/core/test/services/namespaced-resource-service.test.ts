import {
  anAdmissionWebhook,
  aSecret,
  aService,
  type DeepPartial,
  type JsonObject,
} from '@bcs/testing/builders';
import type { InjectionToken } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  AdmissionWebhookService,
  ErrorCode,
  type NamespacedResourceService,
  rfc3339,
  SecretService,
  ServiceService,
} from '../../src/index.js';
import { issuePaths, T0, useTestCore } from '../helpers/core.js';

type AnyService = NamespacedResourceService<{ metadata: { name: string } }>;
type ServiceClass = InjectionToken<AnyService>;

/** A builder of the document's example body for the kind. */
type Example = (overrides?: DeepPartial<JsonObject>) => JsonObject;

const kinds: [string, ServiceClass, Example, string][] = [
  ['secret', SecretService as unknown as ServiceClass, aSecret, 'secret-test'],
  ['service', ServiceService as unknown as ServiceClass, aService, 'service-test'],
  [
    'admissionwebhook',
    AdmissionWebhookService as unknown as ServiceClass,
    anAdmissionWebhook,
    'webhook-test',
  ],
];

describe.each(kinds)('NamespacedResourceService via %s', (collection, Service, example, name) => {
  const t = useTestCore(Service);

  it('creates, gets, lists and deletes', async () => {
    const stored = await t.service.create('defaultGroup', example());
    expect(stored.metadata).toMatchObject({
      name,
      namespace: 'defaultGroup',
      creationTimestamp: rfc3339(T0),
    });
    expect(await t.service.get('defaultGroup', name)).toEqual(stored);
    expect(await t.service.list('defaultGroup')).toEqual([stored]);
    expect(await t.service.listAll()).toEqual([stored]);
    expect((await t.core.store.get(collection, `defaultGroup/${name}`))?.value).toEqual(stored);
    await t.service.delete('defaultGroup', name);
    expect(await t.service.list('defaultGroup')).toEqual([]);
  });

  it('refuses a second create with AlreadyExists (1405201) and keeps the first', async () => {
    const first = await t.service.create('defaultGroup', example());
    const error = await t.refused(() => t.service.create('defaultGroup', example()), ErrorCode.AlreadyExists);
    expect(error.code).toBe(1405201);
    expect(error.status).toBe(409);
    expect(await t.service.get('defaultGroup', name)).toEqual(first);
  });

  it('refuses to update a missing object with NotFound (1405202)', async () => {
    const error = await t.refused(() => t.service.update('defaultGroup', example()), ErrorCode.NotFound);
    expect(error.code).toBe(1405202);
    expect(error.status).toBe(404);
  });

  it('refuses to delete a missing object with NotFound (1405202)', async () => {
    await t.service.create('other', { ...example(), metadata: { name } });
    await t.refused(() => t.service.delete('defaultGroup', name), ErrorCode.NotFound);
  });

  it('refuses a body whose namespace differs from the URL (1405008) and writes nothing', async () => {
    const error = await t.refused(() => t.service.create('ns-a', example()), ErrorCode.InvalidData);
    expect(error.code).toBe(1405008);
    expect(issuePaths(error)).toEqual(['metadata.namespace']);

    await t.service.create('defaultGroup', example());
    await t.refused(() => t.service.update('ns-a', example()), ErrorCode.InvalidData);
  });

  it('refuses an update whose name differs from the URL', async () => {
    await t.service.create('defaultGroup', example());
    const update = () => t.service.update('defaultGroup', example(), 'other-name');
    expect(issuePaths(await t.refused(update, ErrorCode.InvalidData))).toEqual(['metadata.name']);
  });

  it('keeps creationTimestamp on update, whatever the body says', async () => {
    await t.service.create('defaultGroup', example());
    t.core.clock.advance(3_600_000);
    const body = example({ metadata: { creationTimestamp: '2000-01-01T00:00:00Z' } });
    const updated = await t.service.update('defaultGroup', body, name);
    expect(updated.metadata.creationTimestamp).toBe(rfc3339(T0));
    expect((await t.service.get('defaultGroup', name)).metadata.creationTimestamp).toBe(rfc3339(T0));
  });

  it('keeps namespaces apart that share a prefix', async () => {
    await t.service.create('ns', { ...example(), metadata: { name } });
    await t.service.create('ns-a', { ...example(), metadata: { name } });
    expect((await t.service.list('ns')).map((o) => o.metadata)).toEqual([
      expect.objectContaining({ namespace: 'ns' }),
    ]);
    expect(await t.service.listAll()).toHaveLength(2);
  });
});
