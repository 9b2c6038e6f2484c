import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The layering rules `pnpm lint` checks (.dependency-cruiser.mjs), run the way lint runs them: the
// dependency-cruiser command with the repository's config. Against a planted workspace, each rule must fail on
// its violation and pass what it allows; against the repository, core must hold them with no baseline.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const config = join(root, '.dependency-cruiser.mjs');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
/** A cruise starts a process that loads TypeScript: seconds on a busy machine, not the default 5. */
const CRUISE_TIMEOUT = 60_000;

interface Violation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

/** Runs dependency-cruiser in `cwd` on `paths`; its violations, known ones included (severity `ignore`). */
async function cruise(cwd: string, paths: string[], extra: string[] = []): Promise<Violation[]> {
  const run = promisify(execFile);
  const args = [depcruise, ...paths, '--config', config, '--output-type', 'json', ...extra];
  // Exit code = number of errors: a failing cruise still prints its result.
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 64 << 20 }).catch(
    (error: { stdout?: string; code?: unknown }) => {
      if (typeof error.code !== 'number' || error.stdout === undefined) throw error;
      return { stdout: error.stdout };
    },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const errors = (violations: readonly Violation[]) =>
  violations
    .filter((v) => v.rule.severity === 'error')
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
    .sort();

/** A small workspace with the repository's layout: every package's `src/index.ts`, plus the planted files. */
function plantWorkspace(dir: string, files: Record<string, string>): void {
  const packages = ['core', 'store-level', 'http-koa', 'ws-events', 'testing'];
  const all: Record<string, string> = {
    ...Object.fromEntries(packages.map((name) => [`packages/${name}/src/index.ts`, 'export const x = 1;\n'])),
    ...files,
    'tsconfig.tests.json': JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        paths: Object.fromEntries(
          packages.map((name) => [`@bcs/${name}`, [`./packages/${name}/src/index.ts`]]),
        ),
      },
    }),
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Core's sources, cruised alone (its rules and its cycles; the other packages are `pnpm lint`'s job). */
function cruiseCore(): Promise<Violation[]> {
  return cruise(root, ['packages/core/src'], ['--include-only', '^packages/core/src/']);
}

describe('layering rules', () => {
  let dir: string;
  let planted: Violation[];
  let knownViolations: Violation[];
  let core: Violation[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bcs-layers-'));
    plantWorkspace(dir, {
      // Violations.
      'packages/core/src/uses-adapter.ts': "import { x } from '@bcs/store-level';\nexport const y = x;\n",
      'packages/core/src/uses-adapter-type.ts':
        "import type { x } from '@bcs/http-koa';\nexport type Y = typeof x;\n",
      'packages/core/src/uses-koa.ts': "import Koa from 'koa';\nexport const app = new Koa();\n",
      'packages/core/src/uses-ws.ts': "import { WebSocket } from 'ws';\nexport const ws = WebSocket;\n",
      'node_modules/ws/package.json': JSON.stringify({ name: 'ws', main: 'index.js' }),
      'node_modules/ws/index.js': 'exports.WebSocket = class {};\n',
      'packages/core/src/cycle-a.ts':
        "import type { B } from './cycle-b.js';\nexport interface A { b?: B }\n",
      'packages/core/src/cycle-b.ts':
        "import type { A } from './cycle-a.js';\nexport interface B { a?: A }\n",
      'packages/core/src/events/uses-engine.ts':
        "import type { E } from '../engine/engine.js';\nexport type Y = E;\n",
      'packages/core/src/deployments/uses-engine.ts':
        "import type { E } from '../engine/engine.js';\nexport type Y = E;\n",
      'packages/core/src/engine/engine.ts':
        "import { S } from '../services/s.js';\nexport type E = typeof S;\n",
      'packages/core/src/services/s.ts': 'export const S = 1;\n',
      'packages/ws-events/src/uses-adapter.ts': "import { x } from '@bcs/http-koa';\nexport const y = x;\n",
      'packages/store-level/src/uses-testing.ts': "import { x } from '@bcs/testing';\nexport const y = x;\n",
      // Allowed.
      'packages/store-level/src/uses-testing-type.ts':
        "import type { x } from '@bcs/testing';\nexport type Y = typeof x;\n",
      'packages/store-level/test/uses-testing.test.ts':
        "import { x } from '@bcs/testing';\nexport const y = x;\n",
      'packages/server/src/root.ts':
        "import { x } from '@bcs/store-level';\nimport { x as w } from '@bcs/ws-events';\nexport const y = [x, w];\n",
      'packages/core/src/events/uses-record.ts':
        "import type { R } from '../deployments/record.js';\nexport type Y = R;\n",
      'packages/core/src/deployments/record.ts': 'export type R = 1;\n',
      'packages/core/src/index.ts': "export { S } from './services/s.js';\n",
      'packages/http-koa/src/routes.ts': "import { x } from './index.js';\nexport const y = x;\n",
    });
    ({ knownViolations } = (await import(config)) as { knownViolations: Violation[] });
    // Two processes at once: each spends most of its time loading TypeScript.
    [planted, core] = await Promise.all([cruise(dir, ['packages']), cruiseCore()]);
  }, CRUISE_TIMEOUT);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fail on each violation planted in a workspace, and on nothing else there', () => {
    expect(errors(planted)).toEqual(
      [
        'core-imports-no-adapter: packages/core/src/uses-adapter.ts → packages/store-level/src/index.ts',
        'core-imports-no-adapter: packages/core/src/uses-adapter-type.ts → packages/http-koa/src/index.ts',
        // Not installed in the planted workspace: matched by its name.
        'core-imports-no-adapter: packages/core/src/uses-koa.ts → koa',
        // Installed: matched by its path.
        'core-imports-no-adapter: packages/core/src/uses-ws.ts → node_modules/ws/index.js',
        'core-events-below-engine: packages/core/src/events/uses-engine.ts → packages/core/src/engine/engine.ts',
        'core-services-on-top: packages/core/src/engine/engine.ts → packages/core/src/services/s.ts',
        'core-engine-through-ports: packages/core/src/deployments/uses-engine.ts → packages/core/src/engine/engine.ts',
        // A cycle is reported once, from its first module.
        'no-circular: packages/core/src/cycle-a.ts → packages/core/src/cycle-b.ts',
        'adapter-imports-no-adapter: packages/ws-events/src/uses-adapter.ts → packages/http-koa/src/index.ts',
        'no-testing-at-run-time: packages/store-level/src/uses-testing.ts → packages/testing/src/index.ts',
      ].sort(),
    );
  });

  // The baseline held the cycles engine.ts ↔ housekeeping/placement-pass/status-drain until the engine's
  // helpers took its narrow ports (engine/ports.ts) instead of the engine (issue 9 §5).
  it('tolerate no known violation: the baseline is empty', () => {
    expect(knownViolations).toEqual([]);
  });

  it("hold in core's sources: no cycle, no violation, ignored or not", () => {
    expect(core.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });
});
