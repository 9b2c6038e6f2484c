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
  repeated,
  type SimTask,
  smallApp,
  subscribes,
  taskGroups,
} from './helpers/real-mesos.js';
import { ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// Issue 10 §4, with real processes on loopback: `bcs-scheduler --mesos-master` against `bcs-mesos-sim`, faults
// injected through the simulator's POST /admin/faults while the scheduler runs.

let sim: MesosSimProcess | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.dispose();
  await sim?.dispose();
  server = undefined;
  sim = undefined;
});

/** The simulator with `simArgs`, and the scheduler pointed at every one of its masters. */
async function start(simArgs: string[]): Promise<{ sim: MesosSimProcess; server: ServerProcess }> {
  sim = await MesosSimProcess.start([...simArgs, '--log-level', 'warn']);
  server = await ServerProcess.start(['--mesos-master', sim.urls.join(','), '--log-level', 'info']);
  return { sim, server };
}

/** Every task the master holds is the one launch of a taskgroup the API lists, and runs. */
async function expectOneRunningTaskPerTaskGroup(expected: number): Promise<void> {
  const calls = await callLog(sim!);
  const launched = launchedTaskIds(calls);
  expect(repeated(launched)).toEqual([]);
  const tasks = await sim!.admin<SimTask[]>('/admin/tasks');
  expect(tasks).toHaveLength(expected);
  expect(tasks.every((t) => t.state === 'TASK_RUNNING')).toBe(true);
  const groups = await taskGroups(server!);
  expect(countStatus(groups, 'Running')).toBe(expected);
  expect(groups.flatMap((tg) => tg.Taskgroup.map((t) => t.ID)).sort()).toEqual(
    tasks.map((t) => t.taskId).sort(),
  );
}

describe('a master leader switch while an application scales up', () => {
  it('follows the 307 to the new leader, re-subscribes, reconciles: every instance Running, none launched twice', async () => {
    const { sim, server } = await start(['--agents', '20', '--masters', '3', '--heartbeat-seconds', '1']);
    expect(sim.urls).toHaveLength(3);
    expect((await server.call('POST', APPS, smallApp(20))).status).toBe(200);
    await waitFor(
      () => taskGroups(server),
      (groups) => countStatus(groups, 'Running') === 20,
    );
    const { frameworkId, leader: oldLeader } = await sim.state();
    expect(oldLeader).toBe(sim.urls[0]);

    const beforeScale = (await callLog(sim)).length;
    expect((await server.call('PUT', `${APPS}/app-test/scale/200`)).status).toBe(200);
    // Switch as soon as the scale-up reaches the master (its REVIVE or first launches): the launches still to
    // come go to the old leader, which now answers 307, so they never reach a master.
    const atSwitch = await waitFor(
      () => callLog(sim),
      (log) => log.slice(beforeScale).some((call) => call.type === 'REVIVE' || call.type === 'ACCEPT'),
      undefined,
      20_000,
    );
    await sim.post('/admin/faults', { fault: 'switchLeader', recoveringMs: 500 });
    const { leader } = await sim.state();
    expect(leader).toBe(sim.urls[1]);

    await waitFor(
      () => taskGroups(server),
      (groups) => countStatus(groups, 'Running') === 200,
    );
    const calls = await waitFor(
      () => callLog(sim),
      (log) => hasImplicitReconcile(log.slice(atSwitch.length)),
    );
    await expectOneRunningTaskPerTaskGroup(200);
    // Re-subscribed with the same framework id, at the new leader; cluster/endpoints shows it.
    const since = subscribes(calls.slice(atSwitch.length));
    expect(since.length).toBeGreaterThanOrEqual(1);
    for (const call of since) expect(call.framework_id?.value).toBe(frameworkId);
    expect(await sim.state()).toMatchObject({ frameworkId, subscribed: true, tasks: 200 });
    expect(await mesosLink(server)).toMatchObject({ state: 'subscribed', master: leader, frameworkId });
  }, 90_000);
});

describe('a silent stream (no heartbeats, no events, socket open)', () => {
  it('is detected by the watchdog: reconnecting, then subscribed again with the same framework; nothing lost', async () => {
    // Heartbeats every 0.5 s: the driver's watchdog (5 heartbeats) trips after 2.5 s of silence.
    const { sim, server } = await start(['--agents', '3', '--heartbeat-seconds', '0.5']);
    expect((await server.call('POST', APPS, smallApp(10))).status).toBe(200);
    await waitFor(
      () => taskGroups(server),
      (groups) => countStatus(groups, 'Running') === 10,
    );
    const { frameworkId } = await sim.state();
    const before = await mesosLink(server);
    expect(before.state).toBe('subscribed');
    const quiet = (await callLog(sim)).length;
    const linesBefore = logLines(server).length;

    await sim.post('/admin/faults', { fault: 'silence', on: true });
    // Back to subscribed: a new transition (`since`) with the same framework. The reconnecting state in between
    // may last only the back-off (< 0.5 s), too short to poll for; the log lines show it.
    const after = await waitFor(
      () => mesosLink(server),
      (link) => link.state === 'subscribed' && link.since > before.since,
    );
    expect(after.frameworkId).toBe(frameworkId);
    // The driver logged the transitions: reconnecting, then subscribed.
    const states = logLines(server)
      .slice(linesBefore)
      .map((line) => line.state)
      .filter((state) => state !== undefined);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('subscribed');
    expect(states.indexOf('reconnecting')).toBeLessThan(states.lastIndexOf('subscribed'));

    const calls = await waitFor(
      () => callLog(sim),
      (log) => hasImplicitReconcile(log.slice(quiet)),
    );
    const resubscribes = subscribes(calls.slice(quiet));
    expect(resubscribes.length).toBeGreaterThanOrEqual(1);
    for (const call of resubscribes) expect(call.framework_id?.value).toBe(frameworkId);
    expect(launchedTaskIds(calls.slice(quiet))).toEqual([]);
    expect(await sim.state()).toMatchObject({ frameworkId, subscribed: true, tasks: 10 });
    await expectOneRunningTaskPerTaskGroup(10);
  }, 60_000);
});

describe('status updates while the scheduler is disconnected', () => {
  it('are delivered after the re-subscribe and each acknowledged once', async () => {
    const { sim, server } = await start(['--agents', '3', '--heartbeat-seconds', '1']);
    expect((await server.call('POST', APPS, smallApp(10))).status).toBe(200);
    const running = await waitFor(
      () => taskGroups(server),
      (groups) => countStatus(groups, 'Running') === 10,
    );
    const { frameworkId } = await sim.state();
    const taskIds = running.map((tg) => tg.Taskgroup[0]!.ID);
    const [failed1, failed2, finished] = taskIds;

    // The master restarts: the stream is dropped and it answers 503 for 3 s, so the scheduler cannot
    // re-subscribe meanwhile. Three tasks end on their agents in that window.
    await sim.post('/admin/faults', { fault: 'restartMaster', recoveringMs: 3000 });
    await sim.post('/admin/status', { taskId: failed1, state: 'TASK_FAILED', message: 'exit 1' });
    await sim.post('/admin/status', { taskId: failed2, state: 'TASK_FAILED', message: 'exit 2' });
    await sim.post('/admin/status', { taskId: finished, state: 'TASK_FINISHED' });
    const during = await sim.state();
    expect(during).toMatchObject({ recovering: true, subscribed: false });
    // The master holds each update, unacknowledged, with its uuid.
    const held = await sim.admin<SimTask[]>('/admin/tasks');
    const pending = new Map(
      [failed1, failed2, finished].map((id) => {
        const task = held.find((t) => t.taskId === id)!;
        const update = task.unacked.at(-1)!;
        return [id!, update];
      }),
    );
    expect([...pending.values()].map((u) => u.state)).toEqual([
      'TASK_FAILED',
      'TASK_FAILED',
      'TASK_FINISHED',
    ]);
    const disconnectedAt = (await callLog(sim)).length;

    // After the re-subscribe the updates arrive: the API shows them, the rest still runs.
    const after = await waitFor(
      () => taskGroups(server),
      (groups) =>
        countStatus(groups, 'Failed') === 2 && countStatus(groups, 'Running') === 7 && groups.length === 10,
    );
    expect(after.find((tg) => tg.Taskgroup[0]!.ID === finished)!.Status).toBe('Finish');
    // Each acknowledged exactly once, after the re-subscribe; the master then forgets the ended tasks.
    const calls = await waitFor(
      () => callLog(sim),
      (log) => {
        const acks = acknowledgements(log.slice(disconnectedAt));
        return [...pending].every(([id, u]) => acks.has(`${id}|${u.uuid}`));
      },
    );
    const acks = acknowledgements(calls);
    for (const [id, update] of pending) expect(acks.get(`${id}|${update.uuid}`)).toBe(1);
    expect([...acks.values()].every((n) => n === 1)).toBe(true);
    const since = calls.slice(disconnectedAt);
    expect(subscribes(since).every((call) => call.framework_id?.value === frameworkId)).toBe(true);
    expect(launchedTaskIds(since)).toEqual([]);
    await waitFor(
      () => sim.admin<SimTask[]>('/admin/tasks'),
      (tasks) => tasks.length === 7,
    );
  }, 60_000);
});
