// The scheduler over the wire: `bcs-mesos-sim` (the built command, real clock, LevelDB state) in one process,
// and in another a bench child that embeds core, its store on LevelDB and the Mesos HTTP driver
// (`@bcs/mesos-http`) pointed at it, as `bcs-scheduler --mesos-master` does, minus the HTTP API (so the
// engine's commits can be timed exactly, as the in-process `placements` benchmark times them). Imports the
// BUILT packages (run `pnpm exec tsc -b` first).
//
//   node bench/wire-bench.mjs placements [--runs 3]   placements per second over the wire
//   node bench/wire-bench.mjs recovery [--runs 3]     leader switch → re-subscribed and every task reconciled
//   node bench/wire-bench.mjs memory [--runs 1]       the scheduler process's RSS holding 100 000 taskgroups
//   import { runWirePlacementBench, runWireRecoveryBench, runWireMemoryBench } from './bench/wire-bench.mjs'
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApplicationService, registerCore, SchedulerEngine, silentLogger, systemClock } from '@bcs/core';
import { MesosHttpDriver } from '@bcs/mesos-http';
import { PLACEMENT_CONFIGS } from './scheduler-bench.mjs';
import {
  benchApplication,
  countStatuses,
  median,
  NAMESPACE,
  openLevelStore,
  rootContainer,
  trackStatuses,
} from './sim-scheduler.mjs';

/** The built simulator command; `BCS_BENCH_SIM_BIN` names another build (an A/B against an older commit). */
export const SIM_BIN =
  process.env.BCS_BENCH_SIM_BIN ??
  fileURLToPath(new URL('../packages/server/dist/bin/bcs-mesos-sim.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** A run that has not reached its goal after this much wall time failed. */
const MAX_RUN_MS = 300_000;
const TICKS_PER_SECOND = 100; // _SC_CLK_TCK on Linux
/** `BCS_BENCH_CPU_PROF_DIR`: the simulator and every child write a V8 CPU profile there (bench/cpu-profile.mjs). */
const PROFILE_ARGS = process.env.BCS_BENCH_CPU_PROF_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BCS_BENCH_CPU_PROF_DIR}`]
  : [];

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** VmHWM and VmRSS of a process (bytes), from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { hwm: kib('VmHWM'), rss: kib('VmRSS') };
}

/**
 * Starts `bcs-mesos-sim --agents N --port 0` on a temp data dir; resolves once every master printed
 * `listening on`, to `{ urls, pid, stop }` (`stop` sends SIGTERM, waits, deletes the data dir).
 */
export async function startSim({ agents, masters = 1 }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bcs-bench-wire-sim-'));
  const child = spawn(
    process.execPath,
    [
      ...PROFILE_ARGS,
      SIM_BIN,
      '--agents',
      String(agents),
      '--port',
      '0',
      '--masters',
      String(masters),
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = [...out.matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1]);
      if (found.length === masters) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`bcs-mesos-sim exited ${code}`)));
  });
  return {
    urls,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        await new Promise((done) => {
          child.once('exit', done);
          child.kill('SIGTERM');
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs this file as a child (`child <mode>`) with `options` as flags; resolves to its last stdout JSON line. */
function runChild(mode, options, nodeArgs = [], onSpawn = () => {}) {
  return new Promise((resolve, reject) => {
    const args = [...PROFILE_ARGS, ...nodeArgs, SELF, 'child', mode];
    for (const [key, value] of Object.entries(options)) args.push(`--${key}`, String(value));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    onSpawn(child);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)))
        : reject(new Error(`wire-bench child ${mode} exited ${code}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------------------
// The child: core + store-level + MesosHttpDriver against the simulator's URLs.

/**
 * Opens the scheduler on a fresh LevelDB store with a MesosHttpDriver on `masters`, all on the real clock,
 * and waits until the driver is subscribed and the engine idle. `tap(event)` sees every event before the
 * engine does. Engine settings as in the in-process benchmark (tick 1 s, cluster name 10001).
 */
async function openWireScheduler({ masters, tap = () => {}, callConnections = 1 }) {
  const level = await openLevelStore('bcs-bench-wire-');
  const driver = new MesosHttpDriver({ masters, clock: systemClock, logger: silentLogger, callConnections });
  const subscribe = driver.subscribe.bind(driver);
  driver.subscribe = (framework, listener) =>
    subscribe(framework, (event) => {
      tap(event);
      listener(event);
    });
  const container = registerCore(rootContainer.createChildContainer(), {
    store: level.store,
    clock: systemClock,
    driver,
    engine: { clusterName: '10001', tickMs: 1000, hostname: 'wire-bench' },
    limits: { maxInstances: 1_000_000 },
  });
  const engine = container.resolve(SchedulerEngine);
  await engine.start();
  await waitFor(() => driver.status().state === 'subscribed', 30_000, 'subscribed');
  await engine.idle();
  return {
    driver,
    engine,
    apps: container.resolve(ApplicationService),
    async dispose() {
      await engine.dispose();
      await container.dispose();
      await driver.dispose();
      await level.cleanup();
    },
  };
}

async function waitFor(predicate, timeoutMs, what, pollMs = 2) {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * One placement run over the wire, measured as `placementRun` of scheduler-bench.mjs measures in process:
 * wall ms from just before `ApplicationService.create` to the engine commit where no taskgroup is Pending,
 * and to the one where all are Running. Also the CPU seconds this process and the simulator used meanwhile.
 */
async function placementChild({ masters, simPid, instances, unique, callConnections }) {
  const sim = await openWireScheduler({ masters, callConnections });
  try {
    // Let the first offers come and the engine SUPPRESS (nothing pending), as before any create.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sim.engine.idle();
    let placedAt;
    let runningAt;
    let started;
    const sumOf = (counts) => [...counts.values()].reduce((a, b) => a + b, 0);
    trackStatuses(sim.engine, (counts) => {
      if (started === undefined) return;
      const placed = instances - (counts.get('Pending') ?? 0);
      if (placedAt === undefined && sumOf(counts) === instances && placed === instances)
        placedAt = performance.now();
      if (runningAt === undefined && counts.get('Running') === instances) runningAt = performance.now();
    });
    const cpu0 = process.cpuUsage();
    const simCpu0 = cpuSeconds(simPid);
    started = performance.now();
    await sim.apps.create(NAMESPACE, benchApplication({ instances, unique }));
    await waitFor(
      () => runningAt !== undefined,
      MAX_RUN_MS,
      `all Running (${JSON.stringify(countStatuses(sim.engine))})`,
    );
    const cpu = process.cpuUsage(cpu0);
    return {
      placedMs: placedAt - started,
      runningMs: runningAt - started,
      schedulerCpuS: (cpu.user + cpu.system) / 1e6,
      simCpuS: cpuSeconds(simPid) - simCpu0,
    };
  } finally {
    await sim.dispose();
  }
}

/**
 * Brings `instances` taskgroups to Running (one task each), then `switches` times: POST /admin/faults
 * switchLeader (with `recoveringMs` alternating between the simulator's default 1 000 and 0), and times
 * from just before that POST to the SUBSCRIBED of the new stream, and to the moment every task has had an
 * UPDATE after that SUBSCRIBED (spec/mesos-v1.md §8), then to the engine's own reconciliation being over
 * (it takes a task out of its pending set on the retry after the answer). Checks that every taskgroup is
 * still Running afterwards.
 */
async function recoveryChild({ masters, simPid, instances, switches }) {
  let afterSubscribe;
  let subscribedAt;
  let lastAnswerAt;
  const tap = (event) => {
    if (afterSubscribe === undefined) return;
    if (event.type === 'SUBSCRIBED') {
      subscribedAt = performance.now();
      afterSubscribe.clear();
    } else if (event.type === 'UPDATE' && subscribedAt !== undefined) {
      afterSubscribe.add(event.update.status.task_id.value);
      if (afterSubscribe.size === instances) lastAnswerAt ??= performance.now();
    }
  };
  const sim = await openWireScheduler({ masters, tap });
  try {
    const started = performance.now();
    await sim.apps.create(NAMESPACE, benchApplication({ instances }));
    await waitFor(() => countStatuses(sim.engine).running === instances, MAX_RUN_MS, 'all Running');
    const startMs = performance.now() - started;
    const samples = [];
    for (let i = 0; i < switches; i++) {
      // Let the acknowledgements and the engine settle, so the switch measures recovery alone.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await sim.engine.idle();
      const recoveringMs = i % 2 === 0 ? 1000 : 0;
      afterSubscribe = new Set();
      subscribedAt = undefined;
      lastAnswerAt = undefined;
      const cpu0 = process.cpuUsage();
      const simCpu0 = cpuSeconds(simPid);
      const t0 = performance.now();
      const res = await fetch(`${masters[0]}/admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'switchLeader', recoveringMs }),
      });
      if (!res.ok) throw new Error(`switchLeader: ${res.status} ${await res.text()}`);
      await waitFor(
        () => lastAnswerAt !== undefined,
        MAX_RUN_MS,
        `every task answered (${afterSubscribe.size})`,
      );
      // The engine's reconciliation object (private to TypeScript, reachable here) ends on the retry round.
      await waitFor(() => sim.engine.reconciliation === undefined, MAX_RUN_MS, 'engine reconciliation over');
      const engineDoneAt = performance.now();
      await sim.engine.idle();
      const cpu = process.cpuUsage(cpu0);
      const counts = countStatuses(sim.engine);
      samples.push({
        recoveringMs,
        subscribedMs: subscribedAt - t0,
        reconciledMs: lastAnswerAt - t0,
        engineDoneMs: engineDoneAt - t0,
        running: counts.running,
        total: counts.total,
        master: sim.driver.status().master,
        schedulerCpuS: (cpu.user + cpu.system) / 1e6,
        simCpuS: cpuSeconds(simPid) - simCpu0,
      });
    }
    return { startMs, samples };
  } finally {
    await sim.dispose();
  }
}

/** The memory configurations of scheduler-bench.mjs' `memory` section, minus the simulator (in its process). */
async function memoryChild({ masters, instances }) {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  const timer = setInterval(sample, 10);
  const sim = await openWireScheduler({ masters });
  // All Running is seen from the commits (O(records changed) each), not by scanning the 100,000 taskgroups
  // every few ms: that poll alone took 40% of this process's CPU (profile of a 30,000-instance run).
  let running = 0;
  const counts = trackStatuses(sim.engine, (now) => {
    running = now.get('Running') ?? 0;
  });
  const commit = sim.engine.commit.bind(sim.engine);
  sim.engine.commit = async (changes) => {
    sample();
    await commit(changes);
    sample();
  };
  const started = performance.now();
  // Progress on stderr every 30 s: a run that does not converge shows why (CPU, RSS, statuses, stream size).
  const progress = setInterval(() => {
    const cpu = process.cpuUsage();
    const line = {
      s: Math.round((performance.now() - started) / 1000),
      ...Object.fromEntries(counts),
      cpuS: Math.round((cpu.user + cpu.system) / 1e6),
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      events: sim.driver.eventsReceived,
      callsInFlight: sim.driver.callsInFlight,
    };
    process.stderr.write(`wire-memory child ${JSON.stringify(line)}\n`);
  }, 30_000);
  await sim.apps.create(NAMESPACE, benchApplication({ instances }));
  await waitFor(() => running === instances, MAX_RUN_MS * 5, 'all Running', 50);
  clearInterval(progress);
  const runningMs = performance.now() - started;
  // Let the acknowledgements drain, then hold.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await sim.engine.idle();
  clearInterval(timer);
  globalThis.gc?.();
  const settled = process.memoryUsage();
  const hwm = memoryOf(process.pid).hwm;
  const cpu = process.cpuUsage();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ ...peak, hwm, settledRss: settled.rss, settledHeapUsed: settled.heapUsed, runningMs, cpuS })}\n`,
  );
  await sim.dispose();
}

// ---------------------------------------------------------------------------------------------------------
// The parent: one simulator process and one scheduler child per run.

/** The `placements` configurations (1,000 and 10,000 agents, UNIQUE(InnerIP) and none). */
export const WIRE_PLACEMENT_CONFIGS = PLACEMENT_CONFIGS;

/**
 * `runs` runs per configuration, each on a fresh simulator and scheduler child, with the driver's default
 * `callConnections` (1: calls in order). For the configurations `abConnections` names (by agents and
 * instances), each run also runs with `callConnections` = `abConnections.connections` on a fresh pair,
 * alternating which goes first: a second row per such configuration.
 */
export async function runWirePlacementBench({
  runs = 3,
  configs = WIRE_PLACEMENT_CONFIGS,
  abConnections = { agents: 1_000, instances: 10_000, connections: 4 },
  log = () => {},
} = {}) {
  const rows = [];
  for (const config of configs) {
    const ab =
      abConnections !== undefined &&
      abConnections.agents === config.agents &&
      abConnections.instances === config.instances;
    const variants = ab ? [1, abConnections.connections] : [1];
    const samples = new Map(variants.map((c) => [c, []]));
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? variants : [...variants].reverse();
      for (const callConnections of order) {
        const sim = await startSim({ agents: config.agents });
        try {
          const sample = await runChild('placements', {
            masters: sim.urls.join(','),
            'sim-pid': sim.pid,
            instances: config.instances,
            unique: config.unique,
            'call-connections': callConnections,
          });
          log(
            `wire-placements ${JSON.stringify({ ...config, callConnections })} run ${run + 1}: ${JSON.stringify(sample)}`,
          );
          samples.get(callConnections).push(sample);
        } finally {
          await sim.stop();
        }
      }
    }
    for (const callConnections of variants) {
      const of = samples.get(callConnections);
      const perSec = of.map((s) => config.instances / (s.placedMs / 1000));
      rows.push({
        ...config,
        callConnections,
        runs,
        placedMs: median(of.map((s) => s.placedMs)),
        placementsPerSec: median(perSec),
        minPerSec: Math.min(...perSec),
        maxPerSec: Math.max(...perSec),
        runningMs: median(of.map((s) => s.runningMs)),
        schedulerCpuS: median(of.map((s) => s.schedulerCpuS)),
        simCpuS: median(of.map((s) => s.simCpuS)),
      });
    }
  }
  return rows;
}

/** `runs` runs of `switches` leader switches each, on 3 masters; one sample per switch. */
export async function runWireRecoveryBench({
  runs = 3,
  agents = 1_000,
  instances = 10_000,
  switches = 2,
  log = () => {},
} = {}) {
  const samples = [];
  const startMs = [];
  for (let run = 0; run < runs; run++) {
    const sim = await startSim({ agents, masters: 3 });
    try {
      const result = await runChild('recovery', {
        masters: sim.urls.join(','),
        'sim-pid': sim.pid,
        instances,
        switches,
      });
      log(`wire-recovery run ${run + 1}: ${JSON.stringify(result)}`);
      startMs.push(result.startMs);
      samples.push(...result.samples);
    } finally {
      await sim.stop();
    }
  }
  const rows = [1000, 0].map((recoveringMs) => {
    const of = samples.filter((s) => s.recoveringMs === recoveringMs);
    const pick = (key) => median(of.map((s) => s[key]));
    return {
      recoveringMs,
      switches: of.length,
      subscribedMs: pick('subscribedMs'),
      reconciledMs: pick('reconciledMs'),
      maxReconciledMs: Math.max(...of.map((s) => s.reconciledMs)),
      engineDoneMs: pick('engineDoneMs'),
      schedulerCpuS: pick('schedulerCpuS'),
      simCpuS: pick('simCpuS'),
      allRunning: of.every((s) => s.running === instances && s.total === instances),
    };
  });
  return { agents, instances, runs, switches, startMs: median(startMs), rows, samples };
}

/**
 * Taskgroups of the memory rows: `BCS_BENCH_WIRE_MEMORY_INSTANCES` (default 100 000), agents a tenth of it (at
 * least 1,000), so a smaller run (20 000–30 000, a few minutes) keeps the shape of the full one.
 */
export const WIRE_MEMORY_INSTANCES = Number(process.env.BCS_BENCH_WIRE_MEMORY_INSTANCES ?? 100_000);
const WIRE_MEMORY_AGENTS = Math.max(1_000, Math.round(WIRE_MEMORY_INSTANCES / 10));

/** The memory configurations: 100 000 taskgroups on 10 000 agents, default heap and 1 GiB old space. */
export const WIRE_MEMORY_CONFIGS = [
  { agents: WIRE_MEMORY_AGENTS, instances: WIRE_MEMORY_INSTANCES, maxOldSpaceMb: undefined },
  { agents: WIRE_MEMORY_AGENTS, instances: WIRE_MEMORY_INSTANCES, maxOldSpaceMb: 1024 },
];

/** `runs` runs per configuration, each a fresh simulator and scheduler child (`--expose-gc`). */
export async function runWireMemoryBench({ runs = 1, configs = WIRE_MEMORY_CONFIGS, log = () => {} } = {}) {
  const rows = [];
  for (const config of configs) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const sim = await startSim({ agents: config.agents });
      try {
        const nodeArgs = ['--expose-gc'];
        if (config.maxOldSpaceMb !== undefined) nodeArgs.push(`--max-old-space-size=${config.maxOldSpaceMb}`);
        const sample = await runChild(
          'memory',
          { masters: sim.urls.join(','), instances: config.instances },
          nodeArgs,
        );
        sample.simHwm = memoryOf(sim.pid).hwm;
        sample.simCpuS = cpuSeconds(sim.pid);
        log(`wire-memory ${JSON.stringify(config)} run ${run + 1}: ${JSON.stringify(sample)}`);
        samples.push(sample);
      } finally {
        await sim.stop();
      }
    }
    const of = (key) => median(samples.map((s) => s[key]));
    rows.push({
      ...config,
      runs,
      rss: of('rss'),
      hwm: of('hwm'),
      heapUsed: of('heapUsed'),
      settledRss: of('settledRss'),
      settledHeapUsed: of('settledHeapUsed'),
      runningMs: of('runningMs'),
      cpuS: of('cpuS'),
      simCpuS: of('simCpuS'),
      simHwm: of('simHwm'),
    });
  }
  return rows;
}

if (process.argv[1] === SELF) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      masters: { type: 'string' },
      'sim-pid': { type: 'string' },
      'call-connections': { type: 'string' },
      instances: { type: 'string' },
      unique: { type: 'string' },
      switches: { type: 'string' },
      agents: { type: 'string' },
    },
  });
  const log = (line) => console.error(line);
  const [first, mode] = positionals;
  if (first === 'child') {
    const masters = values.masters.split(',');
    const instances = Number(values.instances);
    const simPid = Number(values['sim-pid']);
    let result;
    if (mode === 'placements')
      result = await placementChild({
        masters,
        simPid,
        instances,
        unique: values.unique === 'true',
        callConnections: Number(values['call-connections'] ?? 1),
      });
    else if (mode === 'recovery')
      result = await recoveryChild({ masters, simPid, instances, switches: Number(values.switches) });
    else if (mode === 'memory') await memoryChild({ masters, instances });
    if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } else if (first === 'recovery') {
    console.log(JSON.stringify(await runWireRecoveryBench({ runs: Number(values.runs ?? 3), log }), null, 2));
  } else if (first === 'memory') {
    const configs =
      process.env.BCS_BENCH_WIRE_MEMORY === 'capped'
        ? WIRE_MEMORY_CONFIGS.filter((c) => c.maxOldSpaceMb !== undefined)
        : WIRE_MEMORY_CONFIGS;
    console.table(await runWireMemoryBench({ runs: Number(values.runs ?? 1), configs, log }));
  } else {
    // `--agents N` and `--instances M` select rows (e.g. the 10,000-agent, 10,000-instance row alone).
    const configs = WIRE_PLACEMENT_CONFIGS.filter(
      (c) =>
        (values.agents === undefined || c.agents === Number(values.agents)) &&
        (values.instances === undefined || c.instances === Number(values.instances)),
    );
    console.table(await runWirePlacementBench({ runs: Number(values.runs ?? 3), configs, log }));
  }
}
