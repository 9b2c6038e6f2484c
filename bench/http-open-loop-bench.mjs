// Open-loop HTTP latency of the real `bcs-scheduler` command (issue 11 §1): GET and POST of configmaps and
// GET of a 100-instance application's taskgroups at fixed arrival rates (bench/open-loop.mjs), with the
// server's event-loop delay over each window (bench/eld-probe.mjs, preloaded into the server process). The
// server runs in its own process with LevelDB on disk, pre-filled with 10,000 configmaps. Also: a CPU profile of
// the server under open-loop POST load, and an A/B of the same windows against another build of the command
// (`runOpenLoopAB`). Needs the built packages (`pnpm exec tsc -b`).
//
//   node bench/http-open-loop-bench.mjs [--seconds 10] [--rates 200,500,1000,2000]
//   import { runOpenLoopBench, runOpenLoopAB } from './bench/http-open-loop-bench.mjs'
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './cpu-profile.mjs';
import { openLoop } from './open-loop.mjs';
import { BIN, startServerProcess } from './server-process.mjs';
import { APP_ID, benchApplication, NAMESPACE } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const BASE = `/v4/scheduler/mesos/namespaces/${NAMESPACE}`;
const PROBE = fileURLToPath(new URL('./eld-probe.mjs', import.meta.url));
/** Configmaps stored before any window. */
export const PREFILL = 10_000;
/** Instances of the application whose taskgroups are read. */
export const INSTANCES = 100;

function configMap(name) {
  return JSON.stringify({
    apiVersion: 'v4',
    kind: 'configmap',
    metadata: { name, namespace: NAMESPACE, labels: {} },
    datas: { 'item-one': { type: 'file', content: 'Y29uZmlnIGNvbnRleHQ=' } },
  });
}

/** The measured operations: a label and the request of slot `i` (POST names carry `tag`, new each window). */
export const OPERATIONS = {
  'GET configmap': () => (i) => ({ path: `${BASE}/configmaps/cm-${i % PREFILL}`, headers: HEADERS }),
  'POST configmap': (tag) => (i) => ({
    method: 'POST',
    path: `${BASE}/configmaps`,
    headers: HEADERS,
    body: configMap(`new-${tag}-${i}`),
  }),
  [`GET taskgroups (${INSTANCES} instances)`]: () => () => ({
    path: `${BASE}/applications/${APP_ID}/taskgroups`,
    headers: HEADERS,
  }),
};

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/**
 * Starts `bin` with the probe preloaded and an IPC channel; `ask(type, extra)` sends the probe a message and
 * resolves to its answer.
 */
export async function startProbedServer({ bin = BIN, args = [] }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-open-loop-'));
  const server = await startServerProcess({
    dataDir,
    clusterId: CLUSTER_ID,
    args,
    nodeArgs: ['--import', PROBE],
    ipc: true,
    bin,
  });
  let seq = 0;
  const ask = (type, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const onMessage = (message) => {
        if (message?.id !== id) return;
        server.child.off('message', onMessage);
        if (message.error) reject(new Error(`probe ${type}: ${message.error}`));
        else resolve(message);
      };
      server.child.on('message', onMessage);
      server.child.send({ type, id, ...extra });
    });
  return {
    ...server,
    ask,
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates `count` configmaps `cm-0…`, `concurrency` at a time (closed loop; not measured). */
export async function prefill(url, count, concurrency = 32) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await call(`${url}${BASE}/configmaps`, { method: 'POST', body: configMap(`cm-${i}`) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Creates the application and waits until all its instances run. */
async function createApplication(url, instances) {
  await call(`${url}${BASE}/applications`, {
    method: 'POST',
    body: JSON.stringify(benchApplication({ instances })),
  });
  const deadline = performance.now() + 120_000;
  for (;;) {
    const app = await call(`${url}${BASE}/applications/${APP_ID}`);
    if (app.RunningInstances === instances) return;
    if (performance.now() > deadline) throw new Error(`not all Running: ${app.RunningInstances}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One measured window: the open-loop figures plus the server's event-loop delay and CPU over the window. */
async function window(server, { op, rate, seconds, tag, drainMs = 30_000 }) {
  await server.ask('eld-reset');
  const r = await openLoop({
    url: server.url,
    rate,
    durationMs: seconds * 1000,
    drainMs,
    request: OPERATIONS[op](tag),
    onWindowEnd: () => server.ask('eld-read'),
  });
  const { atWindowEnd: eld, ...rest } = r;
  return { op, ...rest, eld, load: loadavg()[0] };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's event-loop delay, CPU and utilisation over `seconds` with no request: its background work. */
export async function idleWindow(server, seconds = 5) {
  await server.ask('eld-reset');
  await pause(seconds * 1000);
  const { type, id, ...eld } = await server.ask('eld-read');
  return { seconds, ...eld };
}

/**
 * The full section: one server (`--sim-agents 10`), pre-filled with {@link PREFILL} configmaps and an
 * {@link INSTANCES}-instance application, then every operation at every rate for `seconds` each (operations
 * in the order of {@link OPERATIONS}, rates ascending; each window's backlog awaited up to `drainMs`), after a
 * 2 s warm-up at 200 req/s per operation. CPU profiles of the server during a further GET and a further POST
 * configmap window at `profileRate` come between the POST and the taskgroups windows.
 * Resolves to `{ rows, profiles, idle, prefillMs, taskgroupsBytes, seconds }` (`profiles` by operation;
 * `taskgroupsBytes`: the size of one taskgroups answer; `idle`: 5 s without
 * requests before the first window, see {@link idleWindow}).
 */
export async function runOpenLoopBench({
  rates = [200, 500, 1_000, 2_000],
  seconds = 10,
  profileRate = 1_000,
  drainMs = 30_000,
  log = () => {},
} = {}) {
  const server = await startProbedServer({ args: ['--sim-agents', '10'] });
  try {
    const started = performance.now();
    await prefill(server.url, PREFILL);
    const prefillMs = performance.now() - started;
    await createApplication(server.url, INSTANCES);
    const taskgroupsBytes = (
      await (
        await fetch(`${server.url}${BASE}/applications/${APP_ID}/taskgroups`, { headers: HEADERS })
      ).arrayBuffer()
    ).byteLength;
    log(`pre-filled ${PREFILL} configmaps in ${(prefillMs / 1000).toFixed(1)} s; application Running`);
    for (const op of Object.keys(OPERATIONS)) {
      await window(server, { op, rate: 200, seconds: 2, tag: 'warm' });
    }
    const idle = await idleWindow(server);
    log(`idle: ${JSON.stringify(idle)}`);
    const rows = [];
    const measure = async (op) => {
      for (const rate of rates) {
        await pause(1_000);
        const row = await window(server, { op, rate, seconds, tag: `r${rate}`, drainMs });
        log(`${op} at ${rate}/s: ${JSON.stringify(row)}`);
        rows.push(row);
      }
    };
    const [getOp, postOp, taskgroupsOp] = Object.keys(OPERATIONS);
    await measure(getOp);
    await measure(postOp);
    // The profiles before the taskgroups windows, whose backlog may outlast the drain.
    const profiles = {};
    for (const op of [getOp, postOp]) {
      await pause(1_000);
      profiles[op] = await profiledWindow(server, { op, rate: profileRate, seconds, tag: 'prof', drainMs });
      log(`profile ${op}: ${JSON.stringify(profiles[op])}`);
    }
    await measure(taskgroupsOp);
    return { rows, profiles, idle, prefillMs, taskgroupsBytes, seconds };
  } finally {
    await server.close();
  }
}

/** A window of `op` with the server's CPU profile over it; resolves to the window and the profile's summary. */
export async function profiledWindow(server, { op, rate, seconds, tag, drainMs }) {
  const path = join(tmpdir(), `bcs-open-loop-${process.pid}-${tag}-${Date.now()}.cpuprofile`);
  await server.ask('profile-start', { intervalUs: 1000 });
  const row = await window(server, { op, rate, seconds, tag, drainMs });
  await server.ask('profile-stop', { path });
  const { readFile } = await import('node:fs/promises');
  const summary = summarizeProfile(JSON.parse(await readFile(path, 'utf8')));
  return { row, summary, path };
}

/**
 * A/B: for each of `rounds` rounds and each build in `bins` ({ label, bin }; the order alternates per round),
 * a fresh server pre-filled with {@link PREFILL} configmaps, then GET and POST configmap at `rate` for
 * `seconds` each; in the first round also a profiled GET and POST window each. Resolves to
 * `{ runs, idles, profiles, rate, seconds, rounds }` (`profiles[label][op]`; `idles`: {@link idleWindow} after
 * each pre-fill).
 */
export async function runOpenLoopAB({ bins, rate = 1_000, seconds = 10, rounds = 2, log = () => {} }) {
  const runs = [];
  const idles = [];
  const profiles = {};
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? bins : [...bins].reverse();
    for (const { label, bin } of order) {
      const server = await startProbedServer({ bin });
      try {
        await prefill(server.url, PREFILL);
        const idle = await idleWindow(server);
        log(`A/B ${label} round ${round + 1} idle: ${JSON.stringify(idle)}`);
        idles.push({ label, round, ...idle });
        await window(server, { op: 'GET configmap', rate: 200, seconds: 2, tag: 'warm' });
        await window(server, { op: 'POST configmap', rate: 200, seconds: 2, tag: 'warm' });
        for (const op of ['GET configmap', 'POST configmap']) {
          await pause(1_000);
          const row = await window(server, { op, rate, seconds, tag: `ab${round}` });
          log(`A/B ${label} round ${round + 1} ${op}: ${JSON.stringify(row)}`);
          runs.push({ label, round, ...row });
        }
        if (round === 0) {
          profiles[label] = {};
          for (const op of ['GET configmap', 'POST configmap']) {
            await pause(1_000);
            profiles[label][op] = await profiledWindow(server, { op, rate, seconds, tag: `ab-${round}` });
            log(`A/B ${label} profile ${op}: ${JSON.stringify(profiles[label][op].summary)}`);
          }
        }
      } finally {
        await server.close();
      }
    }
  }
  return { runs, idles, profiles, rate, seconds, rounds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rates: { type: 'string', default: '200,500,1000,2000' },
    },
  });
  const r = await runOpenLoopBench({
    seconds: Number(values.seconds),
    rates: values.rates.split(',').map(Number),
    log: (line) => console.error(line),
  });
  console.table(r.rows.map(({ statuses, eld, ...row }) => ({ ...row, eldP99: eld.p99, eldMax: eld.max })));
  for (const [op, p] of Object.entries(r.profiles)) console.log(op, JSON.stringify(p.summary, null, 2));
}
