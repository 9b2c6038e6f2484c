import type { InjectionToken } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AdmissionWebhookService,
  ErrorCode,
  type NamespacedResourceService,
  rfc3339,
  SecretService,
  ServiceService,
} from '../../src/index.js';
import { createTestCore, issuePaths, rejectionOf, T0, type TestCore } from '../helpers/core.js';

/** spec/api-v4.md createSecret. */
const secret = () => ({
  apiVersion: 'v4',
  kind: 'secret',
  metadata: { name: 'secret-test', namespace: 'defaultGroup', labels: {} },
  type: '',
  datas: { 'secret-subkey': { path: 'SECRET_ENV_TEST', content: 'Y29uZmlnIGNvbnRleHQ=' } },
});

/** spec/api-v4.md createService. */
const service = () => ({
  apiVersion: 'v4',
  kind: 'service',
  metadata: { name: 'service-test', namespace: 'defaultGroup', labels: { BCSGROUP: 'external' } },
  spec: {
    selector: { podname: 'app-test' },
    ports: [{ name: 'test-port', protocol: 'tcp', servicePort: 8899 }],
  },
});

/** spec/api-v4.md createadmission. */
const webhook = () => ({
  apiVersion: 'v4',
  kind: 'admissionwebhook',
  metadata: { name: 'webhook-test', namespace: 'defaultGroup' },
  resourcesRef: { operation: 'Create', kind: 'Application' },
  admissionWebhooks: [
    {
      name: 'container-sidecar',
      failurePolicy: 'Ignore',
      clientConfig: {
        caBundle: 'xxxxxxxxx',
        namespace: 'sidecar-webhook-namespace',
        name: 'sidecar-webhook-service',
      },
    },
  ],
});

type AnyService = NamespacedResourceService<{ metadata: { name: string } }>;
type ServiceClass = InjectionToken<AnyService>;

const kinds: [string, ServiceClass, string, () => { metadata: { name: string; namespace?: string } }][] = [
  ['secret', SecretService as unknown as ServiceClass, 'secret', secret],
  ['service', ServiceService as unknown as ServiceClass, 'service', service],
  ['admissionwebhook', AdmissionWebhookService as unknown as ServiceClass, 'admissionwebhook', webhook],
];

describe.each(kinds)('NamespacedResourceService via %s', (_, Service, collection, example) => {
  let core: TestCore;
  let subject: AnyService;
  const name = example().metadata.name;

  beforeEach(() => {
    core = createTestCore();
    subject = core.container.resolve(Service);
  });
  afterEach(async () => {
    await core.store.dispose();
  });

  it('creates, gets, lists and deletes', async () => {
    const stored = await subject.create('defaultGroup', example());
    expect(stored.metadata).toMatchObject({
      name,
      namespace: 'defaultGroup',
      creationTimestamp: rfc3339(T0),
    });
    expect(await subject.get('defaultGroup', name)).toEqual(stored);
    expect(await subject.list('defaultGroup')).toEqual([stored]);
    expect(await subject.listAll()).toEqual([stored]);
    expect((await core.store.get(collection, `defaultGroup/${name}`))?.value).toEqual(stored);
    await subject.delete('defaultGroup', name);
    expect(await subject.list('defaultGroup')).toEqual([]);
  });

  it('refuses a second create with AlreadyExists (1405201) and keeps the first', async () => {
    const first = await subject.create('defaultGroup', example());
    const before = await core.store.revision();
    const error = await rejectionOf(subject.create('defaultGroup', example()));
    expect(error.code).toBe(ErrorCode.AlreadyExists);
    expect(error.code).toBe(1405201);
    expect(error.status).toBe(409);
    expect(await core.store.revision()).toBe(before);
    expect(await subject.get('defaultGroup', name)).toEqual(first);
  });

  it('refuses to update a missing object with NotFound (1405202)', async () => {
    const error = await rejectionOf(subject.update('defaultGroup', example()));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.code).toBe(1405202);
    expect(error.status).toBe(404);
    expect(await core.store.revision()).toBe(0);
  });

  it('refuses to delete a missing object with NotFound (1405202)', async () => {
    await subject.create('other', { ...example(), metadata: { name } });
    const before = await core.store.revision();
    expect((await rejectionOf(subject.delete('defaultGroup', name))).code).toBe(ErrorCode.NotFound);
    expect(await core.store.revision()).toBe(before);
  });

  it('refuses a body whose namespace differs from the URL (1405008) and writes nothing', async () => {
    const error = await rejectionOf(subject.create('ns-a', example()));
    expect(error.code).toBe(ErrorCode.InvalidData);
    expect(error.code).toBe(1405008);
    expect(issuePaths(error)).toEqual(['metadata.namespace']);
    expect(await core.store.revision()).toBe(0);

    await subject.create('defaultGroup', example());
    const before = await core.store.revision();
    expect((await rejectionOf(subject.update('ns-a', example()))).code).toBe(ErrorCode.InvalidData);
    expect(await core.store.revision()).toBe(before);
  });

  it('refuses an update whose name differs from the URL', async () => {
    await subject.create('defaultGroup', example());
    const before = await core.store.revision();
    const error = await rejectionOf(subject.update('defaultGroup', example(), 'other-name'));
    expect(error.code).toBe(ErrorCode.InvalidData);
    expect(issuePaths(error)).toEqual(['metadata.name']);
    expect(await core.store.revision()).toBe(before);
  });

  it('keeps creationTimestamp on update, whatever the body says', async () => {
    await subject.create('defaultGroup', example());
    core.clock.advance(3_600_000);
    const body = {
      ...example(),
      metadata: { ...example().metadata, creationTimestamp: '2000-01-01T00:00:00Z' },
    };
    const updated = await subject.update('defaultGroup', body, name);
    expect(updated.metadata.creationTimestamp).toBe(rfc3339(T0));
    expect((await subject.get('defaultGroup', name)).metadata.creationTimestamp).toBe(rfc3339(T0));
  });

  it('keeps namespaces apart that share a prefix', async () => {
    await subject.create('ns', { ...example(), metadata: { name } });
    await subject.create('ns-a', { ...example(), metadata: { name } });
    expect((await subject.list('ns')).map((o) => o.metadata)).toEqual([
      expect.objectContaining({ namespace: 'ns' }),
    ]);
    expect(await subject.listAll()).toHaveLength(2);
  });
});
