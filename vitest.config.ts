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
  'store-level',
  'http-koa',
  'ws-events',
  'server',
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
