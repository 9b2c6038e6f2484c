// The scheduler engine end to end against the simulated cluster, with its Store writes on LevelDB
// (classic-level in a temp dir). Imports the BUILT packages (run `pnpm exec tsc -b` first).
//
//   node bench/scheduler-bench.mjs placements [--runs 5]      placements per second (prints a table)
//   node bench/scheduler-bench.mjs memory [--runs 3]          peak memory holding 100 000 taskgroups
//   import { runPlacementBench, runMemoryBench } from './bench/scheduler-bench.mjs'
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchApplication,
  countStatuses,
  median,
  NAMESPACE,
  openLevelStore,
  openSimScheduler,
  trackStatuses,
} from './sim-scheduler.mjs';

const sumOf = (counts) => [...counts.values()].reduce((a, b) => a + b, 0);

/** The placement configurations: UNIQUE(InnerIP) places one instance per agent, so N = agents there. */
export const PLACEMENT_CONFIGS = [
  { agents: 1_000, instances: 1_000, unique: true },
  { agents: 1_000, instances: 10_000, unique: false },
  { agents: 10_000, instances: 10_000, unique: true },
  { agents: 10_000, instances: 20_000, unique: false },
];

/** Simulated milliseconds per clock step; the cluster offers every 1 000. */
const STEP_MS = 100;
/** A run that has not reached all Running after this much simulated time failed. */
const MAX_SIMULATED_MS = 120_000;

/**
 * One run: a fresh LevelDB store, cluster and engine; creates the application through
 * `ApplicationService.create`, then advances the clock until every instance runs. Times (wall clock, ms
 * from just before the create) when no taskgroup is Pending any more, and when all are Running. Both are
 * checked after every store commit of the engine, so they are exact to one commit.
 */
export async function placementRun({ agents, instances, unique }) {
  const level = await openLevelStore();
  const sim = await openSimScheduler({ agents, store: level.store });
  try {
    let placedAt;
    let runningAt;
    let started;
    trackStatuses(sim.engine, (counts) => {
      if (started === undefined) return;
      const placed = instances - (counts.get('Pending') ?? 0);
      const created = sumOf(counts) === instances;
      if (placedAt === undefined && created && placed === instances) placedAt = performance.now();
      if (runningAt === undefined && counts.get('Running') === instances) runningAt = performance.now();
    });
    started = performance.now();
    await sim.apps.create(NAMESPACE, benchApplication({ instances, unique }));
    for (let t = 0; runningAt === undefined; t += STEP_MS) {
      if (t > MAX_SIMULATED_MS)
        throw new Error(`not all Running: ${JSON.stringify(countStatuses(sim.engine))}`);
      await sim.step(STEP_MS);
    }
    return { placedMs: placedAt - started, runningMs: runningAt - started };
  } finally {
    await sim.dispose();
    await level.cleanup();
  }
}

/** Runs every configuration `runs` times (one after the other, in this process); one row per configuration. */
export async function runPlacementBench({ runs = 5, configs = PLACEMENT_CONFIGS, log = () => {} } = {}) {
  const rows = [];
  for (const config of configs) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const sample = await placementRun(config);
      log(`placements ${JSON.stringify(config)} run ${run + 1}: ${JSON.stringify(sample)}`);
      samples.push(sample);
    }
    const placedMs = median(samples.map((s) => s.placedMs));
    rows.push({
      ...config,
      runs,
      placedMs,
      placementsPerSec: median(samples.map((s) => config.instances / (s.placedMs / 1000))),
      runningMs: median(samples.map((s) => s.runningMs)),
      minPerSec: Math.min(...samples.map((s) => config.instances / (s.placedMs / 1000))),
      maxPerSec: Math.max(...samples.map((s) => config.instances / (s.placedMs / 1000))),
    });
  }
  return rows;
}

/**
 * The memory configurations: 100 000 taskgroups of 0.1 cpu and 32 MB, ten per agent; once with V8's default
 * heap limit (V8 then lets garbage pile up, so peaks say more about its heuristics than about what is live),
 * once with the old space capped at 1 GiB (`--max-old-space-size=1024`).
 */
export const MEMORY_CONFIGS = [
  { agents: 10_000, instances: 100_000, maxOldSpaceMb: undefined },
  { agents: 10_000, instances: 100_000, maxOldSpaceMb: 1024 },
];

/**
 * The child side of the memory benchmark: brings MEMORY_CONFIG to all Running and prints one JSON line with
 * the peak RSS and heapUsed seen (sampled every 10 ms and after every engine commit) and the heap still used
 * once everything runs and a full GC ran (what holding the taskgroups costs). Run with `--expose-gc`.
 */
async function memoryChild({ agents, instances }) {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  const timer = setInterval(sample, 10);
  const level = await openLevelStore('bcs-bench-memory-');
  const sim = await openSimScheduler({ agents, store: level.store });
  const commit = sim.engine.commit.bind(sim.engine);
  sim.engine.commit = async (changes) => {
    sample();
    await commit(changes);
    sample();
  };
  const started = performance.now();
  await sim.apps.create(NAMESPACE, benchApplication({ instances }));
  for (let t = 0; countStatuses(sim.engine).running < instances; t += STEP_MS) {
    if (t > MAX_SIMULATED_MS)
      throw new Error(`not all Running: ${JSON.stringify(countStatuses(sim.engine))}`);
    await sim.step(STEP_MS);
    sample();
  }
  const runningMs = performance.now() - started;
  clearInterval(timer);
  globalThis.gc?.();
  const settled = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ ...peak, settledRss: settled.rss, settledHeapUsed: settled.heapUsed, runningMs })}\n`,
  );
  await sim.dispose();
  await level.cleanup();
}

function spawnMemoryChild(config) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc'];
    if (config.maxOldSpaceMb !== undefined) args.push(`--max-old-space-size=${config.maxOldSpaceMb}`);
    args.push(fileURLToPath(import.meta.url), 'memory-child');
    args.push('--agents', String(config.agents), '--instances', String(config.instances));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`exit ${code}`)),
    );
  });
}

/** Runs the memory child `runs` times per configuration, each in a fresh process; medians in bytes and ms. */
export async function runMemoryBench({ runs = 3, configs = MEMORY_CONFIGS, log = () => {} } = {}) {
  const rows = [];
  for (const config of configs) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const sample = await spawnMemoryChild(config);
      log(`memory ${JSON.stringify(config)} run ${run + 1}: ${JSON.stringify(sample)}`);
      samples.push(sample);
    }
    const of = (key) => median(samples.map((s) => s[key]));
    rows.push({
      ...config,
      runs,
      rss: of('rss'),
      heapUsed: of('heapUsed'),
      settledRss: of('settledRss'),
      settledHeapUsed: of('settledHeapUsed'),
      runningMs: of('runningMs'),
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      agents: { type: 'string' },
      instances: { type: 'string' },
    },
  });
  const log = (line) => console.error(line);
  const mode = positionals[0] ?? 'placements';
  if (mode === 'memory-child') {
    await memoryChild({ agents: Number(values.agents), instances: Number(values.instances) });
  } else if (mode === 'memory') {
    console.table(await runMemoryBench({ runs: Number(values.runs ?? 3), log }));
  } else {
    console.table(await runPlacementBench({ runs: Number(values.runs ?? 5), log }));
  }
}
