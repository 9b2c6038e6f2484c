// Store throughput on etcd against LevelDB, in the same run: the `store` section's operations (sequential puts,
// gets, 10-put batches) and puts issued many at once (the store groups them into shared etcd transactions).
// etcd runs from Debian's etcd-server as child processes on loopback (@bcs/testing/etcd) with its data on disk
// (under the OS temp dir, not /dev/shm), so every transaction pays etcd's fsync.
// Imports the BUILT packages (run `pnpm exec tsc -b` first).
//
//   node bench/store-etcd-bench.mjs [--runs 3] [--ops 2000]
//   import { runStoreEtcdBench } from './bench/store-etcd-bench.mjs'
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createEtcdStore } from '@bcs/store-etcd';
import { createLevelStore } from '@bcs/store-level';
import { startEtcd } from '@bcs/testing/etcd';

/** A value shaped like a small configmap (about 200 bytes of JSON), as in store-bench.mjs. */
function sampleValue(i) {
  return {
    apiVersion: 'v4',
    kind: 'configmap',
    metadata: { name: `cm-${i}`, namespace: 'bench', labels: { app: 'bench', index: String(i) } },
    datas: { 'app.conf': { type: 'file', content: 'a'.repeat(64) } },
  };
}

async function timed(count, operation) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await operation(i);
  return count / ((performance.now() - started) / 1000);
}

/** `count` puts issued `concurrency` at a time (each writer awaits its own before the next). */
async function concurrent(store, count, concurrency) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++)
        await store.put('configmap', `bench/c-${i}`, sampleValue(i));
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const OPS = ['put', 'get', 'batch (10 puts)', 'put, 16 writers at once', 'put, 256 writers at once'];

async function runOnce(store, ops) {
  const put = await timed(ops, (i) => store.put('configmap', `bench/cm-${i}`, sampleValue(i)));
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
  const c16 = await concurrent(store, ops, 16);
  const c256 = await concurrent(store, ops * 2, 256);
  return [put, get, batch, c16, c256];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Resolves to rows `{ store, op, opsPerSec, runs }` (median of `runs` runs, each on a fresh store) for LevelDB
 * on disk, etcd with 1 member and etcd with 3 members (both on disk, loopback).
 */
export async function runStoreEtcdBench({ runs = 3, ops = 2000 } = {}) {
  const scratch = tmpdir();
  const stores = [
    {
      name: 'level (classic-level, disk)',
      setup: async () => undefined,
      open: async () => {
        const location = mkdtempSync(join(tmpdir(), 'bcs-store-etcd-bench-'));
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
    ...[1, 3].map((members) => ({
      name: `etcd, ${members} member${members === 1 ? '' : 's'} (disk)`,
      setup: async () => startEtcd({ members, baseDir: scratch }),
      open: async (cluster, run) => {
        const store = createEtcdStore({ clusterId: `bench-${run}`, etcd: { hosts: [...cluster.endpoints] } });
        await store.open();
        return { store, cleanup: () => store.close() };
      },
    })),
  ];
  const rows = [];
  for (const { name, setup, open } of stores) {
    const cluster = await setup();
    try {
      const samples = OPS.map(() => []);
      for (let run = 0; run < runs; run++) {
        const { store, cleanup } = await open(cluster, run);
        try {
          const result = await runOnce(store, ops);
          for (const [index, value] of result.entries()) samples[index].push(value);
        } finally {
          await cleanup();
        }
      }
      for (const [index, op] of OPS.entries())
        rows.push({ store: name, op, opsPerSec: Math.round(median(samples[index])), runs });
    } finally {
      await cluster?.stop();
    }
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, ops: { type: 'string' } } });
  const rows = await runStoreEtcdBench({ runs: Number(values.runs ?? 3), ops: Number(values.ops ?? 2000) });
  for (const row of rows) console.log(`| ${row.store} | ${row.op} | ${row.opsPerSec} |`);
}
