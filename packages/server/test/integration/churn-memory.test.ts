import { SchedulerEngine } from '@bcs/core';
import { aConfigMap, anApplication } from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, startInProcess } from './helpers/in-process.js';
import { waitFor } from './helpers/wait.js';

// What the server keeps for objects that are gone (issue 9 §0, "Memory that grows under churn"): after an
// application and a configmap are created, scaled and deleted, nothing of them is left in the engine's
// indexes or in the simulated cluster. `pnpm bench -- soak` measures the same under load.

const NS = 'defaultGroup';
const APP = `/namespaces/${NS}/applications`;

let api: InProcessServer;
beforeAll(async () => {
  api = await startInProcess({ simAgents: 2 });
});
afterAll(() => api.close());

function application(instances: number) {
  const body = anApplication({ spec: { instance: instances } }) as unknown as {
    killPolicy?: { gracePeriod: number };
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.25', memory: '64' } };
  body.killPolicy = { gracePeriod: 1 };
  return body;
}

const running = async () => {
  const res = await api.call('GET', `${APP}/app-test`);
  return res.status === 200 ? (res.body.data as { RunningInstances: number }).RunningInstances : -1;
};

describe('create, scale and delete leave nothing behind', () => {
  it('in the engine and in the simulated cluster', async () => {
    expect((await api.call('POST', `/namespaces/${NS}/configmaps`, aConfigMap())).status).toBe(200);
    expect((await api.call('POST', APP, application(2))).status).toBe(200);
    await waitFor(running, (n) => n === 2);
    expect((await api.call('PUT', `${APP}/app-test/scale/3`)).status).toBe(200);
    await waitFor(running, (n) => n === 3);
    expect((await api.call('DELETE', `${APP}/app-test`)).status).toBe(200);
    await waitFor(running, (n) => n === -1);
    expect((await api.call('DELETE', `/namespaces/${NS}/configmaps/configmap-test`)).status).toBe(200);

    const cluster = api.server.simCluster!;
    // The simulated cluster released the tasks, and keeps no record of the calls that launched and killed
    // them (it kept every call, each ACCEPT with its TaskInfos, for as long as the server ran).
    await waitFor(
      async () => cluster.tasks().length,
      (n) => n === 0,
    );
    expect(cluster.calls).toHaveLength(0);
    expect(cluster.messages()).toHaveLength(0);

    const { state } = api.server.scheduler.container.resolve(SchedulerEngine);
    expect(state.apps.size).toBe(0);
    expect(state.taskIndex.size).toBe(0);
    expect(state.taskGroupIndex.size).toBe(0);
    expect(state.pending.size).toBe(0);
    expect(state.live.size).toBe(0);
    expect(state.killing.size).toBe(0);
    for (const usage of state.agentUsage.values()) {
      expect(usage.cpus).toBeCloseTo(0, 9);
      expect(usage.mem).toBeCloseTo(0, 9);
      expect(usage.disk).toBeCloseTo(0, 9);
    }
  });
});
