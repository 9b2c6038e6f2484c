import { registerCore, type Store } from '@bcs/core';
import { createMemoryStore, ManualClock } from '@bcs/testing';
import { container as rootContainer } from 'tsyringe';
import { createHttpApp, type HttpApp } from '../../src/index.js';

export const CLUSTER_ID = 'BCS-TEST-00001';
export const V4 = '/v4/scheduler/mesos';

/** An app over the in-memory store, for supertest route tests (no port, no disk). */
export interface TestApp {
  readonly app: HttpApp;
  readonly store: Store;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

export async function createTestApp(options: { bodyLimit?: number } = {}): Promise<TestApp> {
  const store = createMemoryStore();
  await store.open();
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 6, 0, 0));
  const container = registerCore(rootContainer.createChildContainer(), { store, clock });
  const app = createHttpApp({ container, clusterId: CLUSTER_ID, ...options });
  return {
    app,
    store,
    clock,
    async close() {
      await app.dispose();
      await container.dispose();
      await store.dispose();
    },
  };
}
