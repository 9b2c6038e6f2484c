import { ApplicationService } from '@bcs/core';
import { anApplication } from '@bcs/testing/builders';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/envelope.js';
import { toBcsTaskGroup } from '../../src/mappers/index.js';
import { CLUSTER_ID, type Envelope, type ScenarioServer, startScenario } from '../helpers/scenario.js';

// Every application endpoint through HTTP, in process on LevelDB with the command's default simulated cluster
// (3 agents like the API document's offer: 4 cpus, 30878 MB, ports 31000-32000) on a manual clock. The real
// process after SIGKILL: packages/server/test/integration/sigkill.test.ts.

const NS = 'defaultGroup';
const APP = `/namespaces/${NS}/applications`;
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';

/** The document's application with a smaller footprint, so many instances fit on a simulated agent. */
function small(instances: number, image?: string) {
  const body = anApplication({ spec: { instance: instances } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const container = body.spec.template.spec.containers[0]!;
  container.resources = { limits: { cpu: '0.25', memory: '64' } };
  if (image !== undefined) container.image = image;
  return body;
}

describe('applications through HTTP', { timeout: 60_000 }, () => {
  let server: ScenarioServer;
  beforeAll(async () => {
    server = await startScenario();
  });
  afterAll(() => server.dispose());

  const taskGroups = () => server.call('GET', `${APP}/app-test/taskgroups`);
  const running = (res: { body: Envelope }) =>
    (res.body.data as { Status: string }[] | null)?.filter((tg) => tg.Status === 'Running').length ?? 0;

  it("brings the API document's example to 2 Running taskgroups, shown by taskgroups and tasks", async () => {
    const created = await server.call('POST', APP, anApplication());
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ ID: 'app-test', RunAs: NS, DefineInstances: 2 });
    const tgs = await server.until(taskGroups, (res) => running(res) === 2);
    expect(tgs.body.data.map((tg: { ID: string }) => tg.ID.split('.').slice(0, 3).join('.'))).toEqual([
      '0.app-test.defaultGroup',
      '1.app-test.defaultGroup',
    ]);
    const tasks = await server.call('GET', `${APP}/app-test/tasks`);
    expect(tasks.body.data).toHaveLength(2);
    expect(tasks.body.data.every((t: { Status: string }) => t.Status === 'Running')).toBe(true);
    const app = await server.call('GET', `${APP}/app-test`);
    expect(app.body.data).toMatchObject({
      ID: 'app-test',
      Status: 'Running',
      RunningInstances: 2,
      Instances: 2,
    });
    const list = await server.call('GET', APP);
    expect(list.body.data.map((a: { ID: string }) => a.ID)).toEqual(['app-test']);
  });

  it('answers taskgroups as JSON in the envelope, the same bytes as the mapped taskgroups', async () => {
    const res = await request(server.app.callback())
      .get(`/v4/scheduler/mesos${APP}/app-test/taskgroups`)
      .set('BCS-ClusterID', CLUSTER_ID);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const view = server.scheduler.container.resolve(ApplicationService).get(NS, 'app-test');
    expect(res.text).toBe(
      JSON.stringify(success(view.taskGroups.map((tg) => toBcsTaskGroup(tg, view.version)))),
    );
  });

  it('lists and fetches versions, and returns the definition as sent', async () => {
    const versions = await server.call('GET', `${APP}/app-test/versions`);
    expect(versions.body.data).toHaveLength(1);
    const version = await server.call('GET', `${APP}/app-test/versions/${versions.body.data[0]}`);
    expect(version.status).toBe(200);
    expect(version.body.data).toMatchObject({ ID: 'app-test', Instances: 2 });
    const definition = await server.call('GET', `/definition/application/${NS}/app-test`);
    expect(definition.body.data).toEqual(anApplication());
  });

  it('scales up and down', async () => {
    expect((await server.call('PUT', `${APP}/app-test/scale/3`)).status).toBe(200);
    await server.until(taskGroups, (res) => running(res) === 3);
    expect((await server.call('PUT', `${APP}/app-test/scale/1`)).status).toBe(200);
    const after = await server.until(taskGroups, (res) => res.body.data.length === 1);
    expect(after.body.data[0]).toMatchObject({ InstanceID: 0, Status: 'Running' });
  });

  it('updates, one instance at a time, and rolls back', async () => {
    await server.call('DELETE', `${APP}/app-test?enforce=1`);
    await server.until(
      () => server.call('GET', `${APP}/app-test`),
      (res) => res.status === 404,
    );
    expect((await server.call('POST', APP, small(3))).status).toBe(200);
    await server.until(taskGroups, (res) => running(res) === 3);
    const updated = await server.call('PUT', APP, small(3, V2));
    expect(updated.status).toBe(200);
    const images = (res: { body: Envelope }) =>
      res.body.data.map((tg: { Taskgroup: { Image: string }[] }) => tg.Taskgroup[0]!.Image);
    let minRunning = 3;
    await server.until(taskGroups, (res) => {
      minRunning = Math.min(minRunning, running(res));
      return running(res) === 3 && images(res).every((i: string) => i === V2);
    });
    expect(minRunning).toBeGreaterThanOrEqual(2);
    const rolledBack = await server.call('PUT', `${APP}/rollback`, small(3));
    expect(rolledBack.status).toBe(200);
    await server.until(taskGroups, (res) => running(res) === 3 && images(res).every((i: string) => i !== V2));
  });

  it('reschedules one taskgroup by name', async () => {
    const before = (await taskGroups()).body.data[0];
    const res = await server.call('PUT', `${APP}/app-test/taskgroups/app-test-0/rescheduler`);
    expect(res.status).toBe(200);
    const after = await server.until(
      taskGroups,
      (r) => r.body.data[0].ID !== before.ID && r.body.data[0].Status === 'Running',
    );
    expect(after.body.data[0].InstanceID).toBe(0);
    expect(after.body.data[0].ReschededTimes).toBe(1);
  });

  it('shows cluster resources, endpoints and current offers', async () => {
    const resources = await server.call('GET', '/cluster/resources');
    expect(resources.body.data.agents).toHaveLength(3);
    expect(resources.body.data.cputotal).toBe(12);
    expect(resources.body.data.cpuused).toBeGreaterThan(0);
    const endpoints = await server.call('GET', '/cluster/endpoints');
    expect(endpoints.body.data.mesosscheduler[0]).toMatchObject({ ip: '127.0.0.1', scheme: 'http' });
    expect(endpoints.body.data.mesos).toMatchObject({
      master: 'in-process',
      state: 'subscribed',
      since: expect.any(Number),
      frameworkId: expect.any(String),
    });
    const offers = await server.call('GET', '/cluster/current/offers');
    expect(offers.body.data.length).toBeGreaterThan(0);
    expect(offers.body.data[0]).toMatchObject({
      id: { value: expect.any(String) },
      deltaResource: expect.any(Object),
    });
  });

  it('deletes gracefully', async () => {
    expect((await server.call('DELETE', `${APP}/app-test?enforce=0`)).status).toBe(200);
    await server.until(
      () => server.call('GET', `${APP}/app-test`),
      (res) => res.status === 404,
    );
    const resources = await server.call('GET', '/cluster/resources');
    expect(resources.body.data.cpuused).toBe(0);
  });
});

describe('application bad input', () => {
  let server: ScenarioServer;
  beforeAll(async () => {
    server = await startScenario();
    expect(
      (
        await server.call('POST', '/namespaces/bad/applications', {
          ...small(1),
          metadata: { name: 'keep', namespace: 'bad' },
        })
      ).status,
    ).toBe(200);
  });
  afterAll(() => server.dispose());

  const body = (edit: (b: ReturnType<typeof small>) => void) => {
    const b = { ...small(1), metadata: { name: 'fresh', namespace: 'bad' } } as ReturnType<typeof small> &
      Record<string, unknown>;
    edit(b);
    return b;
  };
  const cases: [string, string, string, unknown, number, number, string][] = [
    [
      'instances < 0',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        (b.spec as Record<string, unknown>).instance = -1;
      }),
      400,
      1405008,
      'spec.instance',
    ],
    [
      'a dot in the name',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        (b as Record<string, unknown>).metadata = { name: 'a.b', namespace: 'bad' };
      }),
      400,
      1405008,
      'metadata.name',
    ],
    [
      'no containers',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        b.spec.template.spec.containers = [];
      }),
      400,
      1405008,
      'containers',
    ],
    [
      'a resource that is not a number',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        b.spec.template.spec.containers[0]!.resources = { limits: { cpu: 'lots' } };
      }),
      400,
      1405008,
      'cpu',
    ],
    [
      'the wrong kind',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        (b as Record<string, unknown>).kind = 'deployment';
      }),
      400,
      1405008,
      'kind',
    ],
    [
      'a namespace that differs from the URL',
      'POST',
      '/namespaces/bad/applications',
      body((b) => {
        (b as Record<string, unknown>).metadata = { name: 'fresh', namespace: 'other' };
      }),
      400,
      1405008,
      'metadata.namespace',
    ],
    ['malformed JSON', 'POST', '/namespaces/bad/applications', '{"kind":', 400, 1405010, 'JSON'],
    [
      'a duplicate create',
      'POST',
      '/namespaces/bad/applications',
      { ...small(1), metadata: { name: 'keep', namespace: 'bad' } },
      409,
      1405201,
      'keep',
    ],
    [
      'an update of a missing application',
      'PUT',
      '/namespaces/bad/applications',
      body(() => {}),
      404,
      1405202,
      'fresh',
    ],
    [
      'an update with instances that is not a number',
      'PUT',
      '/namespaces/bad/applications?instances=two',
      body(() => {}),
      400,
      1405007,
      'instances',
    ],
    [
      'an update with an unknown args',
      'PUT',
      '/namespaces/bad/applications?args=memory',
      body(() => {}),
      400,
      1405007,
      'args',
    ],
    [
      'scale of a missing application',
      'PUT',
      '/namespaces/bad/applications/fresh/scale/2',
      undefined,
      404,
      1405202,
      'fresh',
    ],
    [
      'scale to something that is not a number',
      'PUT',
      '/namespaces/bad/applications/keep/scale/-1',
      undefined,
      400,
      1405007,
      'instances',
    ],
    [
      'delete with enforce=2',
      'DELETE',
      '/namespaces/bad/applications/keep?enforce=2',
      undefined,
      400,
      1405007,
      'enforce',
    ],
    [
      'an unknown version',
      'GET',
      '/namespaces/bad/applications/keep/versions/123',
      undefined,
      404,
      1405202,
      '123',
    ],
    [
      'reschedule of an unknown taskgroup',
      'PUT',
      '/namespaces/bad/applications/keep/taskgroups/nope/rescheduler',
      undefined,
      404,
      1405202,
      'nope',
    ],
    ['fetch of a dotted name', 'GET', '/namespaces/bad/applications/a.b', undefined, 400, 1405007, 'name'],
  ];

  it.each(cases)('%s', async (_label, method, path, payload, status, code, field) => {
    const before = await server.call('GET', '/namespaces/bad/applications');
    const versionsBefore = await server.call('GET', '/namespaces/bad/applications/keep/versions');
    const res = await server.call(method, path, payload);
    expect(res.body).toEqual({ result: false, code, message: expect.any(String), data: null });
    expect(res.status).toBe(status);
    expect(res.body.message).toContain(field);
    const after = await server.call('GET', '/namespaces/bad/applications');
    expect(
      after.body.data.map((a: { ID: string; DefineInstances: number }) => [a.ID, a.DefineInstances]),
    ).toEqual(
      before.body.data.map((a: { ID: string; DefineInstances: number }) => [a.ID, a.DefineInstances]),
    );
    expect((await server.call('GET', '/namespaces/bad/applications/keep/versions')).body.data).toEqual(
      versionsBefore.body.data,
    );
  });

  it('refuses a missing cluster header on application routes', async () => {
    const res = await server.call('GET', '/v4/scheduler/mesos/namespaces/bad/applications', undefined, {});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1405234);
  });
});
