// A probe, not a test or a benchmark: configmap creates through ConfigMapService on a LevelStore on disk
// (classic-level in a temporary directory), C at a time, and the ops/s they reach. It runs the BUILT packages:
// `pnpm exec tsc -b` first. Usage: node scripts/probe-concurrent-writes.mjs [total=4000] [concurrency…=1,4,16,64]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMapService, systemClock } from '@bcs/core';
import { createLevelStore } from '@bcs/store-level';

const total = Number(process.argv[2] ?? 4000);
const concurrencies = (process.argv[3] ?? '1,4,16,64').split(',').map(Number);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
// Creates never consult the guard (only deletes do).
const guard = { run: (work) => work(), referencedBy: () => [] };

/** `total` creates, `concurrency` in flight at a time; resolves to ops/s. */
async function run(concurrency) {
  const location = mkdtempSync(join(tmpdir(), 'bcs-probe-'));
  const store = createLevelStore({ location });
  await store.open();
  const service = new ConfigMapService(store, systemClock, guard, quiet);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await service.create('probe', {
        apiVersion: 'v4',
        kind: 'configmap',
        metadata: { name: `cm-${i}`, namespace: 'probe' },
        datas: { 'item-one': { type: 'file', content: Buffer.from(`value ${i}`).toString('base64') } },
      });
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const revision = await store.revision();
  await store.close();
  rmSync(location, { recursive: true, force: true });
  if (revision !== total) throw new Error(`expected revision ${total}, got ${revision}`);
  return total / seconds;
}

for (const concurrency of concurrencies) {
  const rates = [];
  for (let round = 0; round < 3; round++) rates.push(await run(concurrency));
  const shown = rates.map((rate) => Math.round(rate)).join(', ');
  console.log(`concurrency ${String(concurrency).padStart(3)}: ${shown} creates/s (3 rounds of ${total})`);
}
