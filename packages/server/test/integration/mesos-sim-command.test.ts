import { spawnSync } from 'node:child_process';
import type { MesosEvent, MesosFrameworkInfo } from '@bcs/core';
import { aLaunchGroupCall } from '@bcs/testing/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { MesosSimProcess, SIM_BIN, SimSubscription } from './helpers/mesos-sim-process.js';

// The `bcs-mesos-sim` command: the simulated Mesos master over HTTP, as an operator (or the e2e tests) runs it.

const FRAMEWORK: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'bcs-mesos-sim-test',
  failover_timeout: 3600,
  checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }],
};

let sim: MesosSimProcess | undefined;
let subscriptions: SimSubscription[] = [];
afterEach(async () => {
  for (const s of subscriptions) s.close();
  subscriptions = [];
  await sim?.dispose();
  sim = undefined;
});

async function open(url: string, framework: MesosFrameworkInfo = FRAMEWORK): Promise<SimSubscription> {
  const subscription = await SimSubscription.open(url, framework);
  subscriptions.push(subscription);
  await subscription.waitFor((events) => events.some((e) => e.type === 'SUBSCRIBED'), 'SUBSCRIBED');
  return subscription;
}

function updatesOf(events: readonly MesosEvent[], taskId: string) {
  return events.flatMap((e) =>
    e.type === 'UPDATE' && e.update.status.task_id.value === taskId ? [e.update.status] : [],
  );
}

describe('bcs-mesos-sim', () => {
  it('prints one URL, serves SUBSCRIBE, exits 0 on SIGTERM, and a restart keeps the framework and its tasks', async () => {
    sim = await MesosSimProcess.start(['--agents', '2', '--heartbeat-seconds', '1']);
    expect(sim.urls).toHaveLength(1);
    expect(sim.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await open(sim.urls[0]!);
    const subscribed = first.events[0]!;
    expect(subscribed.type === 'SUBSCRIBED' && subscribed.subscribed.heartbeat_interval_seconds).toBe(1);
    await first.waitFor((events) => events.some((e) => e.type === 'OFFERS'), 'OFFERS');
    const offers = first.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []));
    expect(offers).toHaveLength(2);
    const launch = aLaunchGroupCall(offers[0]!, {
      frameworkId: first.frameworkId,
      executorId: 'e1',
      tasks: [{ id: 't1' }],
    });
    expect(await first.call(launch as never)).toBe(202);
    await first.waitFor((events) => updatesOf(events, 't1').length > 0, 't1 update');
    const frameworkId = first.frameworkId;

    expect(await sim.stop('SIGTERM')).toBe(0);
    await sim.spawn();
    const state = await (await fetch(`${sim.urls[0]}/admin/state`)).json();
    expect(state).toMatchObject({ frameworkId, subscribed: false, agents: 2, tasks: 1 });
    const again = await open(sim.urls[0]!, { ...FRAMEWORK, id: { value: frameworkId } });
    expect(again.frameworkId).toBe(frameworkId);
    expect(
      await again.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } }),
    ).toBe(202);
    await again.waitFor(
      (events) => updatesOf(events, 't1').some((u) => u.source === 'SOURCE_MASTER'),
      'reconciliation answer',
    );
    const answer = updatesOf(again.events, 't1').find((u) => u.source === 'SOURCE_MASTER')!;
    expect(answer.state).toBe('TASK_RUNNING');
    const tasks = (await (await fetch(`${sim.urls[0]}/admin/tasks`)).json()) as { taskId: string }[];
    expect(tasks.map((t) => t.taskId)).toEqual(['t1']);
  });

  it('with --masters 3 prints three URLs; the second and third answer 307 to the first', async () => {
    sim = await MesosSimProcess.start(['--masters', '3']);
    expect(sim.urls).toHaveLength(3);
    const leader = new URL(sim.urls[0]!);
    for (const url of sim.urls.slice(1)) {
      const res = await fetch(`${url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }),
        redirect: 'manual',
      });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`//${leader.host}/api/v1/scheduler`);
    }
  });

  it('keeps call bodies for /admin/calls by default, and none with --no-record-calls', async () => {
    for (const [args, recorded] of [
      [[], ['SUBSCRIBE', 'RECONCILE']],
      [['--no-record-calls'], []],
    ] as const) {
      sim = await MesosSimProcess.start(['--agents', '1', ...args]);
      const subscription = await open(sim.urls[0]!);
      expect(await subscription.call({ type: 'RECONCILE', reconcile: { tasks: [] } })).toBe(202);
      const calls = await sim.admin<{ type: string }[]>('/admin/calls');
      expect(calls.map((c) => c.type)).toEqual(recorded);
      subscription.close();
      await sim.dispose();
      sim = undefined;
    }
  });

  it('exits 2 with the usage text for a bad flag (sim-cli-config.test.ts covers the rules)', () => {
    const run = spawnSync(process.execPath, [SIM_BIN, '--masters', '2'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: bcs-mesos-sim');
  });
});
