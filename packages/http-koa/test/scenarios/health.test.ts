import { ErrorCode } from '@bcs/core';
import { anApplication } from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScenarioServer, startScenario } from '../helpers/scenario.js';

// POST /healthcheck (spec/bcs-behaviour.md §7) through HTTP, on LevelDB with the simulated cluster: an outside
// checker reports a remote check's result; it shows in the taskgroup's HealthCheckStatus, Healthy and IsChecked.

const NS = 'defaultGroup';
const APP = `/namespaces/${NS}/applications`;

interface TaskView {
  ID: string;
  Healthy: boolean;
  IsChecked: boolean;
  HealthCheckStatus: { type: string; result: boolean; message: string }[];
}
interface TaskGroupView {
  Status: string;
  Taskgroup: TaskView[];
}

/** One instance with a remote HTTP check on its `test-port` (run by the scheduler after 10 s; grace 300 s). */
function checkedApp() {
  const body = anApplication({ spec: { instance: 1 } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const container = body.spec.template.spec.containers[0]!;
  container.resources = { limits: { cpu: '0.5', memory: '64' } };
  container.healthChecks = [{ type: 'REMOTE_HTTP', http: { portName: 'test-port', path: '/' } }];
  return body;
}

describe('POST /healthcheck', { timeout: 60_000 }, () => {
  let server: ScenarioServer;
  let task: TaskView;
  const taskGroups = async () =>
    (await server.call('GET', `${APP}/app-test/taskgroups`)).body.data as TaskGroupView[] | null;

  beforeAll(async () => {
    server = await startScenario();
    expect((await server.call('POST', APP, checkedApp())).status).toBe(200);
    const tgs = await server.until(taskGroups, (v) => v?.[0]?.Status === 'Running');
    task = tgs![0]!.Taskgroup[0]!;
  });
  afterAll(() => server.dispose());

  it('shows a Running task with a remote check as not checked yet', () => {
    expect(task).toMatchObject({
      Healthy: true,
      IsChecked: false,
      HealthCheckStatus: [{ type: 'REMOTE_HTTP', result: true, message: '' }],
    });
  });

  it('records an unhealthy report (status omitted = false, as Go omits it) and shows it', async () => {
    const res = await server.call('POST', '/healthcheck', {
      id: task.ID,
      type: 'REMOTE_HTTP',
      http: { port: 8080, path: '/' },
      message: 'HTTP 503',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, code: 0, data: { recorded: true, state: 'unhealthy' } });
    const [tg] = (await taskGroups())!;
    expect(tg!.Taskgroup[0]).toMatchObject({
      Healthy: false,
      IsChecked: true,
      HealthCheckStatus: [{ type: 'REMOTE_HTTP', result: false, message: 'HTTP 503' }],
    });
  });

  it('records a healthy report', async () => {
    const res = await server.call('POST', '/healthcheck', { id: task.ID, type: 'REMOTE_HTTP', status: true });
    expect(res.body.data).toEqual({ recorded: true, state: 'healthy' });
    const [tg] = (await taskGroups())!;
    expect(tg!.Taskgroup[0]).toMatchObject({ Healthy: true, IsChecked: true });
  });

  it('answers recorded false for a check type the container does not have', async () => {
    const res = await server.call('POST', '/healthcheck', { id: task.ID, type: 'REMOTE_TCP', status: false });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ recorded: false, state: 'healthy' });
  });

  it('answers 404 code 1405202 for an unknown task', async () => {
    const res = await server.call('POST', '/healthcheck', {
      id: 'no.such.task',
      type: 'REMOTE_HTTP',
      status: true,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ result: false, code: ErrorCode.NotFound, data: null });
  });

  it.each([
    ['id', { type: 'REMOTE_HTTP', status: true }],
    ['type', { id: 'x', type: 'PING', status: true }],
    ['status', { id: 'x', type: 'REMOTE_HTTP', status: 'yes' }],
    ['message', { id: 'x', type: 'REMOTE_HTTP', message: 42 }],
    ['http', { id: 'x', type: 'REMOTE_HTTP', http: 'url' }],
  ])('answers 400 code 1405008 naming %s, and records nothing', async (field, body) => {
    const res = await server.call('POST', '/healthcheck', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: false, code: ErrorCode.InvalidData, data: null });
    expect(res.body.message).toContain(field);
    const [tg] = (await taskGroups())!;
    expect(tg!.Taskgroup[0]).toMatchObject({ Healthy: true, IsChecked: true });
  });
});
