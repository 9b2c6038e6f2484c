// How long unrelated GETs stall while a 10 000-instance application is created (issue 9 §0: "Creating 10 000
// pending taskgroups must not stall unrelated requests for seconds"). The real `bcs-scheduler` command
// (LevelDB on disk, real clock, simulated cluster) runs in its own process; this one sends GETs of another,
// 1-instance application open-loop at a fixed rate and measures each from its scheduled send time, so a
// stalled server cannot hide its stall by slowing the sender down (no coordinated omission). Needs the built
// packages (`pnpm exec tsc -b`).
//
//   node bench/stall-bench.mjs [--runs 3]
//   import { runStallBench } from './bench/stall-bench.mjs'
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServerProcess } from './server-process.mjs';
import { benchApplication, median, NAMESPACE } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const APPS = `/v4/scheduler/mesos/namespaces/${NAMESPACE}/applications`;

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** The `q` quantile (0–1) of sorted `values`, nearest rank. */
export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The medians over `samples` (each a {@link latencySummary} with `load`), and the worst max of any. */
export function latencyMedians(samples) {
  const med = (key) => median(samples.map((s) => s[key]));
  return {
    gets: med('gets'),
    load: med('load'),
    p50: med('p50'),
    p99: med('p99'),
    p999: med('p999'),
    max: med('max'),
    worstMax: Math.max(...samples.map((s) => s.max)),
  };
}

/** The count, p50, p99, p99.9 and max of sorted latencies (ms). */
export function latencySummary(sorted) {
  return {
    gets: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted.at(-1),
  };
}

/**
 * Sends `GET path` every `1000 / rate` ms for `windowMs`, each on its own (open loop); resolves to the
 * latencies in ms, each from the request's scheduled time to its answer.
 */
export async function openLoop(url, { rate, windowMs }) {
  const interval = 1000 / rate;
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i * interval < windowMs; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      fetch(url, { headers: HEADERS }).then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
        return performance.now() - scheduled;
      }),
    );
  }
  return Promise.all(inFlight);
}

/**
 * One run on a fresh data dir and server: creates application `other` (1 instance), then measures GETs of it
 * for `windowMs` at `rate` per second. With `create`, a `instances`-instance application is POSTed when the
 * window opens. Returns the GET latency quantiles and how long the POST took.
 */
export async function stallRun({ agents, instances, rate, windowMs, create }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-stall-'));
  const server = await startServerProcess({
    dataDir,
    clusterId: CLUSTER_ID,
    args: ['--sim-agents', String(agents), '--max-instances', String(instances)],
  });
  try {
    const other = benchApplication({ instances: 1 });
    other.metadata.name = 'other';
    await call(`${server.url}${APPS}`, { method: 'POST', body: JSON.stringify(other) });
    // Warm the GET path up before measuring.
    await openLoop(`${server.url}${APPS}/other`, { rate, windowMs: 500 });
    const loop = openLoop(`${server.url}${APPS}/other`, { rate, windowMs });
    let postMs;
    if (create) {
      const started = performance.now();
      await call(`${server.url}${APPS}`, {
        method: 'POST',
        body: JSON.stringify(benchApplication({ instances })),
      });
      postMs = performance.now() - started;
    }
    const latencies = (await loop).sort((a, b) => a - b);
    return {
      load: loadavg()[0],
      ...latencySummary(latencies),
      postMs,
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `runs` runs idle and `runs` runs with the create, each on a fresh server; medians per statistic. */
export async function runStallBench({
  runs = 3,
  agents = 100,
  instances = 10_000,
  rate = 50,
  windowMs = 10_000,
  log = () => {},
} = {}) {
  const rows = [];
  for (const create of [false, true]) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const sample = await stallRun({ agents, instances, rate, windowMs, create });
      log(`stall ${create ? 'create' : 'idle'} run ${run + 1}: ${JSON.stringify(sample)}`);
      samples.push(sample);
    }
    rows.push({
      create,
      ...latencyMedians(samples),
      postMs: create ? median(samples.map((s) => s.postMs)) : undefined,
    });
  }
  return { runs, agents, instances, rate, windowMs, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const result = await runStallBench({ runs: Number(values.runs ?? 3), log: (l) => console.error(l) });
  console.table(result.rows);
}
