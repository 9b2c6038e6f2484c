import { aDeployment, anApplication } from '@bcs/testing/builders';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Envelope, ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

// What only the real `bcs-scheduler` process can show: a SIGKILL (no clean shutdown) and a restart on the same
// data dir, with the default simulated cluster, which keeps its own state there as real agents keep running.
// The route families themselves run in process on a manual clock: packages/http-koa/test/scenarios.

const NS = 'defaultGroup';
const APP = `/namespaces/${NS}/applications`;
const NAME = 'deployment-test';
const BASE = `/namespaces/${NS}/deployments`;
const ONE = `${BASE}/${NAME}`;
const V2 = 'dockerhub:8443/bcs/game/gamesvr:v2.0.0';

/** The document's application with a smaller footprint, so many instances fit on a simulated agent. */
function small(instances: number) {
  const body = anApplication({ spec: { instance: instances } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.25', memory: '64' } };
  return body;
}

interface Counts {
  desired: number;
  running: number;
  available: number;
}
type Res = { status: number; body: Envelope };
const data = (res: Res) => res.body.data as { status: string; rollout: { old: Counts; new: Counts } | null };

describe('SIGKILL with 50 Running taskgroups', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.dispose();
  });

  it('finds the same 50 Running after a restart on the same data dir: nothing duplicated, nothing relaunched', async () => {
    server = await ServerProcess.start(['--sim-agents', '10']);
    expect((await server.call('POST', APP, small(50))).status).toBe(200);
    const list = () => server!.call('GET', `${APP}/app-test/taskgroups`);
    const before = await waitFor(
      list,
      (res) => res.body.data.filter((tg: { Status: string }) => tg.Status === 'Running').length === 50,
      undefined,
      60_000,
    );
    const ids = before.body.data.map((tg: { ID: string }) => tg.ID).sort();

    await server.crashAndRestart();
    // Give reconciliation a few offer rounds to run.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await waitFor(
      list,
      (res) => res.body.data.filter((tg: { Status: string }) => tg.Status === 'Running').length === 50,
      undefined,
      60_000,
    );
    expect(after.body.data.map((tg: { ID: string }) => tg.ID).sort()).toEqual(ids);
    expect(after.body.data).toHaveLength(50);
    const resources = await server.call('GET', '/cluster/resources');
    // 50 × (0.25 + the executor's 0.01) cpus: exactly one executor per taskgroup on the agents.
    expect(resources.body.data.cpuused).toBeCloseTo(50 * 0.26, 2);
  }, 150_000);
});

describe('SIGKILL mid-rollout', () => {
  let server: ServerProcess;
  afterAll(() => server.dispose());

  it('completes the rollout after a restart on the same data dir, within maxSurge and maxUnavailable throughout', async () => {
    server = await ServerProcess.start();
    const get = () => server.call('GET', ONE);
    const slow = (image?: string) => {
      const b = aDeployment({
        spec: { instance: 4, strategy: { rollingupdate: { autoUpgrade: true, upgradeDuration: 2 } } },
      }) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
      if (image !== undefined) b.spec.template.spec.containers[0]!.image = image;
      return b as unknown as Record<string, unknown>;
    };
    // 4 instances, maxSurge 1, maxUnavailable 1: old + new running ≤ 5, available ≥ 3.
    const bounds = (res: Res) => {
      const rollout = data(res).rollout;
      if (rollout === null || data(res).status === 'Running') return;
      expect(rollout.old.running + rollout.new.running).toBeLessThanOrEqual(5);
      expect(rollout.old.available + rollout.new.available).toBeGreaterThanOrEqual(3);
    };
    expect((await server.call('POST', BASE, slow())).status).toBe(200);
    await waitFor(get, (res) => data(res).status === 'Running');
    expect((await server.call('PUT', BASE, slow(V2))).status).toBe(200);
    // Crash once the rollout is under way: both versions have instances.
    await waitFor(
      get,
      (res) => {
        const r = data(res).rollout;
        return r !== null && r.new.running > 0 && r.old.desired < 4;
      },
      bounds,
    );
    await server.crashAndRestart();
    const done = await waitFor(get, (res) => data(res).status === 'Running', bounds, 60_000);
    const app = done.body.data.application as { name: string; desired: number; available: number };
    expect(app.name).toMatch(new RegExp(`^${NAME}-v\\d+$`));
    expect(app).toMatchObject({ desired: 4, available: 4 });
    // Nothing left over or doubled: exactly 4 taskgroups, all of the new version, and the old app is gone.
    const taskGroups = await server.call('GET', `/namespaces/${NS}/applications/${app.name}/taskgroups`);
    expect(taskGroups.body.data.map((tg: { Status: string }) => tg.Status)).toEqual([
      'Running',
      'Running',
      'Running',
      'Running',
    ]);
    expect(
      taskGroups.body.data.every((tg: { Taskgroup: { Image: string }[] }) => tg.Taskgroup[0]!.Image === V2),
    ).toBe(true);
    expect((await server.call('GET', `/namespaces/${NS}/applications/${NAME}`)).status).toBe(404);
  }, 150_000);
});
