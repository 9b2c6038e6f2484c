// Store throughput: the in-memory fake against LevelStore on classic-level (disk), for sequential puts,
// gets and 10-put batches. Imports the BUILT packages (run `pnpm exec tsc -b` first).
//
//   node bench/store-bench.mjs [--runs 5] [--ops 20000]   prints a markdown table
//   import { runStoreBench } from './bench/store-bench.mjs'
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLevelStore } from '@bcs/store-level';
import { createMemoryStore } from '@bcs/testing/fakes';

/** A value shaped like a small configmap (about 200 bytes of JSON). */
function sampleValue(i) {
  return {
    apiVersion: 'v4',
    kind: 'configmap',
    metadata: { name: `cm-${i}`, namespace: 'bench', labels: { app: 'bench', index: String(i) } },
    datas: { 'app.conf': { type: 'file', content: 'a'.repeat(64) } },
  };
}

/** The stores under test: each `open()` resolves to a fresh open store and a cleanup function. */
const STORES = [
  {
    name: 'memory',
    open: async () => {
      const store = createMemoryStore();
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'level (classic-level, disk)',
    open: async () => {
      const location = mkdtempSync(join(tmpdir(), 'bcs-store-bench-'));
      const store = createLevelStore({ location });
      await store.open();
      return {
        store,
        cleanup: async () => {
          await store.close();
          rmSync(location, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Times `count` sequential awaited calls of `operation(i)`; returns calls per second. */
async function timed(count, operation) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await operation(i);
  return count / ((performance.now() - started) / 1000);
}

/** One run on a fresh store: `ops` puts, `ops` gets (scattered keys), then `ops / 10` batches of 10 puts. */
async function runOnce(store, ops) {
  const put = await timed(ops, (i) => store.put('configmap', `bench/cm-${i}`, sampleValue(i)));
  // 7919 is prime, so i × 7919 mod ops visits every key once, in scattered order.
  const get = await timed(ops, (i) => store.get('configmap', `bench/cm-${(i * 7919) % ops}`));
  const batches = Math.max(1, Math.floor(ops / 10));
  const batch = await timed(batches, (b) =>
    store.batch(
      Array.from({ length: 10 }, (_, j) => ({
        type: 'put',
        collection: 'taskgroup',
        key: `bench/app-${b}/${j}`,
        value: sampleValue(b * 10 + j),
      })),
    ),
  );
  return { put, get, 'batch (10 puts)': batch };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs the store benchmark and resolves to one row per store and operation:
 * `{ store, op, opsPerSec, runs }`, where `opsPerSec` is the median over `runs` runs of sequential awaited
 * calls per second (for 'batch (10 puts)' one call is one 10-put batch, and a run makes `ops / 10` of them).
 * Every run uses a fresh store; LevelDB runs use a fresh directory under `os.tmpdir()`, removed afterwards.
 */
export async function runStoreBench({ runs = 5, ops = 20000 } = {}) {
  const rows = [];
  for (const { name, open } of STORES) {
    const samples = { put: [], get: [], 'batch (10 puts)': [] };
    for (let run = 0; run < runs; run++) {
      const { store, cleanup } = await open();
      try {
        const result = await runOnce(store, ops);
        for (const op of Object.keys(samples)) samples[op].push(result[op]);
      } finally {
        await cleanup();
      }
    }
    for (const [op, values] of Object.entries(samples)) {
      rows.push({ store: name, op, opsPerSec: Math.round(median(values)), runs });
    }
  }
  return rows;
}

/** Formats rows as a markdown table. */
export function formatStoreBench(rows) {
  const lines = ['| store | op | ops/s (median) | runs |', '| --- | --- | ---: | ---: |'];
  for (const row of rows) {
    lines.push(`| ${row.store} | ${row.op} | ${row.opsPerSec.toLocaleString('en-US')} | ${row.runs} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, ops: { type: 'string' } } });
  const rows = await runStoreBench({
    runs: values.runs === undefined ? 5 : Number(values.runs),
    ops: values.ops === undefined ? 20000 : Number(values.ops),
  });
  console.log(formatStoreBench(rows));
}
