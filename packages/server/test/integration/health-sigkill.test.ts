import { anApplication } from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// Health survives a SIGKILL of the real `bcs-scheduler` process (issue 13 §1; Marathon #4220: health lost on
// failover read as Unknown and emptied load balancers): a result recorded before the crash is still known
// after the restart on the same data dir, before any new result.

const APP = '/namespaces/defaultGroup/applications';

interface TaskView {
  ID: string;
  Healthy: boolean;
  IsChecked: boolean;
  HealthCheckStatus: { type: string; result: boolean; message: string }[];
}

/** One instance with a remote TCP check the scheduler runs only after an hour: results here come from POST. */
function app() {
  const body = anApplication({ spec: { instance: 1 } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const container = body.spec.template.spec.containers[0]!;
  container.resources = { limits: { cpu: '0.25', memory: '64' } };
  container.healthChecks = [{ type: 'REMOTE_TCP', tcp: { portName: 'test-port' }, delaySeconds: 3600 }];
  return body;
}

describe('health across a SIGKILL', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.dispose();
  });

  it('keeps an unhealthy verdict and its message after a restart on the same data dir', async () => {
    server = await ServerProcess.start(['--sim-agents', '1']);
    expect((await server.call('POST', APP, app())).status).toBe(200);
    const tasks = async () =>
      ((await server!.call('GET', `${APP}/app-test/taskgroups`)).body.data as
        | { Status: string; Taskgroup: TaskView[] }[]
        | null) ?? [];
    const [running] = await waitFor(tasks, (tgs) => tgs[0]?.Status === 'Running', undefined, 60_000);
    const taskId = running!.Taskgroup[0]!.ID;
    const report = await server.call('POST', '/healthcheck', {
      id: taskId,
      type: 'REMOTE_TCP',
      status: false,
      message: 'connect refused by the outside checker',
    });
    expect(report.body.data).toEqual({ recorded: true, state: 'unhealthy' });
    const before = (await tasks())[0]!.Taskgroup[0]!;

    await server.crashAndRestart();

    const after = (await tasks())[0]!;
    expect(after.Status).toBe('Running');
    expect(after.Taskgroup[0]).toEqual(before);
    expect(after.Taskgroup[0]).toMatchObject({
      Healthy: false,
      IsChecked: true,
      HealthCheckStatus: [
        { type: 'REMOTE_TCP', result: false, message: 'connect refused by the outside checker' },
      ],
    });
  }, 120_000);
});
