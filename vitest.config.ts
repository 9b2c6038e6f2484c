import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources (the `@bcs/source` export condition), so tests need
// no build. `setupFiles` loads the Reflect polyfill once per worker, before any decorated class.
const conditions = ['@bcs/source', 'node', 'import', 'module', 'default'];
const shared = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
};
const packages = [
  'core',
  'testing',
  'mesos-sim',
  'mesos-http',
  'outbound-http',
  'store-level',
  'store-etcd',
  'http-koa',
  'ws-events',
  'server',
];

/** The engine scenario files (packages/core/test/engine) the `core:wire` project runs over HTTP. */
const WIRE_ENGINE_FILES = [
  'recovery',
  'lifecycle',
  'lost',
  'failures',
  'update',
  'deployments',
  'deployments-owner',
  'deployments-delete',
  'mesos-link',
  'data-references',
  'agent-settings',
  'placement',
  'quarantine',
  'app-summary',
  'redos',
];

export default defineConfig({
  ...shared,
  test: {
    // Vitest's default is one worker less than the cores: a single worker on CI's 2 cores, which left the
    // end-to-end files (which mostly wait on child processes and sockets) running one after another. Two
    // workers there took `pnpm test` from 219 s to 145 s of vitest time; three gained little more.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['reflect-metadata'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      ...packages.map((name) => ({
        ...shared,
        test: {
          name,
          root: `packages/${name}`,
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**'],
          setupFiles: ['reflect-metadata'],
        },
      })),
      ...packages.map((name) => ({
        ...shared,
        test: {
          name: `${name}:integration`,
          root: `packages/${name}`,
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['reflect-metadata'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
      // Core's engine scenarios again, through the wire (issue 10 §2 "one contract, two drivers"): the harness
      // (packages/core/test/engine/harness.ts) puts a MesosHttpDriver between the engine and the simulator's
      // MesosSimServer on loopback, with the strict scheduler.proto checks on every call and event.
      // Left out:
      // - batching.test.ts: its premise is in-process delivery. 20 STARTING updates "arrive together" in one
      //   microtask flush in process; over the wire they arrive as the server answers each ACCEPT, so the
      //   engine (correctly) stores them in several batches (19 + 1). The launch-yield test counts event-loop
      //   turns between calls made on the cluster object itself.
      // - constraints, chunked-fill and deployments.model (the fast-check model): they pass over the wire
      //   (about 7–9 s each here) but test placement and rollout logic, not the link; left out to keep this
      //   project near its time budget (~40 s).
      {
        ...shared,
        test: {
          name: 'core:wire',
          root: 'packages/core',
          include: WIRE_ENGINE_FILES.map((file) => `test/engine/${file}.test.ts`),
          setupFiles: ['reflect-metadata'],
          env: { BCS_TEST_MESOS_TRANSPORT: 'http' },
          // Real sockets: a scenario takes 2–5× its in-process time, more on a loaded machine.
          testTimeout: 30_000,
        },
      },
      // The examples, run as a user runs them: built (`tsc -b`), as child processes on loopback ports.
      {
        test: {
          name: 'examples',
          root: 'examples',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
