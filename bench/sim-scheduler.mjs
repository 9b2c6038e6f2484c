// The scheduler core wired to a SimulatedCluster on a ManualClock, for the scheduler benchmarks. Imports the
// BUILT packages (run `pnpm exec tsc -b` first), as a composition root would (cf. the test harness,
// packages/core/test/engine/harness.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApplicationService, DeploymentController, registerCore, SchedulerEngine } from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { createLevelStore } from '@bcs/store-level';
import { aContainer, anApplication } from '@bcs/testing/builders';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing/fakes';

// tsyringe is core's dependency, not the workspace root's: load the very copy core registered its classes in.
const requireFromCore = createRequire(fileURLToPath(import.meta.resolve('@bcs/core')));
export const { container: rootContainer } = await import(
  pathToFileURL(requireFromCore.resolve('tsyringe')).href
);

/** 2026-11-24 06:00 UTC, the epoch ms the manual clock starts at. */
export const START = Date.UTC(2026, 10, 24, 6, 0, 0);
export const NAMESPACE = 'bench';
export const APP_ID = 'app-test';

/**
 * The API document's application (`anApplication`) with `instances` instances of one container asking for
 * `cpu` cpus and `memory` MB, no ports and no health checks; `unique` adds UNIQUE(InnerIP).
 */
export function benchApplication({ instances, cpu = '0.1', memory = '32', unique = false }) {
  return anApplication({
    metadata: { name: APP_ID, namespace: NAMESPACE },
    spec: {
      instance: instances,
      template: {
        spec: {
          containers: [aContainer({ ports: [], healthChecks: [], resources: { limits: { cpu, memory } } })],
        },
      },
    },
    ...(unique
      ? { constraint: { IntersectionItem: [{ unionData: [{ name: 'InnerIP', operate: 'UNIQUE' }] }] } }
      : {}),
  });
}

/** A fresh LevelDB store (classic-level) in a temp dir; `cleanup()` closes and deletes it. */
export async function openLevelStore(prefix = 'bcs-bench-sched-') {
  const location = mkdtempSync(join(tmpdir(), prefix));
  const store = createLevelStore({ location });
  await store.open();
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(location, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the engine on `store` against a simulated cluster of `agents` (a count or agent specs) that offers
 * every second and starts tasks at once. Returns the parts plus `settle()` (lets the engine and the cluster
 * run to quiescence) and `step(ms)` (advances the clock, then settles).
 */
export async function openSimScheduler({ agents, store = createMemoryStore(), deployments }) {
  const clock = new ManualClock(START);
  const cluster = new SimulatedCluster({
    clock,
    agents,
    seed: 7,
    offerIntervalMs: 1000,
    startupMs: 0,
    recordCalls: false,
  });
  await cluster.open();
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(START) * 1_000_000n }),
    driver: cluster,
    engine: { clusterName: '10001', tickMs: 1000 },
    // The memory benchmark creates 100 000 instances, past the default limit of 10 000.
    limits: { maxInstances: 1_000_000 },
  });
  const engine = container.resolve(SchedulerEngine);
  // With `deployments(controller)`, the DeploymentController runs too; the callback may instrument it first.
  const controller = deployments === undefined ? undefined : container.resolve(DeploymentController);
  if (controller !== undefined) deployments(controller);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await engine.start();
  controller?.start();
  await settle();
  return {
    clock,
    cluster,
    engine,
    container,
    apps: container.resolve(ApplicationService),
    settle,
    async step(ms) {
      clock.advance(ms);
      await settle();
    },
    async dispose() {
      controller?.dispose();
      await engine.dispose();
      await container.dispose();
      await cluster.dispose();
    },
  };
}

/** How many taskgroups of the app are Pending and Running now (a scan of the engine state). */
export function countStatuses(engine) {
  const app = engine.state.get(NAMESPACE, APP_ID);
  let pending = 0;
  let running = 0;
  let total = 0;
  for (const taskGroup of app?.taskGroups.values() ?? []) {
    total++;
    if (taskGroup.status === 'Pending') pending++;
    else if (taskGroup.status === 'Running') running++;
  }
  return { total, pending, running };
}

/**
 * Counts taskgroups per status from the engine's commits, at a cost of O(records changed) per commit (a scan
 * per commit would itself be O(n²) for an engine that commits once per status update), and calls
 * `onCommit(counts)` after each commit. `counts` maps a status to its number of taskgroups (all apps).
 */
export function trackStatuses(engine, onCommit) {
  const counts = new Map();
  const bump = (status, by) => counts.set(status, (counts.get(status) ?? 0) + by);
  for (const { taskGroup } of engine.state.allTaskGroups()) bump(taskGroup.status, 1);
  const commit = engine.commit.bind(engine);
  engine.commit = async (changes) => {
    // The state still holds the records as they were: the delta is known before the commit.
    const delta = [];
    const was = (id) => engine.state.findTaskGroup(id)?.taskGroup.status;
    for (const taskGroup of changes.taskGroups.values()) delta.push([was(taskGroup.id), taskGroup.status]);
    for (const taskGroup of changes.removedTaskGroups) delta.push([was(taskGroup.id), undefined]);
    await commit(changes);
    for (const [before, after] of delta) {
      if (before !== undefined) bump(before, -1);
      if (after !== undefined) bump(after, 1);
    }
    onCommit(counts);
  };
  return counts;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
