import { createScheduler, ErrorCode, type MesosDriver, type Scheduler } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing';
import { aDeployment, anApplication } from '@bcs/testing/builders';
import { SimulatedCluster } from '@bcs/testing/cluster';
import request from 'supertest';
import { container as rootContainer } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../src/index.js';
import { CLUSTER_ID, V4 } from '../helpers/app.js';

// issue 9 §0: an unbounded count used to take the server down (instance 1e9 never answered; 2^53 ran the
// heap out). Every count and duration of a definition is bounded and refused with 400 naming the field.

const NS = 'defaultGroup';
const APPS = `${V4}/namespaces/${NS}/applications`;
const DEPLOYMENTS = `${V4}/namespaces/${NS}/deployments`;

let app: HttpApp;
let scheduler: Scheduler;
let cluster: SimulatedCluster;

async function start(limits?: { maxInstances: number }) {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
  cluster = new SimulatedCluster({ clock, seed: 7, agents: 1 });
  await cluster.open();
  scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store: createMemoryStore(),
    clock,
    driver: cluster as MesosDriver,
    ...(limits === undefined ? {} : { limits }),
  });
  app = createHttpApp({ container: scheduler.container, clusterId: CLUSTER_ID });
}

beforeEach(() => start());
afterEach(async () => {
  await app.dispose();
  await scheduler.close();
  await cluster.dispose();
});

const api = () => request(app.callback());
const send = (method: 'post' | 'put', path: string, body: unknown) =>
  api()
    [method](path)
    .set('BCS-ClusterID', CLUSTER_ID)
    .send(body as object);

/** The refusal shape: 400 in the envelope with `code`, a message naming `field`, nothing stored. */
function expectRefused(res: request.Response, field: string, code: number = ErrorCode.InvalidData) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ result: false, code, message: expect.any(String), data: null });
  expect(res.body.message).toContain(field);
}

describe('instance counts are bounded', () => {
  it.each([
    ['1e9', 1_000_000_000],
    ['2^53', 2 ** 53],
    ['the max-instances limit + 1', 10_001],
  ])(
    "POST of the document's application with instance %s → 400 naming spec.instance, nothing stored",
    async (_label, instance) => {
      const res = await send('post', APPS, anApplication({ spec: { instance } }));
      expectRefused(res, 'spec.instance');
      expect(scheduler.applications.list(NS)).toEqual([]);
    },
  );

  it('accepts the limit itself and refuses past a raised limit only', async () => {
    await app.dispose();
    await scheduler.close();
    await cluster.dispose();
    await start({ maxInstances: 3 });
    expect((await send('post', APPS, anApplication({ spec: { instance: 3 } }))).status).toBe(200);
    expectRefused(
      await send('post', APPS, anApplication({ metadata: { name: 'b' }, spec: { instance: 4 } })),
      'spec.instance',
    );
    expect(scheduler.applications.list(NS).map((v) => v.app.id)).toEqual(['app-test']);
  });

  it('PUT scale/999999999 → 400 naming instances; the application keeps its count', async () => {
    expect((await send('post', APPS, anApplication({ spec: { instance: 1 } }))).status).toBe(200);
    const res = await api().put(`${APPS}/app-test/scale/999999999`).set('BCS-ClusterID', CLUSTER_ID);
    expectRefused(res, 'instances', ErrorCode.BadParams);
    expect(scheduler.applications.get(NS, 'app-test').app.desiredInstances).toBe(1);
    expect(scheduler.applications.get(NS, 'app-test').app.operation?.type).not.toBe('scale');
  });

  it('PUT update with ?instances=999999999 → 400 naming instances; no new version', async () => {
    expect((await send('post', APPS, anApplication({ spec: { instance: 1 } }))).status).toBe(200);
    const before = scheduler.applications.versions(NS, 'app-test');
    const res = await send('put', `${APPS}?instances=999999999`, anApplication({ spec: { instance: 1 } }));
    expectRefused(res, 'instances', ErrorCode.BadParams);
    expect(scheduler.applications.versions(NS, 'app-test')).toEqual(before);
  });

  it('a deployment with instance 1e9 → 400 naming spec.instance, nothing stored', async () => {
    const body = aDeployment({ spec: { instance: 1_000_000_000 } });
    const res = await send('post', DEPLOYMENTS, body);
    expectRefused(res, 'spec.instance');
    const name = (body as unknown as { metadata: { name: string } }).metadata.name;
    const get = await api().get(`${DEPLOYMENTS}/${name}`).set('BCS-ClusterID', CLUSTER_ID);
    expect(get.status).toBe(404);
    expect(scheduler.applications.list(NS)).toEqual([]);
  });
  it('PUT deployment scale/999999999 → 400 naming instances, before the deployment is looked up', async () => {
    const res = await api().put(`${DEPLOYMENTS}/any/scale/999999999`).set('BCS-ClusterID', CLUSTER_ID);
    expectRefused(res, 'instances', ErrorCode.BadParams);
  });
});

describe('durations and sizes of a definition are bounded', () => {
  it('killPolicy.gracePeriod 1e12 → 400 naming the field', async () => {
    const res = await send('post', APPS, anApplication({ killPolicy: { gracePeriod: 1e12 } } as never));
    expectRefused(res, 'killPolicy.gracePeriod');
    expect(scheduler.applications.list(NS)).toEqual([]);
  });

  it.each([
    ['restartPolicy.interval', { restartPolicy: { policy: 'Always', interval: 86_401 } }],
    ['restartPolicy.maxtimes', { restartPolicy: { policy: 'Always', maxtimes: 10_001 } }],
    ['metadata.labels', { metadata: { labels: Object.fromEntries(range(1001).map((i) => [`k${i}`, 'v'])) } }],
  ])('%s past its bound → 400 naming it', async (field, overrides) => {
    const res = await send('post', APPS, anApplication(overrides as never));
    expectRefused(res, field);
  });

  it.each([
    [
      'containers',
      'spec.template.spec.containers',
      () => ({ containers: range(101).map(() => ({ image: 'x' })) }),
    ],
    [
      'env',
      'env',
      () => ({ containers: [{ image: 'x', env: range(1001).map((i) => ({ name: `E${i}`, value: '' })) }] }),
    ],
    ['args', 'args', () => ({ containers: [{ image: 'x', args: range(1001).map(String) }] })],
  ])('more %s than allowed → 400 naming the field', async (_label, field, spec) => {
    const body = anApplication() as unknown as { spec: { template: { spec: unknown } } };
    body.spec.template.spec = spec();
    expectRefused(await send('post', APPS, body), field);
  });

  it('a health check interval past a day → 400 naming it', async () => {
    const res = await send(
      'post',
      APPS,
      anApplication({
        spec: {
          template: {
            spec: {
              containers: [
                {
                  healthChecks: [{ type: 'COMMAND', command: { value: 'true' }, intervalSeconds: 1e9 }],
                },
              ],
            },
          },
        },
      } as never),
    );
    expectRefused(res, 'intervalSeconds');
  });

  it('a deployment upgradeDuration past a day → 400 naming it', async () => {
    const res = await send(
      'post',
      DEPLOYMENTS,
      aDeployment({ spec: { strategy: { rollingupdate: { upgradeDuration: 1e9 } } } } as never),
    );
    expectRefused(res, 'upgradeDuration');
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
