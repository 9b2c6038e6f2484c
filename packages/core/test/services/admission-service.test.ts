import { createMemoryStore, FakeOutbound, ManualClock, SequentialIds } from '@bcs/testing';
import { aDeployment, anApplication } from '@bcs/testing/builders';
import { SimulatedCluster } from '@bcs/testing/cluster';
import type { EndpointHandler } from '@bcs/testing/net';
import { container as rootContainer } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createScheduler,
  ErrorCode,
  type Logger,
  type MesosDriver,
  type Scheduler,
} from '../../src/index.js';
import { rejectionOf } from '../helpers/core.js';

const NS = 'defaultGroup';
const HOOK = 'https://hook.test:8443';
const CA = '-----BEGIN CERTIFICATE-----\nfake-ca:hook\n-----END CERTIFICATE-----\n';
const IMAGE = 'dockerhub:8443/bcs/game/gamesvr:v1.1.1';
const PATCHED = 'registry.example/patched:v2';

interface Hook {
  readonly name: string;
  readonly failurePolicy?: 'Fail' | 'Ignore';
  readonly clientConfig?: Record<string, unknown>;
  readonly namespaceSelector?: { operator: 'In' | 'NotIn'; values: string[] };
  readonly timeoutSeconds?: number;
}

/** An admission webhook configuration body; webhooks call {@link HOOK} with the base64 {@link CA}. */
function configBody(name: string, resourcesRef: { operation: string; kind: string }, hooks: Hook[]) {
  return {
    apiVersion: 'v4',
    kind: 'admissionwebhook',
    metadata: { name, namespace: NS },
    resourcesRef,
    admissionWebhooks: hooks.map((hook) => ({
      failurePolicy: 'Fail',
      clientConfig: { url: `${HOOK}/${hook.name}`, caBundle: Buffer.from(CA).toString('base64') },
      ...hook,
    })),
  };
}

/** An envelope allowing with a patch of the first container's image. */
const imagePatch = (path = '/spec/template/spec/containers/0/image') => ({
  status: 200,
  body: JSON.stringify({ allowed: true, patch: [{ op: 'replace', path, value: PATCHED }] }),
});

let scheduler: Scheduler;
let cluster: SimulatedCluster;
let outbound: FakeOutbound;
let warnings: object[];

beforeEach(async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
  cluster = new SimulatedCluster({ clock, seed: 7, agents: 1 });
  await cluster.open();
  outbound = new FakeOutbound();
  warnings = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (fields) => warnings.push(fields) };
  scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store: createMemoryStore(),
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver: cluster as MesosDriver,
    engine: { clusterName: 'BCS-TEST-00001', tickMs: 1000 },
    outbound,
    logger,
  });
});

afterEach(async () => {
  await scheduler.close();
  await cluster.dispose();
});

/** Serves `handler` at {@link HOOK}, trusting only {@link CA}. */
function serve(handler: EndpointHandler) {
  outbound.endpoint(HOOK, handler, { caBundle: CA });
}

const storedImage = () =>
  scheduler.applications.get(NS, 'app-test').version?.containers[0]?.image ?? 'absent';
const appExists = () => scheduler.applications.list(NS).length > 0;

describe('AdmissionService on applications', () => {
  it('applies a mutating webhook’s JSON Patch (the doc’s case: "Create"/"Application"), and stores the result', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('images', { operation: 'Create', kind: 'Application' }, [{ name: 'image-policy' }]),
    );
    serve(() => imagePatch());
    await scheduler.applications.create(NS, anApplication());
    expect(storedImage()).toBe(PATCHED);
    // The client's body was POSTed as JSON to the configured URL, trusting the decoded caBundle.
    const [request] = outbound.httpRequests;
    expect(request).toMatchObject({ url: `${HOOK}/image-policy`, method: 'POST', caBundle: CA });
    expect(JSON.parse(request?.body ?? '{}').spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(scheduler.applications.definition(NS, 'app-test')).toMatchObject({
      spec: { template: { spec: { containers: [{ image: PATCHED }] } } },
    });
  });

  it('runs the webhooks in order, each on the previous one’s result', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('chain', { operation: 'create', kind: 'application' }, [
        { name: 'first' },
        { name: 'second' },
      ]),
    );
    const seen: string[] = [];
    serve((request) => {
      seen.push(JSON.parse(request.body).spec.template.spec.containers[0].image);
      return request.path === '/first' ? imagePatch() : { status: 200, body: '{"allowed":true}' };
    });
    await scheduler.applications.create(NS, anApplication());
    expect(seen).toEqual([IMAGE, PATCHED]);
    expect(storedImage()).toBe(PATCHED);
  });

  it('accepts the original’s whole-body answer as the object to store, validated again', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('replace', { operation: 'Create', kind: 'application' }, [{ name: 'replacer' }]),
    );
    serve((request) => {
      const body = JSON.parse(request.body);
      body.spec.instance = 1;
      return { status: 200, body: JSON.stringify(body) };
    });
    await scheduler.applications.create(NS, anApplication());
    expect(scheduler.applications.get(NS, 'app-test').app.desiredInstances).toBe(1);
  });

  it('refuses with 1405234 naming the webhook when it answers allowed: false, even under Ignore; nothing stored', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('policy', { operation: 'Create', kind: 'application' }, [
        { name: 'deny-all', failurePolicy: 'Ignore' },
      ]),
    );
    serve(() => ({
      status: 200,
      body: JSON.stringify({ allowed: false, status: { message: 'not today' } }),
    }));
    const error = await rejectionOf(scheduler.applications.create(NS, anApplication()));
    expect(error.code).toBe(ErrorCode.FilterFailed);
    expect(error.status).toBe(400);
    expect(error.message).toContain('deny-all');
    expect(appExists()).toBe(false);
  });

  it.each([
    ['a timeout', (() => 'hang') as EndpointHandler, 504],
    ['a 500 answer', (() => ({ status: 500 })) as EndpointHandler, 502],
    ['an answer that is not JSON', (() => ({ status: 200, body: '<html>' })) as EndpointHandler, 502],
    ['a patch that does not apply', (() => imagePatch('/spec/nothing/here')) as EndpointHandler, 502],
    [
      'a patch making the definition invalid',
      (() => ({
        status: 200,
        body: JSON.stringify([{ op: 'replace', path: '/spec/instance', value: -1 }]),
      })) as EndpointHandler,
      502,
    ],
    [
      'a patch renaming the application',
      (() => ({
        status: 200,
        body: JSON.stringify([{ op: 'replace', path: '/metadata/name', value: 'other' }]),
      })) as EndpointHandler,
      502,
    ],
  ])(
    'under Fail, %s → 1405910 (HTTP %s) naming the webhook; nothing stored',
    async (_label, handler, status) => {
      await scheduler.admissionWebhooks.create(
        NS,
        configBody('strict', { operation: 'Create', kind: 'application' }, [
          { name: 'must-answer', timeoutSeconds: 1 },
        ]),
      );
      serve(handler);
      const error = await rejectionOf(scheduler.applications.create(NS, anApplication()));
      expect(error.code).toBe(ErrorCode.WebhookFailed);
      expect(error.status).toBe(status);
      expect(error.message).toContain('must-answer');
      expect(appExists()).toBe(false);
      expect(outbound.httpRequests[0]?.timeoutMs).toBe(1000);
    },
  );

  it('under Fail, a certificate the caBundle does not trust → 1405910; nothing stored', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('tls', { operation: 'Create', kind: 'application' }, [{ name: 'wrong-cert' }]),
    );
    outbound.endpoint(HOOK, () => imagePatch(), { caBundle: 'another CA' });
    const error = await rejectionOf(scheduler.applications.create(NS, anApplication()));
    expect(error.code).toBe(ErrorCode.WebhookFailed);
    expect(appExists()).toBe(false);
  });

  it('under Ignore, a failing webhook is logged and skipped; the next one still runs', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('lenient', { operation: 'Create', kind: 'application' }, [
        { name: 'down', failurePolicy: 'Ignore', clientConfig: { url: 'https://down.test/' } },
        { name: 'broken', failurePolicy: 'Ignore' },
        { name: 'mutator', failurePolicy: 'Ignore' },
      ]),
    );
    serve((request) =>
      request.path === '/broken' ? { status: 200, body: '[{"op":"remove","path":"/spec"}]' } : imagePatch(),
    );
    await scheduler.applications.create(NS, anApplication());
    expect(storedImage()).toBe(PATCHED);
    expect(warnings.map((w) => (w as { webhook: string }).webhook)).toEqual(['down', 'broken']);
  });

  it('calls only the webhooks whose namespaceSelector admits the namespace', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('selective', { operation: 'Create', kind: 'application' }, [
        { name: 'elsewhere', namespaceSelector: { operator: 'In', values: ['other'] } },
        { name: 'not-here', namespaceSelector: { operator: 'NotIn', values: [NS] } },
        { name: 'here', namespaceSelector: { operator: 'In', values: [NS] } },
      ]),
    );
    serve(() => ({ status: 200, body: '{"allowed":true}' }));
    await scheduler.applications.create(NS, anApplication());
    expect(outbound.httpRequests.map((r) => new URL(r.url).pathname)).toEqual(['/here']);
  });

  it('runs Update webhooks on update only, and builds the URL from the service name when there is no url', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('updates', { operation: 'UPDATE', kind: 'application' }, [
        {
          name: 'svc',
          clientConfig: { name: 'svc', namespace: 'hooks', port: 8443, path: 'mutate', caBundle: CA },
        },
      ]),
    );
    outbound.endpoint('https://svc.hooks:8443', () => imagePatch(), { caBundle: CA });
    await scheduler.applications.create(NS, anApplication());
    expect(outbound.calls).toHaveLength(0);
    expect(storedImage()).toBe(IMAGE);
    await scheduler.applications.update(NS, anApplication());
    expect(outbound.httpRequests.map((r) => r.url)).toEqual(['https://svc.hooks:8443/mutate']);
    expect(storedImage()).toBe(PATCHED);
  });

  it('without an outbound adapter, a Fail webhook refuses (1405910) and an Ignore one is skipped', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
    const ownCluster = new SimulatedCluster({ clock, seed: 8, agents: 1 });
    await ownCluster.open();
    const bare = await createScheduler({
      container: rootContainer.createChildContainer(),
      store: createMemoryStore(),
      clock,
      driver: ownCluster as MesosDriver,
    });
    try {
      const body = (failurePolicy: 'Fail' | 'Ignore') =>
        configBody('any', { operation: 'Create', kind: 'application' }, [
          { name: 'unreachable', failurePolicy },
        ]);
      await bare.admissionWebhooks.create(NS, body('Fail'));
      expect((await rejectionOf(bare.applications.create(NS, anApplication()))).code).toBe(
        ErrorCode.WebhookFailed,
      );
      expect(bare.applications.list(NS)).toHaveLength(0);
      await bare.admissionWebhooks.update(NS, body('Ignore'));
      await bare.applications.create(NS, anApplication());
      expect(bare.applications.list(NS)).toHaveLength(1);
    } finally {
      await bare.close();
      await ownCluster.dispose();
    }
  });
});

describe('AdmissionService on deployments', () => {
  it('patches a deployment’s template on create and shows the result in its definition', async () => {
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('deploys', { operation: 'Create', kind: 'Deployment' }, [{ name: 'deploy-images' }]),
    );
    serve(() => imagePatch());
    await scheduler.deployments.create(NS, aDeployment());
    expect(outbound.httpRequests).toHaveLength(1);
    expect(await scheduler.deployments.definition(NS, 'deployment-test')).toMatchObject({
      spec: { template: { spec: { containers: [{ image: PATCHED }] } } },
    });
  });

  it('refuses a deployment update a webhook refuses; the deployment keeps its definition', async () => {
    await scheduler.deployments.create(NS, aDeployment());
    await scheduler.admissionWebhooks.create(
      NS,
      configBody('freeze', { operation: 'Update', kind: 'deployment' }, [{ name: 'change-freeze' }]),
    );
    serve(() => ({ status: 200, body: '{"allowed":false}' }));
    const error = await rejectionOf(scheduler.deployments.update(NS, aDeployment({ spec: { instance: 3 } })));
    expect(error.code).toBe(ErrorCode.FilterFailed);
    expect(await scheduler.deployments.definition(NS, 'deployment-test')).toMatchObject({
      spec: { instance: 2 },
    });
  });
});
