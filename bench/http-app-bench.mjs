// The HTTP API bringing a 1 000-instance application to all Running on 100 simulated agents: the real
// `bcs-scheduler` command (LevelDB on disk, real clock, the simulated cluster offering every second) in its
// own process, driven with fetch from this one. Needs the built packages (`pnpm exec tsc -b`).
//
//   node bench/http-app-bench.mjs [--runs 3]
//   import { runHttpAppBench } from './bench/http-app-bench.mjs'
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServerProcess } from './server-process.mjs';
import { APP_ID, benchApplication, median, NAMESPACE } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const APPS = `/v4/scheduler/mesos/namespaces/${NAMESPACE}/applications`;
/** How often the application is polled. */
const POLL_MS = 20;
/** A run that has not reached all Running by then failed. */
const TIMEOUT_MS = 120_000;

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/**
 * One run on a fresh data dir and server: POSTs the application, then polls GET until `RunningInstances`
 * equals `instances`. Returns the wall-clock ms from just before the POST (and how long the POST took).
 */
export async function httpAppRun({ agents, instances }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-http-app-'));
  const server = await startServerProcess({
    dataDir,
    clusterId: CLUSTER_ID,
    args: ['--sim-agents', String(agents)],
  });
  try {
    const started = performance.now();
    await call(`${server.url}${APPS}`, {
      method: 'POST',
      body: JSON.stringify(benchApplication({ instances })),
    });
    const postMs = performance.now() - started;
    for (;;) {
      const app = await call(`${server.url}${APPS}/${APP_ID}`);
      if (app.RunningInstances === instances) return { runningMs: performance.now() - started, postMs };
      if (performance.now() - started > TIMEOUT_MS) {
        throw new Error(`not all Running after ${TIMEOUT_MS} ms: ${app.RunningInstances} (${app.Status})`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs `runs` times, each on a fresh server; medians in ms. */
export async function runHttpAppBench({ runs = 3, agents = 100, instances = 1_000, log = () => {} } = {}) {
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const sample = await httpAppRun({ agents, instances });
    log(`http-app run ${run + 1}: ${JSON.stringify(sample)}`);
    samples.push(sample);
  }
  return {
    agents,
    instances,
    runs,
    runningMs: median(samples.map((s) => s.runningMs)),
    postMs: median(samples.map((s) => s.postMs)),
    minMs: Math.min(...samples.map((s) => s.runningMs)),
    maxMs: Math.max(...samples.map((s) => s.runningMs)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  console.table([await runHttpAppBench({ runs: Number(values.runs ?? 3), log: (l) => console.error(l) })]);
}
