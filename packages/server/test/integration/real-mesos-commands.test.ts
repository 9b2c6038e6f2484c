import {
  aCommand,
  aDeployment,
  COMMAND_RECORD_EXAMPLE,
  commandRecordShapeDifferences,
  type Json,
} from '@bcs/testing/builders';
import { afterEach, describe, expect, it } from 'vitest';
import { MesosSimProcess } from './helpers/mesos-sim-process.js';
import { smallApp } from './helpers/real-mesos.js';
import { type Envelope, ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// Issue 12 §4, end to end: `bcs-scheduler --executor bcs` against `bcs-mesos-sim` (whose agents run the emulated
// BCS executor for CUSTOM-executor taskgroups), two real processes on loopback, through mesos-http. Every
// endpoint of the issue is called with the API document's own example: URLs, query strings and bodies.

let sim: MesosSimProcess | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.dispose();
  await sim?.dispose();
  server = undefined;
  sim = undefined;
});

/** The document's commitImage example image (`?image=docker.hub.com/bcs/server:v1`). */
const IMAGE = 'docker.hub.com/bcs/server:v1';

/**
 * spec/api-v4.md sendapplicationSignal / sendtaskgroupSignal body. The document names the application
 * `test_deployment`, which breaks the name rule (letters, digits and "-"): the URL and the body name
 * `testapp` here, the rest is the document's.
 */
const SIGNAL_BODY = {
  name: 'testapp',
  namespace: 'test',
  msgtype: 'signal',
  msgdata: { processname: 'myprocess', signal: 12 },
};

interface ExecutorMessage {
  executorId: string;
  type: number;
  body: { Sig?: unknown; CommitTask?: unknown; RequestCommandTask?: unknown };
}

async function taskGroupsOf(s: ServerProcess): Promise<{ ID: string; Status: string }[]> {
  const res = await s.call('GET', '/namespaces/test/applications/testapp/taskgroups');
  return res.status === 200 ? (res.body.data as { ID: string; Status: string }[]) : [];
}

describe('commands, messages and image commit over HTTP with the BCS executor', () => {
  it('answers every endpoint with the document’s examples, and the record has the document’s shape', async () => {
    sim = await MesosSimProcess.start(['--agents', '3', '--heartbeat-seconds', '1', '--log-level', 'warn']);
    server = await ServerProcess.start([
      '--mesos-master',
      sim.urls[0]!,
      '--executor',
      'bcs',
      '--executor-uri',
      'http://repo.example/bcs-container-executor',
      '--log-level',
      'warn',
    ]);
    const app = smallApp(3, 'testapp') as unknown as {
      metadata: { namespace: string };
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    app.metadata.namespace = 'test';
    app.spec.template.spec.containers[0]!.image = IMAGE;
    expect((await server.call('POST', '/namespaces/test/applications', app)).status).toBe(200);
    const groups = await waitFor(
      () => taskGroupsOf(server!),
      (list) => list.length === 3 && list.every((tg) => tg.Status === 'Running'),
    );
    const ids = groups.map((tg) => tg.ID);

    // sendCommand: the document's body, verbatim; data = the id.
    const sent = await server.call('POST', '/command/application/test/testapp', aCommand());
    expect([sent.status, sent.body.result, sent.body.code]).toEqual([200, true, 0]);
    const id = sent.body.data as string;
    expect(id).toMatch(/^Application-test-testapp-\d+$/);
    // getCommand: the document's query (the id in quotes), until every instance answered.
    const got = await waitFor(
      () => server!.call('GET', `/command/application/test/testapp?id="${id}"`),
      (res) =>
        res.status === 200 &&
        res.body.data.status.taskgroups.every((g: { tasks: { status: string }[] }) =>
          g.tasks.every((t) => t.status === 'finish'),
        ),
    );
    const record = got.body.data;
    expect(record.status.taskgroups.map((g: { taskgroupId: string }) => g.taskgroupId).sort()).toEqual(
      [...ids].sort(),
    );
    // The emulated executor's default output: the command's words and a newline.
    for (const group of record.status.taskgroups) {
      expect(group.tasks[0].commInspect).toEqual({ exitCode: 0, stdout: 'ps -aux\n', stderr: '' });
    }
    expect(commandRecordShapeDifferences(COMMAND_RECORD_EXAMPLE as Json, record as Json)).toEqual([]);

    // deleteCommand: the document's query.
    const deleted = await server.call('DELETE', `/command/application/test/testapp?id="${id}"`);
    expect([deleted.status, deleted.body.data]).toEqual([200, null]);
    expect((await server.call('GET', `/command/application/test/testapp?id=${id}`)).status).toBe(404);

    // sendapplicationSignal, then sendtaskgroupSignal (and the generic message endpoints they use).
    const toApp = await server.call('POST', '/namespaces/test/applications/testapp/message', SIGNAL_BODY);
    expect(toApp.status).toBe(200);
    expect(toApp.body.data.sent.map((r: { ID: string }) => r.ID).sort()).toEqual([...ids].sort());
    const toOne = await server.call(
      'POST',
      `/namespaces/test/applications/testapp/taskgroups/${ids[0]}/message`,
      SIGNAL_BODY,
    );
    expect([toOne.status, toOne.body.data.sent]).toEqual([200, [{ ID: ids[0], Status: 'Running', Err: '' }]]);

    // commitImage: the document's URL and query, with this taskgroup's id; the result is a record.
    const committed = await server.call(
      'POST',
      `/image/commit/${ids[1]}?image=docker.hub.com/bcs/server:v1&url=docker.hub.com/bcs/server:v2`,
      '',
    );
    expect(committed.status).toBe(200);
    const commitId = (committed.body as Envelope).data.id as string;
    const commit = await waitFor(
      () => server!.call('GET', `/command/application/test/testapp?id=${commitId}`),
      (res) =>
        res.status === 200 &&
        ['finish', 'failed', 'timeout'].includes(res.body.data.status.taskgroups[0].tasks[0].status),
    );
    expect(commit.body.data.status.taskgroups[0].tasks[0].status).toBe('finish');

    // sendCommand to a deployment: the document's body for the deployment's URL (kind Deployment).
    const deployment = aDeployment({ metadata: { name: 'deployment-test', namespace: 'test' } });
    expect((await server.call('POST', '/namespaces/test/deployments', deployment)).status).toBe(200);
    const depCommand = aCommand({
      spec: { commandTargetRef: { kind: 'Deployment', namespace: 'test', name: 'deployment-test' } },
    });
    // Refused (400, nothing stored) until one of its taskgroups is Running.
    const depSent = await waitFor(
      () => server!.call('POST', '/command/deployment/test/deployment-test', depCommand),
      (res) => res.status === 200,
    );
    const depId = depSent.body.data as string;
    expect(depId).toMatch(/^deployment-test-deployment-test-\d+$/);
    const depRecord = await waitFor(
      () => server!.call('GET', `/command/deployment/test/deployment-test?id=${depId}`),
      (res) =>
        res.status === 200 &&
        res.body.data.status.taskgroups.length > 0 &&
        res.body.data.status.taskgroups.every((g: { tasks: { status: string }[] }) =>
          g.tasks.every((t) => t.status === 'finish' || t.status === 'failed'),
        ),
    );

    // Every task it was sent to answered (one not yet Running when the command came is `failed`, as the original).
    const depTasks = depRecord.body.data.status.taskgroups.flatMap(
      (g: { tasks: { status: string }[] }) => g.tasks,
    );
    expect(depTasks.filter((t: { status: string }) => t.status === 'finish').length).toBeGreaterThan(0);

    // What the executors received, decoded the original executor's way by the simulator.
    const received = await sim.admin<ExecutorMessage[]>('/admin/executor/messages');
    const of = (type: number) => received.filter((m) => m.type === type).map((m) => m.executorId);
    expect(
      of(12)
        .filter((executor) => ids.includes(executor))
        .sort(),
    ).toEqual([...ids].sort());
    expect(of(2).sort()).toEqual([...ids, ids[0]].sort());
    expect(of(9)).toEqual([ids[1]]);
    expect(received.filter((m) => m.type === 9)[0]!.body.CommitTask).toMatchObject({
      Tasks: [{ Image: 'docker.hub.com/bcs/server:v2' }],
    });
    expect(received.every((m) => m.type !== 0)).toBe(true);
  });
});
