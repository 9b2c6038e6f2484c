import {
  COMMAND_COLLECTION,
  createScheduler,
  type EngineOptions,
  ErrorCode,
  type MesosDriver,
  type Scheduler,
  SchedulerEngine,
  type Store,
} from '@bcs/core';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing';
import { anApplication } from '@bcs/testing/builders';
import { SimulatedCluster } from '@bcs/testing/cluster';
import request from 'supertest';
import { container as rootContainer } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../src/index.js';
import { CLUSTER_ID, V4 } from '../helpers/app.js';

interface Bed {
  app: HttpApp;
  scheduler: Scheduler;
  cluster: SimulatedCluster;
  store: Store;
  close(): Promise<void>;
}

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** A scheduler on a simulated cluster (BCS executor unless told) with application test/web of 2 Running instances. */
async function start(
  executor: EngineOptions['executor'] = { kind: 'bcs', uri: 'file:///bcs' },
): Promise<Bed> {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
  const store = createMemoryStore();
  const cluster = new SimulatedCluster({ clock, seed: 7, agents: 2, offerIntervalMs: 1000, startupMs: 100 });
  await cluster.open();
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(clock.now()) * 1_000_000n }),
    driver: cluster as MesosDriver,
    engine: { clusterName: '10001', tickMs: 1000, ...(executor === undefined ? {} : { executor }) },
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const app = createHttpApp({ container: scheduler.container, clusterId: CLUSTER_ID });
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await scheduler.applications.create(
    'test',
    anApplication({ metadata: { name: 'web', namespace: 'test' }, spec: { instance: 2 } }),
  );
  for (let t = 0; t < 3000; t += 100) {
    clock.advance(100);
    await settle();
  }
  return {
    app,
    scheduler,
    cluster,
    store,
    async close() {
      await app.dispose();
      await scheduler.close();
      await cluster.dispose();
      await store.dispose();
    },
  };
}

const api = (b: Bed) => request(b.app.callback());
const SIGNAL = {
  name: 'web',
  namespace: 'test',
  msgtype: 'signal',
  msgdata: { processname: 'myprocess', signal: 12 },
};
const COMMAND = {
  apiVersion: 'v4',
  kind: 'Command',
  spec: { commandTargetRef: { kind: 'Application', namespace: 'test', name: 'web' }, command: ['ps -aux'] },
};

describe.each(['/v4/scheduler/mesos', '/bcsapi/v4/scheduler/mesos'])('command routes under %s', (prefix) => {
  it('POST, GET and DELETE a command', async () => {
    bed = await start();
    const posted = await api(bed)
      .post(`${prefix}/command/application/test/web`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(COMMAND);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ result: true, code: 0 });
    const id = posted.body.data as string;
    expect(id).toMatch(/^Application-test-web-\d+$/);
    // The document's example quotes the id.
    const got = await api(bed)
      .get(`${prefix}/command/application/test/web?id="${id}"`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(got.status).toBe(200);
    expect(got.body.data.id).toBe(id);
    expect(got.body.data.status.taskgroups).toHaveLength(2);
    const deleted = await api(bed)
      .delete(`${prefix}/command/application/test/web?id=${id}`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toBeNull();
    expect(await bed.store.get(COMMAND_COLLECTION, id)).toBeUndefined();
    const gone = await api(bed)
      .get(`${prefix}/command/application/test/web?id=${id}`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect([gone.status, gone.body.code]).toEqual([404, ErrorCode.NotFound]);
  });

  it('POST a signal to the application and to one taskgroup: data says where it was sent', async () => {
    bed = await start();
    const taskGroups = bed.scheduler.applications.get('test', 'web').taskGroups;
    const all = await api(bed)
      .post(`${prefix}/namespaces/test/applications/web/message`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(SIGNAL);
    expect(all.status).toBe(200);
    expect(all.body.data.sent.map((r: { ID: string }) => r.ID)).toEqual(taskGroups.map((tg) => tg.id));
    const one = await api(bed)
      .post(`${prefix}/namespaces/test/applications/web/taskgroups/${taskGroups[0]!.id}/message`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(SIGNAL);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual({
      sent: [{ ID: taskGroups[0]!.id, Status: 'Running', Err: '' }],
      failed: [],
    });
    expect(bed.cluster.messages().map((m) => m.executorId)).toEqual([
      ...taskGroups.map((tg) => tg.id),
      taskGroups[0]!.id,
    ]);
  });

  it('POST an image commit: data is the record, readable as a command of the application', async () => {
    bed = await start();
    // The emulated executor keeps the result to itself: the record stays running (answers: core's scenarios).
    bed.cluster.programExecutor('*', { commit: { silent: true } });
    const tg = bed.scheduler.applications.get('test', 'web').taskGroups[0]!;
    const image = tg.tasks[0]!.image;
    const res = await api(bed)
      .post(`${prefix}/image/commit/${tg.id}?image=${encodeURIComponent(image)}&url=registry/snap:v2`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send('');
    expect(res.status).toBe(200);
    expect(res.body.data.commit).toMatchObject({ image, url: 'registry/snap:v2' });
    const got = await api(bed)
      .get(`${prefix}/command/application/test/web?id=${res.body.data.id}`)
      .set('BCS-ClusterID', CLUSTER_ID);
    // Sent (or about to be: MESSAGEs go out in the dispatch turn after the record), never answered here.
    expect(['staging', 'running']).toContain(got.body.data.status.taskgroups[0].tasks[0].status);
  });
});

describe('command routes: bad input', () => {
  it.each([
    ['POST', '/command/pod/test/web', COMMAND, 400, ErrorCode.BadParams],
    ['GET', '/command/application/test/web', undefined, 400, ErrorCode.BadParams],
    ['DELETE', '/command/application/test/web?id=nope', undefined, 404, ErrorCode.NotFound],
    [
      'POST',
      '/command/application/test/nope',
      {
        ...COMMAND,
        spec: { ...COMMAND.spec, commandTargetRef: { kind: 'Application', namespace: 'test', name: 'nope' } },
      },
      404,
      ErrorCode.NotFound,
    ],
    [
      'POST',
      '/command/application/test/web',
      { ...COMMAND, spec: { ...COMMAND.spec, command: [] } },
      400,
      ErrorCode.InvalidData,
    ],
    ['POST', '/command/deployment/test/web', COMMAND, 400, ErrorCode.InvalidData],
    [
      'POST',
      '/namespaces/test/applications/web/message',
      { msgtype: 'reboot', msgdata: {} },
      400,
      ErrorCode.UnknownMessageType,
    ],
    [
      'POST',
      '/namespaces/test/applications/web/message',
      { msgtype: 'signal', msgdata: { signal: 12 } },
      400,
      ErrorCode.InvalidData,
    ],
    ['POST', '/namespaces/test/applications/web/taskgroups/web-7/message', SIGNAL, 404, ErrorCode.NotFound],
    ['POST', '/image/commit/0.web.test.10001.1?url=x', undefined, 400, ErrorCode.BadParams],
    ['POST', '/image/commit/0.web.test.10001.1?image=a&url=b', undefined, 404, ErrorCode.NotFound],
  ])('%s %s is refused with the envelope, nothing stored', async (method, path, body, status, code) => {
    bed = await start();
    const before = await bed.store.revision();
    const sent =
      method === 'POST'
        ? api(bed).post(`${V4}${path}`)
        : method === 'GET'
          ? api(bed).get(`${V4}${path}`)
          : api(bed).delete(`${V4}${path}`);
    const res = await sent.set('BCS-ClusterID', CLUSTER_ID).send(body as object);
    expect([res.status, res.body.code, res.body.result, res.body.data]).toEqual([status, code, false, null]);
    expect(await bed.store.revision()).toBe(before);
  });

  it('answers 409 naming the executor mode on every endpoint with the DEFAULT executor', async () => {
    bed = await start({ kind: 'default' });
    const tg = bed.scheduler.applications.get('test', 'web').taskGroups[0]!;
    const calls = [
      api(bed).post(`${V4}/command/application/test/web`).send(COMMAND),
      api(bed).post(`${V4}/namespaces/test/applications/web/message`).send(SIGNAL),
      api(bed).post(`${V4}/namespaces/test/applications/web/taskgroups/${tg.id}/message`).send(SIGNAL),
      api(bed)
        .post(`${V4}/image/commit/${tg.id}?image=${encodeURIComponent(tg.tasks[0]!.image)}&url=x`)
        .send(''),
    ];
    for (const call of calls) {
      const res = await call.set('BCS-ClusterID', CLUSTER_ID);
      expect([res.status, res.body.code]).toEqual([409, ErrorCode.Conflict]);
    }
    expect(bed.cluster.messages()).toEqual([]);
  });
});
