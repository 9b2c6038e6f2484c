import type { MesosEvent, MesosFrameworkInfo } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpCluster, SimulatedCluster, startHttpCluster } from '../src/cluster/index.js';
import { ManualClock } from '../src/fakes/index.js';

const FRAMEWORK: MesosFrameworkInfo = { user: 'bcs', name: 'http-cluster-test' };

let http: HttpCluster | undefined;
let cluster: SimulatedCluster | undefined;
afterEach(async () => {
  await http?.close();
  await cluster?.dispose();
  http = undefined;
  cluster = undefined;
});

async function start(agents = 1) {
  const clock = new ManualClock(1_700_000_000_000);
  cluster = new SimulatedCluster({ clock, seed: 5, agents });
  http = await startHttpCluster(cluster, { clock });
  const events: MesosEvent[] = [];
  await http.driver.subscribe(FRAMEWORK, (event) => events.push(event));
  await http.settle();
  return { clock, http, cluster, events };
}

describe('startHttpCluster', () => {
  it('subscribes through the loopback server and settles only once every written event is received', async () => {
    const { clock, http, events } = await start(2);
    expect(http.driver.status()).toMatchObject({ state: 'subscribed', master: http.server.leaderUrl });
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    // An offer round, then three heartbeats: each advance is followed by a settle that waits for them.
    for (let i = 0; i < 4; i++) {
      clock.advance(i === 0 ? 1000 : 15_000);
      await http.settle();
      expect(http.driver.eventsReceived).toBe(http.server.eventsWritten);
    }
    expect(events.filter((e) => e.type === 'HEARTBEAT')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'OFFERS').length).toBeGreaterThan(0);
  });

  it('settles with the calls answered: a call made just before is on the server when it resolves', async () => {
    const { http } = await start();
    const sent = http.server.calls.length;
    void http.driver.call({ type: 'REVIVE' });
    expect(http.driver.callsInFlight).toBe(1);
    await http.settle();
    expect(http.driver.callsInFlight).toBe(0);
    expect(http.server.calls.slice(sent)).toEqual([
      { type: 'REVIVE', framework_id: { value: http.cluster.frameworkId } },
    ]);
  });

  it('refuses a call that breaks scheduler.proto (400) and fails the next settle, naming it', async () => {
    const { http } = await start();
    // camelCase: a real master ignores the key, so the strict check (proto names only) refuses it.
    const refused = http.driver.call({
      type: 'DECLINE',
      decline: { offerIds: [{ value: 'o-1' }] },
    } as never);
    await expect(refused).rejects.toMatchObject({ status: 400 });
    await expect(http.settle()).rejects.toThrow(/schema problems[\s\S]*offerIds/);
    expect(http.problems).toHaveLength(1);
  });

  it('gives a fresh driver after the old one is disposed: it fails over to the same framework', async () => {
    const { clock, http, cluster } = await start();
    const frameworkId = cluster.frameworkId;
    await http.driver.dispose();
    await http.settle();
    const driver = http.newDriver();
    expect(http.driver).toBe(driver);
    const events: MesosEvent[] = [];
    await driver.subscribe({ ...FRAMEWORK, id: { value: frameworkId! } }, (event) => events.push(event));
    await http.settle();
    expect(events[0]).toMatchObject({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: frameworkId } },
    });
    clock.advance(1000);
    await http.settle();
    // Counts are per stream: the new driver received everything written on its own stream.
    expect(events.filter((e) => e.type === 'OFFERS')).toHaveLength(1);
    expect(driver.eventsReceived).toBe(events.length);
  });
});
