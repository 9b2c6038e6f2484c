import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources (the `@bcs/source` export condition), so tests need
// no build. `setupFiles` loads the Reflect polyfill once per worker, before any decorated class.
const conditions = ['@bcs/source', 'node', 'import', 'module', 'default'];
const shared = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
};
const packages = ['core', 'testing', 'mesos-sim', 'store-level', 'http-koa', 'ws-events', 'server'];

export default defineConfig({
  ...shared,
  test: {
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
