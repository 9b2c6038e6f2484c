import { afterEach, describe, expect, it } from 'vitest';
import { MesosSimProcess } from './helpers/mesos-sim-process.js';
import {
  APPS,
  acknowledgements,
  callLog,
  countStatus,
  hasImplicitReconcile,
  launchedTaskIds,
  logLines,
  mesosLink,
  reconciledTaskIds,
  repeated,
  type SimTask,
  smallApp,
  subscribes,
  taskGroups,
} from './helpers/real-mesos.js';
import { ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// Issue 10 §4, with real processes on loopback: `bcs-scheduler --mesos-master` against `bcs-mesos-sim`, and the
// scheduler SIGKILLed and restarted on the same data dir while the simulated master and its agents keep running.

let sim: MesosSimProcess | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.dispose();
  await sim?.dispose();
  server = undefined;
  sim = undefined;
});

describe('the scheduler SIGKILLed with 200 taskgroups Running on bcs-mesos-sim', () => {
  it('re-subscribes with the same framework id, reconciles, launches nothing twice and loses nothing', async () => {
    sim = await MesosSimProcess.start(['--agents', '20', '--heartbeat-seconds', '1', '--log-level', 'warn']);
    server = await ServerProcess.start(['--mesos-master', sim.urls[0]!, '--log-level', 'info']);
    expect((await server.call('POST', APPS, smallApp(200))).status).toBe(200);
    const before = await waitFor(
      () => taskGroups(server!),
      (groups) => countStatus(groups, 'Running') === 200,
    );
    const ids = before.map((tg) => tg.ID).sort();
    const { frameworkId } = await sim.state();
    expect(frameworkId).toEqual(expect.any(String));
    const firstLife = (await callLog(sim)).length;

    await server.crashAndRestart();
    // Reconciled: the restarted scheduler sends its closing implicit RECONCILE only once every task has had
    // an update since its SUBSCRIBED (an answer to its explicit RECONCILE, or an update the master resent).
    const calls = await waitFor(
      () => callLog(sim!),
      (log) => hasImplicitReconcile(log.slice(firstLife)),
    );
    const resubscribed = calls.findIndex((call, i) => i >= firstLife && call.type === 'SUBSCRIBE');
    expect(resubscribed).toBeGreaterThanOrEqual(firstLife);
    const secondLife = calls.slice(resubscribed);
    const after = await waitFor(
      () => taskGroups(server!),
      (groups) => countStatus(groups, 'Running') === 200,
    );

    // The same framework id, in both places of every SUBSCRIBE since the restart.
    for (const call of subscribes(secondLife)) {
      expect(call.framework_id?.value).toBe(frameworkId);
      expect(call.subscribe?.framework_info.id?.value).toBe(frameworkId);
    }
    expect(await sim.state()).toMatchObject({ frameworkId, subscribed: true, tasks: 200 });
    expect(await mesosLink(server)).toMatchObject({ state: 'subscribed', master: sim.urls[0], frameworkId });

    // Nothing launched twice or after the restart; every launched task still runs on the master.
    const launched = launchedTaskIds(calls);
    expect(repeated(launched)).toEqual([]);
    expect(launched).toHaveLength(200);
    expect(launchedTaskIds(calls.slice(firstLife))).toEqual([]);
    const tasks = await sim.admin<SimTask[]>('/admin/tasks');
    expect(tasks.map((t) => t.taskId).sort()).toEqual([...launched].sort());
    expect(tasks.every((t) => t.state === 'TASK_RUNNING')).toBe(true);
    // Each task was asked about, or its update (resent by the master: the first life was killed before it
    // acknowledged) was acknowledged after the re-subscribe.
    const asked = reconciledTaskIds(secondLife);
    const acked = new Set([...acknowledgements(secondLife).keys()].map((key) => key.split('|')[0]));
    expect(launched.filter((id) => !asked.has(id) && !acked.has(id))).toEqual([]);

    // The API shows the same 200 taskgroups, each with the task the master runs.
    expect(after.map((tg) => tg.ID).sort()).toEqual(ids);
    expect(after.flatMap((tg) => tg.Taskgroup.map((t) => t.ID)).sort()).toEqual([...launched].sort());
  }, 90_000);
});

describe('the failover timeout expired while the scheduler was down', () => {
  it('says the framework was removed and registers no new framework; the taskgroups stay', async () => {
    sim = await MesosSimProcess.start(['--agents', '3', '--heartbeat-seconds', '1', '--log-level', 'warn']);
    server = await ServerProcess.start([
      '--mesos-master',
      sim.urls[0]!,
      '--failover-timeout',
      '2',
      '--log-level',
      'info',
    ]);
    expect((await server.call('POST', APPS, smallApp(10))).status).toBe(200);
    const before = await waitFor(
      () => taskGroups(server!),
      (groups) => countStatus(groups, 'Running') === 10,
    );
    const { frameworkId } = await sim.state();

    await server.stop('SIGKILL');
    // Past the 2 s failover timeout the master removes the framework and tears its tasks down.
    await waitFor(
      () => sim!.state(),
      (state) => state.tasks === 0,
    );
    const firstLife = (await callLog(sim)).length;
    await server.crashAndRestart(); // already stopped: starts it again on the same data dir

    const link = await waitFor(
      () => mesosLink(server!),
      (l) => l.state === 'removed',
    );
    expect(link.frameworkId).toBe(frameworkId);
    expect(link.reason).toEqual(expect.any(String));
    // An error line names the removed framework (the log is read from the child's stdout, which may trail
    // the API by a moment).
    const named = await waitFor(
      async () => logLines(server!).filter((line) => (line.level as number) >= 50),
      (errors) => errors.some((line) => line.frameworkId === frameworkId),
      () => undefined,
      10_000,
    );
    expect(named.some((line) => line.frameworkId === frameworkId)).toBe(true);

    // It subscribed only with the old id: the master holds no other framework.
    const calls = (await callLog(sim)).slice(firstLife);
    expect(subscribes(calls).length).toBeGreaterThanOrEqual(1);
    for (const call of subscribes(calls)) expect(call.framework_id?.value).toBe(frameworkId);
    expect(calls.filter((call) => call.type !== 'SUBSCRIBE')).toEqual([]);
    const state = await sim.state();
    expect(state.subscribed).toBe(false);
    expect([null, frameworkId]).toContain(state.frameworkId);

    // The taskgroups stay in the API: nothing is deleted for a removed framework.
    const after = await taskGroups(server);
    expect(after.map((tg) => tg.ID).sort()).toEqual(before.map((tg) => tg.ID).sort());
    // Still removed, still no new SUBSCRIBE, a little later (the driver never retries a removed framework).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await mesosLink(server)).state).toBe('removed');
    expect(subscribes((await callLog(sim)).slice(firstLife))).toHaveLength(subscribes(calls).length);
  }, 60_000);
});
