import { createScheduler, ErrorCode, type EventMessage, systemClock } from '@bcs/core';
import { createMemoryStore } from '@bcs/testing';
import { SimulatedCluster } from '@bcs/testing/cluster';
import { describe, expect, it } from 'vitest';
import { smallApp } from '../engine/harness.js';

describe('createScheduler (the embedding entry point)', () => {
  it('runs an application through the same services as the REST API and streams its events', async () => {
    const cluster = new SimulatedCluster({ clock: systemClock, agents: 2, seed: 3, startupMs: 10 });
    await cluster.open();
    const store = createMemoryStore();
    await using scheduler = await createScheduler({ store, driver: cluster });
    expect(scheduler.scheduling).toBe(true);
    const controller = new AbortController();
    const seen: EventMessage[] = [];
    const following = (async () => {
      for await (const message of scheduler.events.subscribe({
        namespace: 'embedded',
        signal: controller.signal,
      })) {
        seen.push(message);
        const running = seen
          .flatMap((m) => (m.type === 'events' ? m.events : []))
          .filter((e) => e.kind === 'taskgroup.status' && e.to === 'Running');
        if (running.length === 2) break;
      }
    })();
    await scheduler.applications.create(
      'embedded',
      smallApp({ metadata: { name: 'web', namespace: 'embedded' } }),
    );
    const timeout = setTimeout(() => controller.abort(), 20_000);
    await following;
    clearTimeout(timeout);
    expect(controller.signal.aborted).toBe(false);
    expect(seen[0]).toEqual({ type: 'hello', seq: 0, oldest: 1 });
    expect(scheduler.applications.get('embedded', 'web').taskGroups.map((t) => t.status)).toEqual([
      'Running',
      'Running',
    ]);
    await scheduler.close();
    await cluster.dispose();
  });

  it('without a driver, serves declarative resources and refuses scheduling with NoCluster', async () => {
    const store = createMemoryStore();
    const scheduler = await createScheduler({ store });
    expect(scheduler.scheduling).toBe(false);
    await scheduler.configMaps.create('ns', { kind: 'configmap', metadata: { name: 'cm' }, datas: {} });
    expect((await scheduler.configMaps.list('ns')).length).toBe(1);
    expect(() => scheduler.applications.list('ns')).toThrow(
      expect.objectContaining({ code: ErrorCode.NoCluster }),
    );
    await scheduler.close();
    await store.close();
  });
});
