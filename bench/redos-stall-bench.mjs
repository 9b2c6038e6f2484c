// How long unrelated GETs wait while an application whose LIKE constraint is a catastrophic-backtracking
// pattern stays Pending (issue 9 §0 "Regex denial of service": `(a+)+$` against an agent attribute of 27 `a`s
// followed by `!` froze every request for 12.1 s per placement pass on JavaScript's RegExp; the target is no
// request stalled over 100 ms). The real `bcs-scheduler` command (LevelDB on disk, real clock, simulated
// cluster) runs in its own process; this one sets the attribute on every simulated agent through
// `POST /agentsettings`, creates the application, and sends GETs of another, 1-instance application open-loop
// at a fixed rate, each measured from its scheduled send time (no coordinated omission). Needs the built
// packages (`pnpm exec tsc -b`). `BCS_BENCH_BIN` runs another build of the command (e.g. an older commit's).
//
//   node bench/redos-stall-bench.mjs [--runs 3]
//   import { runRedosStallBench } from './bench/redos-stall-bench.mjs'
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServerProcess } from './server-process.mjs';
import { benchApplication, median, NAMESPACE } from './sim-scheduler.mjs';
import { latencyMedians, latencySummary, openLoop } from './stall-bench.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const PREFIX = '/v4/scheduler/mesos';
const APPS = `${PREFIX}/namespaces/${NAMESPACE}/applications`;
/** The attribute the agent settings give every agent, and the pattern the application's LIKE asks of it. */
export const ATTRIBUTE = 'label';
export const EVIL_VALUE = `${'a'.repeat(27)}!`;
export const PATTERN = '(a+)+$';

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** The default InnerIP of simulated agent `index` (as @bcs/mesos-sim's `defaultInnerIp`). */
function innerIp(index) {
  const block = Math.floor(index / 254);
  return `127.${(block >> 8) & 0xff}.${block & 0xff}.${(index % 254) + 1}`;
}

/** The 1-instance application `redos` whose LIKE constraint no agent satisfies (the pattern never matches). */
function redosApplication() {
  const app = benchApplication({ instances: 1 });
  app.metadata.name = 'redos';
  app.constraint = {
    IntersectionItem: [
      { unionData: [{ name: ATTRIBUTE, operate: 'LIKE', type: 3, text: { value: PATTERN } }] },
    ],
  };
  return app;
}

/**
 * One run on a fresh data dir and server with `agents` simulated agents: creates application `other`
 * (1 instance), gives every agent the attribute through `POST /agentsettings`, then measures GETs of `other`
 * for `windowMs` at `rate` per second. With `redos`, the `redos` application is POSTed when the window opens;
 * at the end its taskgroup must still be Pending, its message naming the LIKE constraint (so every pass in
 * the window did match the pattern against the attribute).
 */
export async function redosStallRun({ agents, rate, windowMs, redos }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-redos-'));
  const server = await startServerProcess({
    dataDir,
    clusterId: CLUSTER_ID,
    args: ['--sim-agents', String(agents)],
  });
  try {
    const other = benchApplication({ instances: 1 });
    other.metadata.name = 'other';
    await call(`${server.url}${APPS}`, { method: 'POST', body: JSON.stringify(other) });
    const settings = Array.from({ length: agents }, (_, i) => ({
      innerIP: innerIp(i),
      disabled: false,
      strings: { [ATTRIBUTE]: { value: EVIL_VALUE } },
    }));
    await call(`${server.url}${PREFIX}/agentsettings`, { method: 'POST', body: JSON.stringify(settings) });
    // Warm the GET path up before measuring.
    await openLoop(`${server.url}${APPS}/other`, { rate, windowMs: 500 });
    const loop = openLoop(`${server.url}${APPS}/other`, { rate, windowMs });
    let postMs;
    if (redos) {
      const started = performance.now();
      await call(`${server.url}${APPS}`, { method: 'POST', body: JSON.stringify(redosApplication()) });
      postMs = performance.now() - started;
    }
    const latencies = (await loop).sort((a, b) => a - b);
    const load = loadavg()[0];
    let pending;
    if (redos) {
      const taskGroups = await call(`${server.url}${APPS}/redos/taskgroups`);
      pending =
        taskGroups.length === 1 &&
        taskGroups[0].Status === 'Pending' &&
        /LIKE/.test(String(taskGroups[0].Message ?? ''));
    }
    return {
      load,
      ...latencySummary(latencies),
      over100: latencies.filter((ms) => ms > 100).length,
      postMs,
      pending,
    };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * `runs` runs without the `redos` application and `runs` with it, alternating, each on a fresh server;
 * medians per statistic, the worst max and the sum of GETs over 100 ms over the runs.
 */
export async function runRedosStallBench({
  runs = 3,
  agents = 10,
  rate = 50,
  windowMs = 10_000,
  log = () => {},
} = {}) {
  const samples = { idle: [], redos: [] };
  for (let run = 0; run < runs; run++) {
    for (const redos of run % 2 === 0 ? [false, true] : [true, false]) {
      const sample = await redosStallRun({ agents, rate, windowMs, redos });
      log(`redos-stall ${redos ? 'redos' : 'idle'} run ${run + 1}: ${JSON.stringify(sample)}`);
      samples[redos ? 'redos' : 'idle'].push(sample);
    }
  }
  const rows = Object.entries(samples).map(([kind, list]) => {
    const med = (key) => median(list.map((s) => s[key]));
    return {
      redos: kind === 'redos',
      ...latencyMedians(list),
      over100: list.reduce((n, s) => n + s.over100, 0),
      allGets: list.reduce((n, s) => n + s.gets, 0),
      postMs: kind === 'redos' ? med('postMs') : undefined,
      pendingRuns: kind === 'redos' ? list.filter((s) => s.pending).length : undefined,
    };
  });
  return { runs, agents, rate, windowMs, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, agents: { type: 'string' } } });
  const result = await runRedosStallBench({
    runs: Number(values.runs ?? 3),
    agents: Number(values.agents ?? 10),
    log: (l) => console.error(l),
  });
  console.table(result.rows);
}
