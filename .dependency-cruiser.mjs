// The workspace's layers, checked by `pnpm lint` (dependency-cruiser). Dependencies point one way:
// core ← adapters ← composition root ← examples (docs/architecture.md, style.md point 9).
//
// Paths are relative to the repository root. Workspace packages resolve to their TypeScript sources through
// tsconfig.tests.json's `paths`; an import that does not resolve is matched by its name, so the rules hold
// for a package that is not installed as well (packages/core/test/layers.test.ts plants such imports).

/** Adapters: packages that implement core's ports or expose it, and that core must never see. */
const ADAPTERS = [
  'store-level',
  'store-etcd',
  'http-koa',
  'ws-events',
  'mesos-sim',
  'mesos-http',
  'outbound-http',
  'server',
];
/** Libraries that belong to one adapter only; core must not import them. */
const ADAPTER_LIBRARIES = [
  'koa',
  '@koa/[^/]+',
  'level',
  'classic-level',
  'memory-level',
  'abstract-level',
  'ws',
  'pino',
  'etcd3',
];

const either = (names) => `(${names.join('|')})`;
/** A module of one of `packages` (by path in the workspace) or the package itself (by name when unresolved). */
const workspacePackage = (packages) => [`^packages/${either(packages)}/`, `^@bcs/${either(packages)}($|/)`];
/** A third-party library, resolved into node_modules or unresolved (by name). */
const library = (names) => [`(^|/)node_modules/${either(names)}/`, `^${either(names)}($|/)`];

/**
 * The composition root wires adapters together, so it may import them all: `packages/server` (the
 * `bcs-scheduler` command) and the examples.
 */
const COMPOSITION_ROOT = ['^packages/server/', '^examples/'];

/**
 * Violations tolerated for now: none. The engine-narrowing refactor (issue 9 §5 "No engine passed around")
 * removed the last ones, the cycles engine.ts ↔ housekeeping/placement-pass/status-drain (the helpers now take
 * the engine's narrow ports from engine/ports.ts). Keep it empty: a violation fails `pnpm lint`, and
 * packages/core/test/layers.test.ts checks the list stays empty and the repository has no violation.
 */
export const knownViolations = [];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'core-imports-no-adapter',
      comment:
        'Core is the pure domain: it imports no adapter, no test support and no transport or storage library. ' +
        'Adapters implement its ports instead (style.md points 1 and 9).',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: {
        path: [...workspacePackage([...ADAPTERS, 'testing']), ...library(ADAPTER_LIBRARIES)],
      },
    },
    {
      name: 'core-events-below-engine',
      comment:
        "Core's events (log, kinds, derivation) sit below the engine that commits them and the services that " +
        'serve them: they import neither (nor deployments, but for the record type they report on).',
      severity: 'error',
      from: { path: '^packages/core/src/events/' },
      to: {
        path: '^packages/core/src/(engine|services|deployments)/',
        pathNot: '^packages/core/src/deployments/record[.]ts$',
      },
    },
    {
      name: 'core-services-on-top',
      comment:
        "Core's services are its public face: only other services and the wiring (container, create-scheduler, " +
        'index) import them, never the engine, the controllers or the domain below.',
      severity: 'error',
      from: {
        path: '^packages/core/src/',
        pathNot: '^packages/core/src/(services/|container[.]ts$|create-scheduler[.]ts$|index[.]ts$)',
      },
      to: { path: '^packages/core/src/services/' },
    },
    {
      name: 'core-engine-through-ports',
      comment:
        "No engine passed around (issue 9 §5): the engine's helpers, the deployment effects and the domain take " +
        "the engine's narrow ports (engine/ports.ts), never the engine. Only the wiring, the services, the " +
        'deployment controller and the remote health checker import engine.ts, for its DI token (events/ has a ' +
        'rule of its own).',
      severity: 'error',
      from: {
        path: '^packages/core/src/',
        pathNot:
          '^packages/core/src/(services/|events/|deployments/deployment-controller[.]ts$|' +
          'health/remote-checker[.]ts$|container[.]ts$|' +
          'create-scheduler[.]ts$|index[.]ts$|engine/engine[.]ts$)',
      },
      to: { path: '^packages/core/src/engine/engine[.]ts$' },
    },
    {
      name: 'no-testing-at-run-time',
      comment:
        '@bcs/testing (fakes, builders, conformance suites) is for tests: no package source imports it at run ' +
        'time. A type-only import is erased and allowed; tests and examples may import it.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: '^packages/testing/' },
      to: { path: workspacePackage(['testing']), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapter-imports-no-adapter',
      comment:
        'An adapter depends on core only. Wiring adapters together is the composition root’s job ' +
        '(packages/server) and the examples’.',
      severity: 'error',
      from: { path: `^packages/${either(ADAPTERS)}/src/`, pathNot: COMPOSITION_ROOT },
      to: { path: workspacePackage(ADAPTERS), pathNot: ['^packages/$1/', '^@bcs/$1($|/)'] },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles in any source, type-only imports included: a cycle of types still ties the modules ' +
        'together, and the ones issue 9 names (engine ↔ placement-pass, state ↔ changes) are type-only.',
      severity: 'error',
      from: { path: '^(packages/[^/]+/src|examples/[^/]+/src)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Built output is not source. (Excluding node_modules too would drop the imports of libraries.)
    exclude: { path: '(^|/)dist/' },
    // Type-only imports are dependencies too (see no-circular).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.tests.json' },
    enhancedResolveOptions: {
      conditionNames: ['@bcs/source', 'import', 'types', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.json'],
    },
    knownViolations,
  },
};
