// Churn soak: `clients` clients create, scale and delete applications and configmaps against the built
// `bcs-scheduler` command (its own process, LevelDB on disk, simulated cluster, real clock, loopback HTTP), and
// the heap of the server after a full GC is read every 12,500 events (about 400 cycles; see `trimTarget`). A
// server that keeps nothing for deleted objects holds a flat heap once its bounded buffers (the 50,000-event
// memory tail of the event log) are full.
// Needs the built packages (`pnpm exec tsc -b`).
//
// The heap is read through bench/soak-probe.mjs, preloaded into the server (`node --expose-gc --import`) and
// asked over an IPC channel; the command itself has no such hook.
//
//   node bench/soak-bench.mjs          (settings from the environment, see SOAK_SETTINGS)
//   import { runSoakBench } from './bench/soak-bench.mjs'
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { aConfigMap } from '@bcs/testing/builders';
import { newestSeq } from './events-bench.mjs';
import { startServerProcess } from './server-process.mjs';
import { benchApplication, median, NAMESPACE } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const BASE = `/v4/scheduler/mesos/namespaces/${NAMESPACE}`;
const PROBE = fileURLToPath(new URL('./soak-probe.mjs', import.meta.url));
/** How often a client polls its application while it waits. */
const POLL_MS = 25;
/** A phase of a cycle not done by then fails the run. */
const PHASE_TIMEOUT_MS = 60_000;
/** Seconds between SIGTERM and SIGKILL for the churned applications (0 would be the cluster's default, 3 s). */
const KILL_GRACE_SECONDS = 1;
/** How often the event log's newest sequence number is read while clients churn. */
const SEQ_POLL_MS = 200;

/** Each setting, its environment variable and default. */
export const SOAK_SETTINGS = {
  clients: { env: 'BCS_SOAK_CLIENTS', fallback: 48, help: 'concurrent clients' },
  seconds: {
    env: 'BCS_SOAK_SECONDS',
    fallback: 180,
    help: 'no reading is started after this long in the measured phase (s)',
  },
  maxCycles: { env: 'BCS_SOAK_MAX_CYCLES', fallback: 20_000, help: 'measured cycles at most' },
  readings: { env: 'BCS_SOAK_READINGS', fallback: 4, help: 'heap readings of the measured phase at most' },
  tailEvents: {
    env: 'BCS_SOAK_TAIL_EVENTS',
    fallback: 50_000,
    help: "the server's in-memory event tail (core's `memoryEvents`): readings follow its trims",
  },
  warmupSeconds: {
    env: 'BCS_SOAK_WARMUP_SECONDS',
    fallback: 300,
    help: 'warm-up at most (s); a warm-up that ends before the tail is full leaves the run unjudged',
  },
  agents: { env: 'BCS_SOAK_AGENTS', fallback: 20, help: 'simulated agents' },
  instances: { env: 'BCS_SOAK_INSTANCES', fallback: 2, help: 'instances created, then scaled to one more' },
  settleSeconds: {
    env: 'BCS_SOAK_SETTLE_SECONDS',
    fallback: 11,
    help: "idle time before each reading, past the simulated cluster's 10 s resend timers",
  },
  flatBytes: { env: 'BCS_SOAK_FLAT_BYTES', fallback: 1024, help: 'largest slope (bytes/cycle) judged flat' },
};

/** The settings from `env` over the defaults; every value a whole number. */
export function soakSettings(env = process.env) {
  const settings = {};
  for (const [key, { env: name, fallback }] of Object.entries(SOAK_SETTINGS)) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a whole number`);
    settings[key] = value;
  }
  settings.snapshotDir = env.BCS_SOAK_SNAPSHOTS || undefined;
  return settings;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(url, init = {}) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  return { status: response.status, body };
}

async function mustCall(url, init) {
  const { status, body } = await call(url, init);
  if (status !== 200) throw new Error(`${init?.method ?? 'GET'} ${url}: ${status} ${JSON.stringify(body)}`);
  return body.data;
}

async function waitApp(url, done, what) {
  const started = performance.now();
  for (;;) {
    const { status, body } = await call(url);
    const app = status === 404 ? undefined : body.data;
    if (done(app)) return;
    if (performance.now() - started > PHASE_TIMEOUT_MS) {
      throw new Error(
        `${what}: not done after ${PHASE_TIMEOUT_MS} ms: ${JSON.stringify(app)?.slice(0, 300)}`,
      );
    }
    await sleep(POLL_MS);
  }
}

const allRunning = (n) => (app) => app?.RunningInstances === n && app?.Instances === n;

/**
 * One cycle of one client, with names of its own: create a configmap and an application of `instances`,
 * wait until all run, scale to one more and wait, delete the application and wait for the 404, delete the
 * configmap.
 */
async function cycle(server, name, instances) {
  const apps = `${server}${BASE}/applications`;
  const configmaps = `${server}${BASE}/configmaps`;
  await mustCall(configmaps, {
    method: 'POST',
    body: JSON.stringify(aConfigMap({ metadata: { name, namespace: NAMESPACE } })),
  });
  const app = benchApplication({ instances });
  app.metadata.name = name;
  app.killPolicy = { gracePeriod: KILL_GRACE_SECONDS };
  await mustCall(apps, { method: 'POST', body: JSON.stringify(app) });
  await waitApp(`${apps}/${name}`, allRunning(instances), `${name} create`);
  await mustCall(`${apps}/${name}/scale/${instances + 1}`, { method: 'PUT' });
  await waitApp(`${apps}/${name}`, allRunning(instances + 1), `${name} scale`);
  await mustCall(`${apps}/${name}`, { method: 'DELETE' });
  await waitApp(`${apps}/${name}`, (a) => a === undefined, `${name} delete`);
  await mustCall(`${configmaps}/${name}`, { method: 'DELETE' });
}

/** A request over the probe's IPC channel, answered by the message of the same id. */
function probe(child, message) {
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (reply?.id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply);
    };
    const onExit = (code) => reject(new Error(`server exited ${code} during the probe`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ ...message, id });
  });
}

/** Theil–Sen: the median of the slopes between every two points, robust to a few outliers. */
export function theilSen(points) {
  const slopes = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j].x - points[i].x;
      if (dx !== 0) slopes.push((points[j].y - points[i].y) / dx);
    }
  }
  return slopes.length === 0 ? Number.NaN : median(slopes);
}

/** Least squares slope. */
export function leastSquares(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/**
 * The sequence number by which the event log's memory tail of `tail` events has been trimmed `k + 1` times
 * (plus `margin`). The tail grows to `tail · 5/4` events, then is cut back to `tail` (core `EventLog`), so on a
 * fresh server the cuts happen near seq `tail · 5/4 + k · tail / 4`; a reading just after a cut sees a tail
 * of `tail` events plus the few logged since, whatever the phase, and the saw-tooth of the tail (a quarter
 * of it, about 5 MiB at the default) does not show as a slope.
 */
export const trimTarget = (tail, k, margin = 200) =>
  Math.ceil((tail * 5) / 4) + k * Math.ceil(tail / 4) + margin;

/**
 * One soak on a fresh data dir and server. `clients` clients churn (each cycle on new names) until the event
 * log's memory tail has been trimmed once (warm-up), then for `seconds` at most, `maxCycles` at most; the
 * churn pauses after every trim of the tail (every `tailEvents / 4` events), and once every client is idle
 * and no application is left, the heap after a full GC is read. Returns the readings and the slope (bytes
 * per cycle) over the measured ones.
 */
export async function runSoakBench(options = {}, log = () => {}) {
  const s = { ...soakSettings({}), ...options };
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-soak-'));
  const server = await startServerProcess({
    dataDir,
    clusterId: CLUSTER_ID,
    args: ['--sim-agents', String(s.agents)],
    nodeArgs: ['--expose-gc', '--import', PROBE],
    ipc: true,
  });
  const checkpoints = [];
  let cycles = 0;
  let serial = 0;
  let failed;
  /** Churns until the log reaches `target` (or `stop()` says so); every client finishes its cycle. */
  const round = async (target, stop) => {
    let seq = await newestSeq(server.url);
    let done = false;
    const poller = (async () => {
      while (!done) {
        await sleep(SEQ_POLL_MS);
        seq = await newestSeq(server.url);
      }
    })();
    try {
      await Promise.all(
        Array.from({ length: s.clients }, async (_, client) => {
          while (seq < target && !stop() && failed === undefined) {
            try {
              await cycle(server.url, `soak-${client}-${serial++}`, s.instances);
              cycles++;
            } catch (error) {
              failed ??= error;
            }
          }
        }),
      );
    } finally {
      done = true;
      await poller;
    }
    if (failed !== undefined) throw failed;
  };
  const reading = async (phase, seconds) => {
    // Idle first: the simulated cluster schedules a resend 10 s after each update it sends and drops it only
    // when due (lazy deletion), so for 10 s it still holds the tasks of the last cycles.
    await sleep(s.settleSeconds * 1000);
    const heap = await probe(server.child, { type: 'heap' });
    const events = await newestSeq(server.url);
    const point = { phase, cycles, seconds, events, heapUsed: heap.heapUsed, rss: heap.rss };
    log(`soak ${phase} ${JSON.stringify(point)}`);
    checkpoints.push(point);
    return point;
  };
  try {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    await reading('start', 0);
    const firstCut = trimTarget(s.tailEvents, 0);
    await round(firstCut, () => elapsed() > s.warmupSeconds);
    const warm = { cycles, seconds: elapsed(), full: (await newestSeq(server.url)) >= firstCut };
    if (s.snapshotDir) {
      await probe(server.child, { type: 'snapshot', path: join(s.snapshotDir, 'first.heapsnapshot') });
    }
    await reading('measured', elapsed());
    // Rounds end only at a cut (a reading elsewhere would see the saw-tooth), so time and cycles are checked
    // between rounds; `maxCycles` also stops a round, as a bound, and that reading is then left out.
    const tooMany = () => cycles - warm.cycles >= s.maxCycles;
    for (let k = 1; k < s.readings && elapsed() - warm.seconds < s.seconds && !tooMany() && warm.full; k++) {
      await round(trimTarget(s.tailEvents, k), tooMany);
      if (!tooMany()) await reading('measured', elapsed());
    }
    if (s.snapshotDir) {
      await probe(server.child, { type: 'snapshot', path: join(s.snapshotDir, 'last.heapsnapshot') });
    }
    const measured = checkpoints.filter((p) => p.phase === 'measured');
    const points = measured.map((p) => ({ x: p.cycles, y: p.heapUsed }));
    const slope = theilSen(points);
    return {
      settings: s,
      checkpoints,
      warmupCycles: warm.cycles,
      warmupSeconds: warm.seconds,
      measuredCycles: cycles - warm.cycles,
      measuredSeconds: elapsed() - warm.seconds,
      slope,
      leastSquaresSlope: leastSquares(points),
      // Judged only when the tail was full before the first reading and there are three readings at least.
      judged: warm.full && measured.length >= 3,
      flat: warm.full && measured.length >= 3 && Math.abs(slope) <= s.flatBytes,
    };
  } finally {
    server.child.disconnect?.();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runSoakBench(soakSettings(), (line) => console.error(line));
  console.table(result.checkpoints);
  console.log(
    JSON.stringify({
      ...result,
      checkpoints: undefined,
      settings: undefined,
      slope: Math.round(result.slope),
    }),
  );
}
