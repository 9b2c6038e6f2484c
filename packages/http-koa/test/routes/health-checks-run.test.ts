import { type AddressInfo, createServer, type Server } from 'node:net';
import { createHttpOutbound } from '@bcs/outbound-http';
import { anApplication } from '@bcs/testing/builders';
import { type LoopbackServer, startLoopbackServer } from '@bcs/testing/net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, V4 } from '../helpers/app.js';
import { createSimApp, type SimApp } from '../helpers/sim-app.js';

// Remote health checks (issue 13 §1) run by the scheduler through the real outbound adapter
// (@bcs/outbound-http) against loopback HTTP and TCP servers that flip between healthy and unhealthy; the
// scheduler's timers run on a manual clock, the sockets are real. The simulated agent's InnerIP is 127.0.0.1.

const APP = '/namespaces/defaultGroup/applications';

let t: SimApp;
let server: LoopbackServer | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  server = undefined;
});

interface TaskView {
  Healthy: boolean;
  IsChecked: boolean;
  HealthCheckStatus: { type: string; result: boolean; message: string }[];
}

function appWithCheck(check: Record<string, unknown>) {
  const body = anApplication({ spec: { instance: 1 } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  const container = body.spec.template.spec.containers[0]!;
  container.resources = { limits: { cpu: '0.5', memory: '64' } };
  container.healthChecks = [
    { delaySeconds: 1, intervalSeconds: 5, timeoutSeconds: 2, gracePeriodSeconds: 1, ...check },
  ];
  return body;
}

const api = () => request(t.app.callback());
async function task(): Promise<TaskView | undefined> {
  const res = await api().get(`${V4}${APP}/app-test/taskgroups`).set('BCS-ClusterID', CLUSTER_ID);
  return (res.body.data as { Taskgroup: TaskView[] }[] | null)?.[0]?.Taskgroup[0];
}

/**
 * Advances the manual clock a check interval at a time and gives the real sockets a few milliseconds of wall
 * time to answer, until the task shows `healthy` (checked); fails after 60 rounds.
 */
async function untilHealthy(healthy: boolean): Promise<TaskView> {
  for (let round = 0; round < 60; round++) {
    await t.advance(1000, 500);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.advance(0);
    const view = await task();
    if (view?.IsChecked === true && view.Healthy === healthy) return view;
  }
  throw new Error(
    `the task never turned ${healthy ? 'healthy' : 'unhealthy'}: ${JSON.stringify(await task())}`,
  );
}

describe('remote health checks against real loopback servers', () => {
  it('REMOTE_HTTP follows a server that answers 200, then 503, then 200', async () => {
    let status = 200;
    server = await startLoopbackServer(() => ({ status, body: 'ok' }));
    t = await createSimApp({ agents: 1 }, { outbound: createHttpOutbound() });
    const check = {
      type: 'REMOTE_HTTP',
      http: { port: server.port, path: '/healthz', headers: { 'X-Probe': '1' } },
    };
    const created = await api()
      .post(`${V4}${APP}`)
      .set('BCS-ClusterID', CLUSTER_ID)
      .send(appWithCheck(check));
    expect(created.status).toBe(200);

    expect((await untilHealthy(true)).HealthCheckStatus).toEqual([
      { type: 'REMOTE_HTTP', result: true, message: '' },
    ]);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/healthz',
      headers: { 'x-probe': '1' },
    });

    status = 503;
    const sick = await untilHealthy(false);
    expect(sick.HealthCheckStatus[0]).toMatchObject({ type: 'REMOTE_HTTP', result: false });
    expect(sick.HealthCheckStatus[0]!.message).not.toBe('');

    status = 200;
    await untilHealthy(true);
  });

  it('REMOTE_TCP follows a listener that goes away and comes back on the same port', async () => {
    let listener = await listen(0);
    const port = (listener.address() as AddressInfo).port;
    try {
      t = await createSimApp({ agents: 1 }, { outbound: createHttpOutbound() });
      const check = { type: 'REMOTE_TCP', tcp: { port } };
      await api().post(`${V4}${APP}`).set('BCS-ClusterID', CLUSTER_ID).send(appWithCheck(check));
      await untilHealthy(true);

      await new Promise((resolve) => listener.close(resolve));
      await untilHealthy(false);

      listener = await listen(port);
      await untilHealthy(true);
    } finally {
      listener.close();
    }
  });
});

/** A TCP listener on 127.0.0.1 that closes every connection at once. */
function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const listener = createServer((socket) => socket.destroy());
    listener.once('error', reject);
    listener.listen(port, '127.0.0.1', () => resolve(listener));
  });
}
