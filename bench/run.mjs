// `pnpm bench`: runs every benchmark and rewrites its section of docs/benchmarks.md, with the command, the
// machine (nproc, memory) and the date. Sections live between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`
// markers, so one benchmark can be rerun alone (`pnpm bench -- store`) without touching the others.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runCommandsBench } from './commands-bench.mjs';
import { deploymentMarkdown, runDeploymentBench } from './deployment-bench.mjs';
import { runEventMemoryBench, runFanoutBench } from './events-bench.mjs';
import { APPS, HIGH, LOW, NAMESPACES, runSustainedBench } from './events-sustained-bench.mjs';
import { runHttpAppBench } from './http-app-bench.mjs';
import { runHttpBench } from './http-bench.mjs';
import { INSTANCES, PREFILL, runOpenLoopAB, runOpenLoopBench } from './http-open-loop-bench.mjs';
import { runRedosStallBench } from './redos-stall-bench.mjs';
import { MEMORY_CONFIGS, runMemoryBench, runPlacementBench } from './scheduler-bench.mjs';
import { runSoakBench, SOAK_SETTINGS, soakSettings } from './soak-bench.mjs';
import { runStallBench } from './stall-bench.mjs';
import { runStoreBench } from './store-bench.mjs';
import { runStoreEtcdBench } from './store-etcd-bench.mjs';
import {
  runWireMemoryBench,
  runWirePlacementBench,
  runWireRecoveryBench,
  WIRE_MEMORY_CONFIGS,
  WIRE_PLACEMENT_CONFIGS,
} from './wire-bench.mjs';

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const only = process.argv.slice(2).filter((a) => a !== '--');

const machine = () =>
  `nproc ${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const today = () => new Date().toISOString().slice(0, 10);
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms) => fmt(ms / 1000, 2);
const mib = (bytes) => fmt(bytes / 2 ** 20);
const log = (line) => console.error(`[bench]   ${line}`);
const gb = (bytes) => fmt(bytes / 2 ** 30, 2);
/** A count of problems, or "none". */
const none = (n) => (n === 0 ? 'none' : fmt(n));
const pct = (share) => `${fmt(share * 100, 1)}%`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** A latency of an open-loop window; "≥" when requests were still unanswered after the drain (a lower bound). */
const atLeast = (w, ms) => `${w.unanswered > 0 ? '≥ ' : ''}${fmt(ms, 1)}`;
/** The open-loop window length and rates: 10 s and 200–2,000 req/s unless `BCS_OPEN_LOOP_SECONDS` / `_RATES` say. */
const openLoopSettings = () => ({
  seconds: Number(process.env.BCS_OPEN_LOOP_SECONDS ?? 10),
  rates: (process.env.BCS_OPEN_LOOP_RATES ?? '200,500,1000,2000').split(',').map(Number),
});
/** Issue 11's goals for the 1,000 req/s windows, each figure judged met or NOT met. */
function openLoopGoals(rows) {
  const judge = (ok) => (ok ? 'met' : '**NOT met**');
  return [
    'Goals at 1,000 req/s (issue 11: p99 < 5 ms, p99.9 < 20 ms, no backlog, event-loop delay p99 < 10 ms):',
    '',
    ...rows.map(
      (w) =>
        `- ${w.op}: p99 ${fmt(w.p99, 1)} ms ${judge(w.p99 < 5)}; p99.9 ${fmt(w.p999, 1)} ms ${judge(w.p999 < 20)}; backlog ${fmt(w.backlog)} ${judge(w.backlog === 0)}; ELD p99 ${fmt(w.eld.p99, 1)} ms ${judge(w.eld.p99 < 10)}.`,
    ),
  ];
}
/** A CPU profile summary (bench/cpu-profile.mjs) as markdown lines. */
function profileLines(p, top = 12) {
  return [
    `${fmt(p.samples)} samples over ${seconds(p.ms)} s: idle **${pct(p.idle)}**, \`writev\` **${pct(p.writev)}**, garbage collector ${pct(p.gc)}, V8 (program) ${pct(p.program)}.`,
    `Inclusive (a sample counts when any frame of its stack is in the area): ${Object.entries(p.inclusive)
      .map(([area, share]) => `${area} ${pct(share)}`)
      .join(', ')}.`,
    '',
    '| function (self time) | where | share of samples |',
    '| --- | --- | ---: |',
    ...p.top
      .slice(0, top)
      .map((t) => `| \`${t.name}\` | ${t.where === '' ? '–' : `\`${t.where}\``} | ${pct(t.share)} |`),
  ];
}
/** The goal of the placement benchmark: placements per second at 10 000 agents, in one process. */
const PLACEMENT_GOAL = 10_000;
/** Issue 10's goals over the wire: placements/s at 10 000 agents, the share of the in-process rate, recovery ms, peak bytes. */

/** The A/B at 30,000 taskgroups (filled in by hand from its runs). */
const WIRE_MEMORY_AB = [
  'A/B at 30,000 taskgroups (3,000 agents, capped row), 2026-12-03 18:51–19:12, alternating: the build of',
  "main's ac1f0d7 and this change's, each run by the same (new) bench/wire-bench.mjs,",
  '`BCS_BENCH_WIRE_MEMORY=capped BCS_BENCH_WIRE_MEMORY_INSTANCES=30000 node bench/wire-bench.mjs memory`. The machine',
  'was shared with other benchmarks (load average 10–18), so the wall times move with it; the CPU columns are',
  'the figures to compare.',
  '',
  '| build | load average, start → end | all Running (s) | peak RSS (MiB) | held RSS (MiB) | scheduler CPU (s) | simulator CPU (s) | simulator VmHWM (MiB) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  '| ac1f0d7, run 1 | 10.8 → 14.0 | 257 | 374 | 288 | 99.2 | 72.9 | 704 |',
  '| ac1f0d7, run 2 | 9.7 → 12.5 | 424 | 406 | 287 | 114.8 | 86.7 | 574 |',
  '| this change | 12.5 → 18.3 | 294 | 289 | 270 | 51.0 | 39.7 | 485 |',
  '',
  'Half the CPU in both processes (scheduler 51 s against 99–115, simulator 40 s against 73–87) and a lower peak',
  '(289 MiB against 374–406). Before the A/B, in the same session: the first profiled run (ac1f0d7 with the old',
  '2 ms poll) took 220 s and 373 MiB peak; with the poll fixed and resends dropped, 114 s and 293 MiB. An',
  'interim version that did not wait for any ACK answers (an unbounded lane: 30,000 ACKs queued) took 122 s with',
  "57 s of scheduler CPU but peaked at 410 MiB; the drain now waits for the previous batch's answers.",
  '',
  "Left as they were in this run: the round's ACCEPTs went one after another (`callConnections` 1, each awaited) in",
  'one queue turn, about 4 minutes for 10,000 offers at 100,000 taskgroups on this machine, while every update',
  "waited; since changed (ACCEPT and DECLINE 8 at a time, outside the engine's queue: see `wire-placements`), not",
  "re-measured here. The simulator keeps every call for `GET /admin/calls` (its own memory, not the scheduler's).",
];
const WIRE_GOALS = { perSec: 5_000, ratio: 0.5, recoveryMs: 5_000, peakBytes: 2 ** 30 };

/** What the `wire-memory` section keeps under its table: the runs before the fixes, and what was fixed. */
const WIRE_MEMORY_HISTORY = [
  'Earlier runs (2026-12-03, before the fixes below): two runs of the capped row never reached all Running. All',
  '100,000 tasks were on the agents after 7.5–9 minutes, but the scheduler child turned CPU-bound and fell behind the',
  "simulator's resends (10 s, doubling): after 16–22 minutes the stream had passed a million records, 167,800 updates",
  "were still unacknowledged, and the child's VmHWM was 1,004–1,011 MiB and rising when they were stopped (load",
  'average 8–10).',
  '',
  'What was fixed (CPU profiles of both processes in a 30,000-taskgroup run, `BCS_BENCH_CPU_PROF_DIR=<dir>`, summed',
  'up by bench/cpu-profile.mjs):',
  '',
  '- **The benchmark itself.** The child waited for all Running by scanning every taskgroup every 2 ms: 42% of its',
  "  CPU at 30,000 taskgroups, more at 100,000. It now counts statuses from the engine's commits.",
  "- **Resends were drained and acknowledged again.** A round's ACCEPTs go one at a time in one queue turn (about 4",
  '  minutes for 10,000 offers at 100,000 taskgroups on a loaded machine), and the updates that arrive meanwhile',
  '  wait; the simulator resends each one after 10, 30, 70… s, and every copy was buffered, applied (writing',
  '  nothing) and acknowledged: one ACKNOWLEDGE per copy, 176,000 stream records for 60,000 updates at 30,000.',
  '  Now a resend of an update still buffered, being applied or being acknowledged (same uuid) is dropped as it',
  '  arrives (`status-drain.ts`): decoding it is all it costs.',
  "- **The queue waited for the ACKs.** A drained batch's ACKNOWLEDGEs still go out only after it is persisted,",
  "  but the engine applies the next batch while they are on the wire: it waits for the previous batch's",
  '  answers only (at most two batches of ACKs in flight; `idle()` and `dispose()` wait for all).',
  '- **The simulator wrote one LevelDB batch per call** (its persistence flushed per microtask, and each HTTP call',
  '  is a turn of its own): a third of its CPU with ACKs arriving on 8 connections. It now commits in groups:',
  '  what changes while a batch is being written goes in one batch after it.',
  '',
  ...WIRE_MEMORY_AB,
];
const met = (ok) => (ok ? 'met' : '**NOT met**');
/** The load average (1 min) now, for sections measured on a shared machine. */
const loadNow = () => fmt(loadavg()[0], 1);

/** The callConnections A/B of wire-placements: the non-default rows against the default of the same configuration. */
function abLines(rows) {
  const lines = [];
  for (const r of rows.filter((row) => row.callConnections !== 1)) {
    const base = rows.find(
      (row) => row.callConnections === 1 && row.agents === r.agents && row.instances === r.instances,
    );
    lines.push(
      '',
      `A/B, \`callConnections\` ${r.callConnections} against the default 1 (${fmt(r.agents)} agents, ${fmt(r.instances)} instances, ${r.runs} runs each, alternating, same session): placed in ${fmt(r.placedMs)} ms against ${fmt(base.placedMs)} (${fmt(r.placedMs / base.placedMs, 2)}×), all Running in ${fmt(r.runningMs)} ms against ${fmt(base.runningMs)} (${fmt(r.runningMs / base.runningMs, 2)}×), scheduler CPU ${fmt(r.schedulerCpuS, 1)} s against ${fmt(base.schedulerCpuS, 1)}, simulator CPU ${fmt(r.simCpuS, 1)} s against ${fmt(base.simCpuS, 1)}. The default stays 1: with more, a SUPPRESS could overtake the REVIVE before it.`,
    );
  }
  return lines;
}

const benches = {
  store: {
    title: 'Store operations',
    async run() {
      const runs = 5;
      const rows = await runStoreBench({ runs });
      return [
        `Command: \`pnpm bench -- store\` (bench/store-bench.mjs). Median of ${runs} runs.`,
        '',
        '| store | operation | ops/s (median) |',
        '| --- | --- | ---: |',
        ...rows.map((r) => `| ${r.store} | ${r.op} | ${fmt(r.opsPerSec)} |`),
      ];
    },
  },
  'store-etcd': {
    title: 'Store operations on etcd against LevelDB',
    async run() {
      const options = { runs: 3, ops: 2000 };
      const rows = await runStoreEtcdBench(options);
      return [
        `Command: \`pnpm bench -- store-etcd\` (bench/store-etcd-bench.mjs). Median of ${options.runs} runs of ${fmt(options.ops)}`,
        'operations each, on a fresh store per run, in the same process and run: LevelDB (classic-level) in a temp',
        "directory, and `@bcs/store-etcd` on Debian's etcd 3.4 started on loopback with 1 and with 3 members, data on",
        "disk (so every etcd transaction pays etcd's fsync). Sequential rows await each call; the `writers at once`",
        'rows run that many writers, each awaiting its own put, so the store groups their puts into shared etcd',
        `transactions (group commit; ${fmt(options.ops * 2)} puts for 256 writers). Load average ${loadNow()} when it ended.`,
        '',
        '| store | operation | ops/s (median) |',
        '| --- | --- | ---: |',
        ...rows.map((r) => `| ${r.store} | ${r.op} | ${fmt(r.opsPerSec)} |`),
      ];
    },
  },
  http: {
    title: 'HTTP: create and get configmaps (closed loop)',
    async run() {
      const options = { runs: 5, seconds: 5, connections: 16 };
      const rows = await runHttpBench(options);
      return [
        `Command: \`pnpm bench -- http\` (bench/http-bench.mjs). **Closed loop**: each connection waits for its answer before`,
        'it sends again, so a slow server slows the load down and these rows show throughput, not a tail or a backlog',
        '(for those see `http-open-loop`). The `bcs-scheduler` command runs in its own process with',
        `LevelDB on disk; autocannon loads it from the bench process over loopback with ${options.connections} connections,`,
        `${options.seconds} s per run. Figures are the median of ${options.runs} runs; each create uses a new name.`,
        '',
        '| operation | requests/s | p50 latency (ms) | p99 latency (ms) | errors or non-2xx |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows.map((r) => `| ${r.op} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} |`),
      ];
    },
  },
  placements: {
    title: 'Scheduler: placements per second',
    async run() {
      const runs = 5;
      const rows = await runPlacementBench({ runs, log });
      const atScale = rows.filter((r) => r.agents === 10_000).map((r) => r.placementsPerSec);
      const reached = Math.min(...atScale);
      return [
        'Command: `pnpm bench -- placements` (bench/scheduler-bench.mjs).',
        '',
        'What it measures: taskgroups placed per second by core end to end (decide, persist on LevelDB, launch),',
        'from `ApplicationService.create` until no taskgroup of the application is Pending.',
        '',
        'How: one Node process holds the engine (`@bcs/core`, built), its store on LevelDB (classic-level in a',
        'temp dir) and the simulated cluster (`@bcs/mesos-sim`: offers every simulated second, tasks start',
        'at once, calls not recorded), on a ManualClock stepped 100 ms at a time. The application has one',
        'container of 0.1 cpu and 32 MB, no ports and no health checks; UNIQUE(InnerIP) puts one instance per',
        'agent. Times are wall clock from just before the create to the engine store commit where the last',
        'taskgroup stopped being Pending (stored Staging with its agent, before its ACCEPT call), and to the',
        `commit where the last became Running. Median of ${runs} runs per row, one after the other in one`,
        'process, each on a fresh store, cluster and engine; placements/s is instances / placed time.',
        '',
        '| agents | instances | constraint | runs | placed (ms) | placements/s | min–max placements/s | all Running (ms) |',
        '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
        ...rows.map(
          (r) =>
            `| ${fmt(r.agents)} | ${fmt(r.instances)} | ${r.unique ? 'UNIQUE(InnerIP)' : 'none'} | ${r.runs} | ${fmt(r.placedMs)} | ${fmt(r.placementsPerSec)} | ${fmt(r.minPerSec)}–${fmt(r.maxPerSec)} | ${fmt(r.runningMs)} |`,
        ),
        '',
        `The goal is ≥ ${fmt(PLACEMENT_GOAL)} placements/s at 10,000 agents in one process; the slower 10,000-agent`,
        `row reached ${fmt(reached)}/s (${reached >= PLACEMENT_GOAL ? 'goal met' : 'goal NOT met'}). For scale only: Nomad's C1M placed`,
        '3,750/s on 5,000 hosts with 5 servers, C2M about 1,500/s on 6,100 hosts. Those ran real clients over',
        'real networks with replicated state; this is one process against a simulator, so it bounds the cost of',
        'the scheduler core and its store, not of a cluster.',
      ];
    },
  },
  'create-stall': {
    title: 'HTTP: unrelated GETs while a 10,000-instance application is created',
    async run() {
      const r = await runStallBench({ runs: 3, log });
      const ms = (n) => fmt(n, 1);
      return [
        'Command: `pnpm bench -- create-stall` (bench/stall-bench.mjs).',
        '',
        'What it measures: how long GETs of an unrelated application wait while the scheduler creates a',
        `${fmt(r.instances)}-instance application (issue 9 §0), against the same GETs on an idle server.`,
        '',
        `How: the built \`bcs-scheduler\` command runs in its own process with \`--sim-agents ${r.agents}`,
        `--max-instances ${r.instances} --port 0 --data-dir <tmp>\` (LevelDB on disk, real clock). After creating a`,
        '1-instance application `other`, the bench process sends `GET …/applications/other` open-loop at',
        `${r.rate} per second for ${seconds(r.windowMs)} s, each request measured from its scheduled send time (so a`,
        'stalled server cannot slow the sender down and hide the stall). In the "create" rows the',
        `${fmt(r.instances)}-instance application is POSTed as the window opens. Median of ${r.runs} runs per row, each on a fresh`,
        'data dir and server; "worst max" is the largest of the runs. The load average is the machine\'s (other',
        'processes included) at the end of each window: on a shared 2-core machine it says how much CPU the',
        'server could have.',
        '',
        '| during the window | GETs | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | worst max (ms) | POST answered (ms) | load average (1 min) |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...r.rows.map(
          (row) =>
            `| ${row.create ? `create of ${fmt(r.instances)} instances` : 'idle'} | ${fmt(row.gets)} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.p999)} | ${ms(row.max)} | ${ms(row.worstMax)} | ${row.postMs === undefined ? '–' : fmt(row.postMs)} | ${fmt(row.load, 1)} |`,
        ),
        '',
        'The engine creates the Pending taskgroups a chunk per queue turn (`fillChunk`: 500 here), places at',
        "most `placementBudget` (250 here) per pass, hands a round's launches to the driver with a yield to the",
        'event loop every 500 (`LAUNCHES_PER_YIELD`), and applies status updates 500 per queue turn',
        '(`MAX_UPDATES_PER_BATCH`), yielding between turns, so a GET waits for one chunk or pass rather than for all',
        "of them. The app controller's decision after each of them costs O(changed) (per-app counts, `AppSummary`),",
        'so the smaller turns do not make a large application quadratic. The simulated cluster runs in the server',
        'process, so its work (launching, status updates, its own LevelDB) lands on the same event loop.',
        '',
        'Before (the code at commit aade04f, all taskgroups in one queue turn, one pass per offer round), measured the same way',
        'on 2026-12-03 at load average 9.9 (2 runs, create only): POST answered in 3.8–4.4 s, GET p50 2.5–3.8 s, p99 11.2–13.7 s,',
        'max 11.2–13.8 s.',
        '',
        'A/B of the last step (bounded status drains, yielding launches, O(changed) decisions) against commit b1f9443',
        '(chunked fill and bounded passes only; status drains of 10,000, O(instances) decisions), on 2026-12-03 on',
        'nproc 2, 23.5 GiB memory, AMD EPYC, Node v20.20.2: create rows only, `stallRun` of bench/stall-bench.mjs from',
        "each tree in one session, alternating, 3 runs each; medians, each run's figure in brackets. Two sessions, as",
        "the shared machine's load changed:",
        '',
        '| session | code | GET p50 (ms) | GET p99 (ms) | GET max (ms) | POST answered (ms) |',
        '| --- | --- | ---: | ---: | ---: | ---: |',
        '| load average 8.5–9.4 | b1f9443 | 356 [463, 356, 345] | 4,718 [5,866, 4,718, 4,082] | 4,886 [5,943, 4,886, 4,133] | 291 |',
        '| load average 8.5–9.4 | this code | 154 [238, 130, 154] | 884 [3,740, 705, 884] | 1,004 [3,778, 811, 1,004] | 140 |',
        '| load average 2.5–3.9 | b1f9443 | 46 [36, 69, 46] | 2,409 [2,075, 2,699, 2,409] | 2,453 [2,144, 2,738, 2,453] | 85 |',
        '| load average 2.5–3.9 | this code | 20 [20, 9, 21] | 199 [239, 178, 199] | 247 [533, 222, 247] | 86 |',
        '',
        'Ratio this code / b1f9443 (medians), at load 9 and at load 3: p50 0.43 and 0.43, p99 0.19 and 0.08, max 0.21',
        'and 0.10. At load 9 the server gets a fraction of a core, so one run in three still stalled for seconds (the',
        '3.8 s run); the longest blocks left in a profile are single LevelDB batches of a chunk and the simulated',
        "cluster's own work.",
        '',
        'Not slower in total, same sessions, alternating: `placementRun` (bench/scheduler-bench.mjs, 3 runs each,',
        'load average 3.6–6.2), 1,000 agents / 10,000 instances placed in 2,772 ms against 3,612 (all Running 5,922',
        'against 7,586); 10,000 agents / 20,000 instances placed in 7,325 ms against 9,680 (all Running 15,354 against',
        '16,274). The 100,000-taskgroup memory run (1 GiB old space, 2 runs each, load average 4–8): all Running in',
        '100 and 152 s against 110 and 188 s, peak RSS 838 and 841 MiB against 1,019 and 1,052, held heapUsed 352 MiB',
        'against 350 (the per-app counts).',
      ];
    },
  },
  'redos-stall': {
    title: 'HTTP: unrelated GETs while a ReDoS LIKE pattern stays Pending',
    async run() {
      const r = await runRedosStallBench({ runs: 3, log });
      const ms = (n) => fmt(n, 1);
      const redos = r.rows.find((row) => row.redos);
      return [
        'Command: `pnpm bench -- redos-stall` (bench/redos-stall-bench.mjs).',
        '',
        'What it measures: how long GETs of an unrelated application wait while an application whose LIKE',
        'constraint is a catastrophic-backtracking pattern stays Pending (issue 9 §0 "Regex denial of service";',
        'the target: no request stalls over 100 ms), against the same GETs without that application.',
        '',
        `How: the built \`bcs-scheduler\` command runs in its own process with \`--sim-agents ${r.agents} --port 0`,
        '--data-dir <tmp>` (LevelDB on disk, real clock). The bench process creates a 1-instance application',
        `\`other\`, then \`POST /agentsettings\` gives each of the ${r.agents} agents the string attribute \`label\` = 27 \`a\`s`,
        'followed by `!`. It then sends `GET …/applications/other` open-loop at',
        `${r.rate} per second for ${seconds(r.windowMs)} s, each request measured from its scheduled send time. In the "ReDoS" rows`,
        'the application `redos` (1 instance, `LIKE(label, "(a+)+$")`, which no agent satisfies) is POSTed as the',
        "window opens; every placement pass in the window matches the pattern against every agent's attribute.",
        `After the window its taskgroup was Pending with a message naming the LIKE constraint in ${redos.pendingRuns} of ${r.runs} runs.`,
        `${r.runs} runs per row, alternating, each on a fresh data dir and server; medians, "worst max" is the largest of`,
        'the runs, "over 100 ms" counts the GETs of all runs. Load average: the machine\'s (other processes',
        'included) at the end of each window.',
        '',
        '| during the window | GETs per run | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | worst max (ms) | GETs over 100 ms | POST answered (ms) | load average (1 min) |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...r.rows.map(
          (row) =>
            `| ${row.redos ? 'ReDoS application Pending' : 'no ReDoS application'} | ${fmt(row.gets)} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.p999)} | ${ms(row.max)} | ${ms(row.worstMax)} | ${fmt(row.over100)} of ${fmt(row.allGets)} | ${row.postMs === undefined ? '–' : fmt(row.postMs)} | ${fmt(row.load, 1)} |`,
        ),
        '',
        'LIKE and UNLIKE patterns are matched with RE2 (re2js), in time linear in the attribute, so the pattern',
        "costs a placement pass microseconds. On JavaScript's backtracking `RegExp` (the code before issue 9),",
        'the same pattern against one such attribute froze every request for about 12 s per placement pass.',
      ];
    },
  },
  'http-open-loop': {
    title: 'HTTP: open-loop latency at fixed arrival rates',
    async run() {
      const r = await runOpenLoopBench({ ...openLoopSettings(), log });
      return [
        'Command: `pnpm bench -- http-open-loop` (bench/http-open-loop-bench.mjs, generator bench/open-loop.mjs, server',
        'probe bench/eld-probe.mjs, profile summary bench/cpu-profile.mjs).',
        '',
        'What it measures: the latency tail and backlog of the HTTP API at fixed arrival rates (issue 11 §1), and the',
        "server's event-loop delay over the same windows.",
        '',
        'How: the built `bcs-scheduler` command runs in its own process (`--sim-agents 10`, LevelDB on disk, real',
        `clock), started as \`node --import bench/eld-probe.mjs <bin>\`: the probe, which the command itself does not have,`,
        'runs `perf_hooks.monitorEventLoopDelay` (1 ms resolution) and answers over an IPC channel. The store is',
        `pre-filled with ${fmt(PREFILL)} configmaps (\`cm-0\`…, 32 at a time, in ${seconds(r.prefillMs)} s) and an application of`,
        `${INSTANCES} instances, all Running (its taskgroups answer is ${fmt(r.taskgroupsBytes / 1024)} KiB). The bench process then sends **open loop**: request \`i\` is due at`,
        '`start + i / rate` and leaves then whatever the earlier answers (node:http, keep-alive pool of 256 sockets,',
        'requests beyond them queue in the client), and its latency runs from that **intended** time to the end of the',
        'answer, so a stalled server cannot hide its stall by slowing the sender (no coordinated omission).',
        `One window of **${r.seconds} s per rate** (not a median of runs), after a 2 s warm-up at 200 req/s per operation;`,
        'operations in the order of the table, rates ascending, on the same server (the POSTs add configmaps with new',
        'names); the CPU profiles below ran between the POST and the taskgroups windows. "Backlog" is the requests',
        'still unanswered as the window closed; they are then awaited (up to 30 s) and their latencies counted; one',
        'still unanswered after that counts with its age then, and the row\'s figures read "≥". Outstanding requests are capped at 20,000 ("capped" counts slots not sent for',
        'that). "ELD" is the event-loop delay over the window; "server CPU" the server process\'s CPU time (all',
        'threads) as a share of one core; "ELU" the share of the window its main thread was not idle',
        '(`performance.eventLoopUtilization`). "Send lag" is how late the generator itself sent (p99): when it is large,',
        "the client was short of CPU and the rate was not held. Load average: the machine's at the end of each window.",
        '',
        '| operation | rate (req/s) | answered/s in window | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | backlog at end | capped | non-2xx or errors | ELD p99 (ms) | ELD max (ms) | server CPU | ELU | send lag p99 (ms) | load average |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...r.rows.map(
          (w) =>
            `| ${w.op} | ${fmt(w.rate)} | ${fmt(w.achievedRate)} | ${atLeast(w, w.p50)} | ${atLeast(w, w.p99)} | ${atLeast(w, w.p999)} | ${atLeast(w, w.max)} | ${fmt(w.backlog)}${w.unanswered > 0 ? ` (${fmt(w.unanswered)} after the drain)` : ''} | ${fmt(w.capped)} | ${fmt(w.non2xx + w.errors)} | ${fmt(w.eld.p99, 1)} | ${fmt(w.eld.max, 1)} | ${pct(w.eld.cpu)} | ${pct(w.eld.elu)} | ${fmt(w.sendLagP99, 1)} | ${fmt(w.load, 1)} |`,
        ),
        '',
        `With no request (5 s after the pre-fill, before the first window) the server used ${pct(r.idle.cpu)} of a core, ELU ${pct(r.idle.elu)},`,
        `ELD p99 ${fmt(r.idle.p99, 1)} ms, max ${fmt(r.idle.max, 1)} ms: its background work (engine tick, simulated cluster).`,
        '',
        ...openLoopGoals(r.rows.filter((w) => w.rate === 1_000 && !w.op.includes('taskgroups'))),
        '',
        ...Object.entries(r.profiles).flatMap(([op, p]) => [
          `CPU profile of the server (node:inspector, 1 ms sampling) over one more ${op} window at ${fmt(p.row.rate)} req/s (p50`,
          `${fmt(p.row.p50, 1)} ms, p99 ${fmt(p.row.p99, 1)} ms, backlog ${fmt(p.row.backlog)}; the profiler's own cost included):`,
          '',
          ...profileLines(p.summary),
          '',
        ]),
      ];
    },
  },
  'http-open-loop-ab': {
    title: 'HTTP: open loop, A/B against another build',
    requires: 'BCS_AB_BIN',
    async run() {
      const bins = [
        { label: 'this code', bin: undefined },
        { label: process.env.BCS_AB_LABEL ?? 'other', bin: process.env.BCS_AB_BIN },
      ];
      const r = await runOpenLoopAB({
        bins,
        rate: 1_000,
        seconds: openLoopSettings().seconds,
        rounds: 2,
        log,
      });
      const [a, b] = bins.map((x) => x.label);
      const med = (label, op, key) =>
        median(r.runs.filter((w) => w.label === label && w.op === op).map((w) => key(w)));
      const cols = [
        ['answered/s', (w) => w.achievedRate, 0],
        ['p50 (ms)', (w) => w.p50, 1],
        ['p99 (ms)', (w) => w.p99, 1],
        ['p99.9 (ms)', (w) => w.p999, 1],
        ['max (ms)', (w) => w.max, 1],
        ['backlog', (w) => w.backlog, 0],
        ['ELD p99 (ms)', (w) => w.eld.p99, 1],
        ['server CPU', (w) => w.eld.cpu, 2],
        ['server CPU ms per answer', (w) => (w.eld.cpu * 1000) / w.achievedRate, 2],
        ['ELU', (w) => w.eld.elu, 2],
      ];
      const rows = [];
      for (const op of ['GET configmap', 'POST configmap']) {
        for (const label of [a, b]) {
          const each = (key, digits) =>
            r.runs
              .filter((w) => w.label === label && w.op === op)
              .map((w) => fmt(key(w), digits))
              .join(', ');
          rows.push(
            `| ${op} | ${label} | ${cols.map(([, key, digits]) => `${fmt(med(label, op, key), digits)} [${each(key, digits)}]`).join(' | ')} |`,
          );
        }
        const ratio = (key) => med(a, op, key) / med(b, op, key);
        rows.push(
          `| ${op} | ratio ${a} / ${b} | ${cols.map(([, key]) => `**${fmt(ratio(key), 2)}**`).join(' | ')} |`,
        );
      }
      return [
        'Command: `BCS_AB_BIN=<other build>/packages/http-koa/dist/bin/bcs-scheduler.js BCS_AB_LABEL=<name> pnpm bench --',
        'http-open-loop-ab` (bench/http-open-loop-bench.mjs `runOpenLoopAB`); skipped by a plain `pnpm bench`.',
        '',
        `What it measures: the open-loop GET and POST configmap windows of \`http-open-loop\` at ${fmt(r.rate)} req/s, this code`,
        `against ${b} (\`${process.env.BCS_AB_BIN}\`), in one session.`,
        '',
        'How: each build runs as its own `bcs-scheduler` process with the probe preloaded, default flags (3 simulated',
        `agents), LevelDB on disk, pre-filled with ${fmt(PREFILL)} configmaps; a 2 s warm-up at 200 req/s of each operation,`,
        `then one ${r.seconds} s window per operation. ${r.rounds} rounds, each on fresh servers, the order of the builds alternating`,
        'per round; medians of the rounds with each round in brackets (with 2 rounds the median is their mean). In the',
        'first round each server also ran a profiled GET and a profiled POST window (not in the table).',
        '',
        `| operation | build | ${cols.map(([name]) => name).join(' | ')} |`,
        `| --- | --- | ${cols.map(() => '---:').join(' | ')} |`,
        ...rows,
        '',
        'With no request (5 s after each pre-fill), median of the rounds: ' +
          [a, b]
            .map((label) => {
              const idle = r.idles.filter((x) => x.label === label);
              const m = (key) => median(idle.map((x) => x[key]));
              return `${label} server CPU ${pct(m('cpu'))} of a core, ELU ${pct(m('elu'))}, ELD p99 ${fmt(m('p99'), 1)} ms`;
            })
            .join('; ') +
          '.',
        '',
        ...[a, b].flatMap((label) =>
          Object.entries(r.profiles[label]).flatMap(([op, p]) => [
            `Profile of ${label}, ${op} at ${fmt(r.rate)} req/s for ${r.seconds} s (p50 ${fmt(p.row.p50, 1)} ms, p99 ${fmt(p.row.p99, 1)} ms, backlog ${fmt(p.row.backlog)}):`,
            '',
            ...profileLines(p.summary, 10),
            '',
          ]),
        ),
      ];
    },
  },
  'http-app': {
    title: 'HTTP: a 1,000-instance application to all Running',
    async run() {
      const r = await runHttpAppBench({ runs: 5, agents: 100, instances: 1_000, log });
      return [
        'Command: `pnpm bench -- http-app` (bench/http-app-bench.mjs).',
        '',
        'What it measures: the wall-clock time for the HTTP API to bring a 1,000-instance application to all',
        'Running, from the POST to the first GET that reports `RunningInstances` = 1000.',
        '',
        'How: the built `bcs-scheduler` command runs in its own process with `--sim-agents 100 --port 0',
        '--data-dir <tmp>` (LevelDB on disk, real clock; the simulated cluster offers every second and persists',
        "in its own LevelDB). The bench process POSTs the API document's application (`anApplication`: one",
        'container of 0.1 cpu and 32 MB, no ports, no health checks) and polls `GET …/applications/app-test`',
        `every 20 ms. Median of ${r.runs} runs, each on a fresh data dir and server.`,
        '',
        '| agents | instances | runs | POST answered (ms) | all Running (s) | min–max (s) |',
        '| ---: | ---: | ---: | ---: | ---: | ---: |',
        `| ${fmt(r.agents)} | ${fmt(r.instances)} | ${r.runs} | ${fmt(r.postMs)} | ${seconds(r.runningMs)} | ${seconds(r.minMs)}–${seconds(r.maxMs)} |`,
        '',
        'The engine REVIVEs as soon as the application has Pending taskgroups, and the simulated master answers',
        'with offers at once, so the figure holds no wait for the once-a-second offer round.',
      ];
    },
  },
  memory: {
    title: 'Memory: 100,000 taskgroups',
    async run() {
      const runs = 5;
      const rows = await runMemoryBench({ runs, configs: MEMORY_CONFIGS, log });
      return [
        'Command: `pnpm bench -- memory` (bench/scheduler-bench.mjs memory).',
        '',
        'What it measures: the memory one process needs to hold 100,000 taskgroups in the engine, from the',
        'create to all Running.',
        '',
        'How: a fresh child process per run (`node --expose-gc`) creates a 100,000-instance application (0.1 cpu,',
        '32 MB) on 10,000 simulated agents, with the store on LevelDB (classic-level, temp dir), and steps a',
        'ManualClock until all run. RSS and heapUsed are sampled every 10 ms and around every engine store',
        'commit; the peak is the largest sample. **The RSS is of the scheduler engine, the simulated cluster (its',
        'agents, executors, tasks and update queues), LevelDB and the bench loop together, in one process.**',
        '"Held" is after a full GC once all run. With the default heap limit V8 lets garbage pile up (the peak',
        'heapUsed is mostly garbage not yet collected), so the second row caps the old space at 1 GiB to show',
        `what the run needs. Median of ${runs} runs per row.`,
        '',
        '| agents | taskgroups | heap limit | runs | peak RSS (MiB) | peak heapUsed (MiB) | held heapUsed (MiB) | held RSS (MiB) | all Running (s) |',
        '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows.map(
          (r) =>
            `| ${fmt(r.agents)} | ${fmt(r.instances)} | ${r.maxOldSpaceMb === undefined ? 'default' : `${fmt(r.maxOldSpaceMb)} MiB old space`} | ${r.runs} | ${mib(r.rss)} | ${mib(r.heapUsed)} | ${mib(r.settledHeapUsed)} | ${mib(r.settledRss)} | ${seconds(r.runningMs)} |`,
        ),
      ];
    },
  },
  deployments: {
    title: 'Deployments: rolling updates',
    async run() {
      const rows = await runDeploymentBench({ runs: 5, log });
      // The section's title and machine line come from this runner; keep the bench's body only.
      return deploymentMarkdown(rows)
        .split('\n')
        .filter((line) => !line.startsWith('### ') && !line.startsWith('Measured '))
        .join('\n')
        .trim()
        .split('\n');
    },
  },
  'health-checks': {
    title: 'Remote health checks: 10,000 taskgroups checked every 10 s',
    async run() {
      const args = ['--runs', '3', '--instances', '10000', '--agents', '1000', '--seconds', '20'];
      const loadBefore = loadNow();
      const table = await new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          [fileURLToPath(new URL('./health-bench.mjs', import.meta.url)), ...args],
          { maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (stderr) log(stderr.trimEnd());
            if (error) reject(error);
            else resolve(stdout.trimEnd());
          },
        );
      });
      const loadAfter = loadNow();
      return [
        `Command: \`pnpm bench -- health-checks\` (bench/health-bench.mjs ${args.join(' ')}, in a child process).`,
        '',
        "What it measures (issue 13's benchmark): the cost of the scheduler's own REMOTE_TCP checks of 10,000 Running",
        'taskgroups every 10 s, through the real outbound adapter (`@bcs/outbound-http`, real loopback sockets), and',
        'what they take from placement throughput in the same run.',
        '',
        'How: one Node process holds the engine (built `@bcs/core`, memory store) and the simulated cluster (1,000',
        'agents, InnerIP 127.0.x.y); one TCP listener in a child process takes every check and closes it. Per run,',
        'with checks on (an outbound adapter given) and then off (no adapter: the checker runs nothing), each on a',
        'fresh store, cluster and engine: app A (10,000 instances, REMOTE_TCP, delay 1 s, interval 10 s, timeout 2 s)',
        'is stepped to all Running; the manual clock then advances in real time for 20 s (CPU time over wall time,',
        "checks made); then app B (10,000 instances, no checks) is created and its placements/s measured, A's",
        'checks due meanwhile running alongside. Medians of 3 runs; placements/s min–max. Goal: placements with',
        'checks within 10% of without.',
        '',
        table,
        '',
        `Load average (1 min, the whole machine) before and after: ${loadBefore} and ${loadAfter}.`,
      ];
    },
  },
  commands: {
    title: 'Commands: one command fanned out to 1,000 taskgroups',
    async run() {
      const loadBefore = loadNow();
      const r = await runCommandsBench({ runs: 3, instances: 1000, agents: 100, log });
      const loadAfter = loadNow();
      return [
        'Command: `pnpm bench -- commands` (bench/commands-bench.mjs).',
        '',
        'What it measures (issue 12 §4): `CommandTracker.send` of one command to an application of 1,000 Running',
        'taskgroups (one task each), until every task of the record is final, and the store writes the answers cost.',
        'How: one process; the scheduler core with `executor: bcs` on a `SimulatedCluster` of 100 agents whose',
        'CUSTOM-executor groups run the emulated BCS executor (it answers each Req_COMMAND_TASK at once), on a',
        'ManualClock stepped 1 ms at a time as fast as it runs; the store on LevelDB (classic-level, temp dir). Wall',
        '"send returned" is until `send` answered (the record written, its tasks `staging`); the 1,000 MESSAGE calls',
        '(each encoded as the original) then go out in dispatch turns of 100 per engine queue turn, one write per',
        'turn; "all answered" is until the last answer was recorded. Writes are store batches (each one atomic: the',
        `record and its \`command.status\` events) after \`send\` returned, dispatch turns included. Median of ${r.runs} runs.`,
        '',
        '| taskgroups | runs | send returned (ms) | all answered (ms) | answers recorded | store batches after send | record writes after send | batches per answer |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| ${fmt(r.instances)} | ${r.runs} | ${fmt(r.sentMs)} | ${fmt(r.answeredMs)} | ${fmt(r.finished)} | ${fmt(r.answerBatches)} | ${fmt(r.answerRecordPuts)} | ${fmt(r.writesPerAnswer, 3)} |`,
        '',
        `Runs (send returned / all answered, ms): ${r.samples.map((x) => `${fmt(x.sentMs)} / ${fmt(x.answeredMs)}`).join('; ')}. Load average (1 min, the`,
        `whole machine, 2 cores shared with other work) before and after: ${loadBefore} and ${loadAfter}.`,
        '',
        'Answers that arrive together are applied in one queue turn and written as one batch per turn, whatever',
        'their number: in process the emulated executors answer the 100 MESSAGEs of each dispatch turn in the same',
        'simulated millisecond, so the writes after `send` are the 10 dispatch turns and 10 answer turns. Over the wire, answers arrive spread over the event',
        'stream and a turn takes what arrived meanwhile (at worst one batch per answer, never more). Within a',
        'dispatch turn the MESSAGE calls are sequential (each awaited, so a refused call marks its task failed).',
      ];
    },
  },
  'wire-placements': {
    title: 'Over the wire: placements per second (scheduler and bcs-mesos-sim in separate processes)',
    async run() {
      const runs = 3;
      const loadBefore = loadNow();
      // The in-process figure from the same run: one run of each configuration (scheduler-bench.mjs).
      const inProcess = await runPlacementBench({ runs: 1, configs: WIRE_PLACEMENT_CONFIGS, log });
      const rows = await runWirePlacementBench({ runs, log });
      const loadAfter = loadNow();
      const key = (r) => `${r.agents}/${r.instances}/${r.unique}`;
      const local = new Map(inProcess.map((r) => [key(r), r]));
      const ratio = (r) => r.placementsPerSec / local.get(key(r)).placementsPerSec;
      const defaults = rows.filter((r) => r.callConnections === 1);
      const atScale = defaults.filter((r) => r.agents === 10_000);
      const slowest = Math.min(...atScale.map((r) => r.placementsPerSec));
      const worstRatio = Math.min(...defaults.map(ratio));
      const worstRunningRatio = Math.min(...defaults.map((r) => local.get(key(r)).runningMs / r.runningMs));
      return [
        'Command: `pnpm bench -- wire-placements` (bench/wire-bench.mjs; the in-process rows by bench/scheduler-bench.mjs).',
        '',
        'What it measures: the `placements` section over the Mesos v1 HTTP API: taskgroups placed per second when',
        'the scheduler and the master simulator are separate processes on loopback, and its ratio to the in-process',
        'figure measured in the same run.',
        '',
        'How: per run, a fresh `bcs-mesos-sim --agents N --port 0 --data-dir <tmp>` (the built command: real clock,',
        'offers every second, tasks start at once, its state on LevelDB, calls recorded for `GET /admin/calls`), and a',
        'fresh scheduler child process (`node bench/wire-bench.mjs child placements`) that embeds `@bcs/core`, its',
        'store on LevelDB (classic-level, temp dir) and `MesosHttpDriver` (`@bcs/mesos-http`) on the real clock, wired',
        'as `bcs-scheduler --mesos-master` wires them but without the HTTP API, so that its engine commits are timed',
        'exactly as in process (engine tick 1 s, as the in-process bench). The child waits until the driver is',
        'subscribed and 1.5 s more (the first offers come, the engine suppresses), then creates the same',
        'application as `placements` (one container of 0.1 cpu and 32 MB; UNIQUE(InnerIP) or no constraint). Times',
        'are wall clock from just before `ApplicationService.create` to the engine commit where no taskgroup is',
        'Pending (stored Staging with its agent, before its ACCEPT is sent) and to the one where all are Running',
        '(after their TASK_RUNNING came back over the stream); placements/s is instances / placed time. CPU is',
        'user + system of the scheduler child (`process.cpuUsage`) and of the simulator (/proc/<pid>/stat) over',
        `that window. Median of ${runs} runs per row. The in-process rows are one run each of \`placementRun\` (one`,
        'process, ManualClock stepped 100 ms at a time as fast as it runs, simulator without a store), in the bench',
        'process, just before.',
        '',
        '| agents | instances | constraint | driver calls in flight | runs | placed (ms) | placements/s | min–max placements/s | in process, placements/s | wire / in process | all Running (ms) | in process, all Running (ms) | scheduler CPU (s) | simulator CPU (s) |',
        '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows.map((r) => {
          const l = local.get(key(r));
          return `| ${fmt(r.agents)} | ${fmt(r.instances)} | ${r.unique ? 'UNIQUE(InnerIP)' : 'none'} | ${r.callConnections}${r.callConnections === 1 ? ' (default)' : ''} | ${r.runs} | ${fmt(r.placedMs)} | ${fmt(r.placementsPerSec)} | ${fmt(r.minPerSec)}–${fmt(r.maxPerSec)} | ${fmt(l.placementsPerSec)} | ${fmt(ratio(r), 2)} | ${fmt(r.runningMs)} | ${fmt(l.runningMs)} | ${fmt(r.schedulerCpuS, 1)} | ${fmt(r.simCpuS, 1)} |`;
        }),
        '',
        `Load average (1 min, the whole machine) before and after: ${loadBefore} and ${loadAfter}.`,
        '',
        `Goals (issue 10), with the default driver: ≥ ${fmt(WIRE_GOALS.ratio, 1)} of the in-process rate: the lowest ratio is ${fmt(worstRatio, 2)}, ${met(worstRatio >= WIRE_GOALS.ratio)};`,
        `≥ ${fmt(WIRE_GOALS.perSec)} placements/s at 10,000 agents: the slower 10,000-agent row reached ${fmt(slowest)}/s, ${met(slowest >= WIRE_GOALS.perSec)}.`,
        `The time to all Running is where the wire costs: in process / over the wire is at worst ${fmt(worstRunningRatio, 2)} (see below).`,
        '',
        'The machine is shared with other work (see the load average): the in-process rows are single runs, so the',
        "ratios move with the load from one row to the next; the `placements` section's medians are the steadier",
        'in-process figures. The 5,000/s goal at 10,000 agents is above what the in-process engine reaches on this',
        'machine too.',
        ...abLines(rows),
        '',
        'Where the time goes (CPU profiles, `node --cpu-prof`, of both processes in one 1,000-agent / 10,000-instance',
        'run on 2026-12-03, default driver; the 10,000-agent rows were not profiled): the placed time stops before',
        "the ACCEPTs, so the wire slows it only where placement passes share the scheduler's thread with the",
        'acknowledgements of tasks already launched; getting every task Running is what the wire costs. Every task',
        'costs two ACKNOWLEDGE calls (TASK_STARTING, TASK_RUNNING) besides its share of an ACCEPT, each a POST',
        'answered 202, and with `callConnections` 1 (the default, so that calls reach the master in the order they were',
        'made) they go one at a time: the two processes take turns, each idle about half of the run (scheduler 18.9',
        'of 35.9 s profiled, simulator 12.1 of 29.2 s). Busy time, scheduler: status drains and their LevelDB',
        'batches (about 3 s each; the updates trickle in over the stream, so each commit holds fewer than in',
        'process), the HTTP client per call (about 2.7 s), GC 1.5 s. Simulator: its LevelDB persistence, one batch',
        'per call (about 6 s; the in-process simulator has no store), writing each 202 (2.9 s) and parsing each',
        'request. Over the wire both processes together spend about 5–8 ms of CPU per task (the CPU columns), on a',
        '2-core machine shared with other work. What would help, as of that profile: fewer round trips one after',
        "another (Mesos' v1 API has one ACKNOWLEDGE per update) and a cheaper simulator (persistence coalesced",
        'across calls). Both are done since: ACKNOWLEDGE and RECONCILE on a lane of their own (`ackConnections`',
        "8), the simulator's persistence coalesced (`wire-memory`), and a round's ACCEPTs and DECLINE sent outside the",
        "engine's queue, 8 at a time (`parallelCalls`, `parallelConnections`; see the A/B subsections after this",
        'section). The placed time stops before the ACCEPTs: what bounds placements/s over the wire is the offers',
        'reaching the scheduler (the simulator offers every second of real time; 10,000 offers in one event) and the',
        "placement passes' commits, not the calls.",
      ];
    },
  },
  'wire-recovery': {
    title: 'Over the wire: recovery from a master leader switch with 10,000 tasks',
    async run() {
      const loadBefore = loadNow();
      // BCS_BENCH_WIRE_RUNS=N runs fewer (or more) than 3 (each run starts 10,000 tasks: over a minute).
      const r = await runWireRecoveryBench({ runs: Number(process.env.BCS_BENCH_WIRE_RUNS ?? 3), log });
      const loadAfter = loadNow();
      const worst = Math.max(...r.rows.map((row) => row.maxReconciledMs));
      const defaultRow = r.rows.find((row) => row.recoveringMs === 1000);
      return [
        'Command: `pnpm bench -- wire-recovery` (bench/wire-bench.mjs recovery).',
        '',
        'What it measures: the time from a master leader switch to the scheduler re-subscribed to the new leader',
        'AND every task reconciled (an UPDATE newer than the new SUBSCRIBED for each task), with 10,000 tasks Running.',
        '',
        `How: per run, a fresh \`bcs-mesos-sim --agents ${fmt(r.agents)} --masters 3 --port 0\` and a fresh scheduler child`,
        '(`node bench/wire-bench.mjs child recovery`: `@bcs/core` + LevelDB + `MesosHttpDriver` given the three',
        `master URLs, real clock, driver defaults: back-off 0.5–15 s with full jitter). The child creates a ${fmt(r.instances)}-instance`,
        'application (0.1 cpu, 32 MB, no constraint) and waits until all Running. Then, per switch: 3 s of quiet, then',
        '`POST /admin/faults {"fault":"switchLeader","recoveringMs":…}` (the stream is dropped; the next master leads and',
        'answers 503 "recovering" for `recoveringMs`; the others answer 307 to it). The child sees every event before',
        'the engine does (a tap on the listener it gives the driver). Times are from just before that POST to the',
        'new SUBSCRIBED, to the UPDATE that completes the set of task ids answered since it (the engine asks with',
        "explicit RECONCILE, 1,000 tasks per call; the answers carry no uuid), and to the end of the engine's own",
        'reconciliation (it takes answered tasks out on its next round, 1 s later, then sends the implicit RECONCILE).',
        `${r.switches} switches per run, alternating recoveringMs 1,000 (the simulator's default) and 0; ${r.runs} runs; medians per row.`,
        `After each switch the child checks every taskgroup is still Running in the engine. Start (create to all Running): median ${seconds(r.startMs)} s.`,
        '',
        '| master recovering (ms) | switches | re-subscribed (ms) | every task reconciled (ms) | worst (ms) | engine reconciliation over (ms) | scheduler CPU (s) | simulator CPU (s) | all 10,000 still Running |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        ...r.rows.map(
          (row) =>
            `| ${fmt(row.recoveringMs)} | ${row.switches} | ${fmt(row.subscribedMs)} | ${fmt(row.reconciledMs)} | ${fmt(row.maxReconciledMs)} | ${fmt(row.engineDoneMs)} | ${fmt(row.schedulerCpuS, 1)} | ${fmt(row.simCpuS, 1)} | ${row.allRunning ? 'yes' : '**NO**'} |`,
        ),
        '',
        `Goal (issue 10): < ${seconds(WIRE_GOALS.recoveryMs)} s to re-subscribed and every task reconciled: median ${fmt(defaultRow.reconciledMs)} ms with the`,
        `simulator's 1 s recovery window, worst of all switches ${fmt(worst)} ms: ${met(worst < WIRE_GOALS.recoveryMs)}.`,
        `Load average (1 min, the whole machine) before and after: ${loadBefore} and ${loadAfter}; the times are mostly the`,
        "scheduler's CPU (the CPU column), so they grow with the load.",
        '',
        "Where the time goes: re-subscribing is the master's recovery window plus the driver's back-off (0.5 s",
        'doubling, full jitter: a retry that lands just inside the window waits up to twice as long again); with',
        'no window the driver is subscribed within a few hundred ms. Reconciling is CPU in the scheduler. Before',
        "commit 'wire: ACKNOWLEDGE/RECONCILE on a parallel lane\u2026' (2026-12-03), a CPU profile of the window spent about",
        '35% of its 5 s in LevelDB batches: every reconciliation answer, though it changed nothing, rewrote its',
        'taskgroup (10,000 record writes). Now an answer that confirms the stored state writes nothing and triggers no',
        'application sync, and RECONCILE/ACKNOWLEDGE go on a lane of parallel connections of their own. The same',
        'bench before that commit, at load average 8\u201310 (3 runs): 5,836 ms median with the 1 s window, 2,983 ms',
        'without, 4.1 s of scheduler CPU, and 79 s to start the 10,000 tasks; the machine was quieter for this run, so',
        'part of the gain is the load: the scheduler CPU per switch (1.2 s against 4.1) is the figure that does not',
        'depend on it.',
      ];
    },
  },
  'wire-memory': {
    title: "Over the wire: the scheduler process's memory with 100,000 taskgroups",
    async run() {
      const runs = 1;
      // BCS_BENCH_WIRE_MEMORY=capped measures the 1 GiB old-space row only (each row takes minutes);
      // BCS_BENCH_WIRE_MEMORY_INSTANCES sets the taskgroups (default 100,000; agents a tenth of it).
      const configs =
        process.env.BCS_BENCH_WIRE_MEMORY === 'capped'
          ? WIRE_MEMORY_CONFIGS.filter((c) => c.maxOldSpaceMb !== undefined)
          : WIRE_MEMORY_CONFIGS;
      const loadBefore = loadNow();
      const rows = await runWireMemoryBench({ runs, configs, log });
      const loadAfter = loadNow();
      const worstPeak = Math.max(...rows.map((r) => Math.max(r.hwm, r.rss)));
      const full = rows.every((r) => r.instances === 100_000);
      return [
        'Command: `pnpm bench -- wire-memory` (bench/wire-bench.mjs memory); `BCS_BENCH_WIRE_MEMORY=capped` runs the',
        '1 GiB old-space row alone; `BCS_BENCH_WIRE_MEMORY_INSTANCES=30000` a smaller run (agents a tenth of it).',
        '',
        "What it measures: the `memory` section's workload with the simulator in its own process: the scheduler",
        "process's peak and held RSS while 100,000 taskgroups go from create to all Running over the Mesos HTTP API.",
        '',
        'How: per run, a fresh `bcs-mesos-sim --agents 10000 --port 0` and a fresh scheduler child (`node --expose-gc',
        'bench/wire-bench.mjs child memory`: `@bcs/core`, its store on LevelDB, `MesosHttpDriver`, real clock) that',
        "creates a 100,000-instance application (0.1 cpu, 32 MB) and waits until all Running (seen from the engine's",
        'commits), then 3 s more (the acknowledgements drain). RSS and heapUsed are sampled every 10 ms and around every',
        'engine commit (peak = largest sample); VmHWM is the kernel\'s peak RSS of the child at the end. "Held" is after',
        "a full GC once all run. CPU is user + system of each process over its whole life (the simulator's includes",
        "creating its agents). The simulator's VmHWM is shown for reference; it is not in the scheduler's figures. The",
        `second row caps the old space at 1 GiB, as the \`memory\` section does. ${runs} run per row (each takes minutes).`,
        '',
        '| agents | taskgroups | heap limit | runs | peak RSS (MiB) | VmHWM (MiB) | peak heapUsed (MiB) | held heapUsed (MiB) | held RSS (MiB) | all Running (s) | scheduler CPU (s) | simulator CPU (s) | simulator VmHWM (MiB) |',
        '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows.map(
          (r) =>
            `| ${fmt(r.agents)} | ${fmt(r.instances)} | ${r.maxOldSpaceMb === undefined ? 'default' : `${fmt(r.maxOldSpaceMb)} MiB old space`} | ${r.runs} | ${mib(r.rss)} | ${mib(r.hwm)} | ${mib(r.heapUsed)} | ${mib(r.settledHeapUsed)} | ${mib(r.settledRss)} | ${seconds(r.runningMs)} | ${fmt(r.cpuS, 1)} | ${fmt(r.simCpuS, 1)} | ${mib(r.simHwm)} |`,
        ),
        '',
        `Goal (issue 10): < 1 GiB peak for the scheduler process: the largest peak (RSS sample or VmHWM) of the rows is ${mib(worstPeak)} MiB, ${full ? met(worstPeak < WIRE_GOALS.peakBytes) : 'not judged (fewer than 100,000 taskgroups)'}.`,
        "The `memory` section's 1.67 GiB (1,675 MiB, 1 GiB old space) and 2,802 MiB (default heap) held the engine, the",
        'simulator and both LevelDB stores in one process.',
        `Load average (1 min, the whole machine, 2 cores shared with other work) before and after: ${loadBefore} and ${loadAfter}:`,
        'the wall times grow with it; the CPU columns much less.',
        '',
        ...WIRE_MEMORY_HISTORY,
      ];
    },
  },
  'events-fanout': {
    title: 'Events: fan-out to 1,000 WebSocket subscribers',
    async run() {
      const r = await runFanoutBench({ runs: 3, subscribers: 1000, log });
      // The same with a tenth of the subscribers: how latency and cost scale with the fan-out.
      const tenth = await runFanoutBench({ runs: 3, subscribers: 100, log });
      const failures = [r, tenth].reduce(
        (n, x) =>
          n +
          x.incomplete +
          x.gaps +
          x.duplicates +
          x.closedEarly +
          x.resyncs +
          x.verifyMismatches +
          x.reasonMismatches,
        0,
      );
      return [
        'Command: `pnpm bench -- events-fanout` (bench/events-bench.mjs, subscribers in bench/ws-subscribers.mjs).',
        '',
        `What it measures: the WebSocket event stream delivering every event of a busy scheduler to ${fmt(r.subscribers)}`,
        'subscribers: delivered events per second, delivery latency, whether every subscriber got every event once',
        'and in order, and what the fan-out costs the scheduler (the same workload with no subscriber, same run).',
        '',
        `How: the built \`bcs-scheduler\` command runs in its own process with \`--sim-agents ${r.agents}\` (4 cpus each),`,
        'LevelDB in a temp dir and the stream defaults (`--event-buffer` 1 MiB, at most 500 events per message). A',
        `second child process (bench/ws-subscribers.mjs) opens ${fmt(r.subscribers)} WebSocket connections to`,
        '`/v4/scheduler/mesos/events` with no filter (50 handshakes at a time) and waits for every hello before the',
        `workload starts. The bench process then drives the workload over HTTP, polling the application every ${r.pollMs} ms:`,
        `create a ${fmt(r.instances)}-instance application (0.1 cpu, 32 MB, kill grace 1 s) and wait until all Running;`,
        `scale it to ${fmt(r.scaleTo)} and wait until the surplus taskgroups are gone; scale back to ${fmt(r.instances)} and wait`,
        'until all Running; delete it and wait for the 404. Workload time is from the POST to the 404. Events',
        "produced is the log's sequence range over the workload (the hello `seq` of a probe connection before, and",
        'after once it stopped moving). A subscriber the server closes (4008: it fell more than `--event-buffer`',
        'behind) reconnects at once with `since=<the last event it received>`, as the protocol asks of clients.',
        'Each subscriber checks that it receives every event after its first hello once and in order, across its',
        'reconnections; the bench waits until every subscriber has the last event. Latency is `Date.now()` in the',
        "subscriber process when a message arrives minus the event's `time` (the server's commit, epoch ms), over",
        'every delivery (1 ms buckets); delivered/s is all deliveries over the window from the POST to the last',
        "delivery. So that the subscriber process is not the bottleneck, it reads each event's `seq` and `time` from",
        'the message bytes instead of `JSON.parse` (1 subscriber in 100 also parses every message and compares).',
        'CPU is user + system from /proc/<pid>/stat, from the POST to the 404 (no subscriber) or to the last delivery;',
        `peak RSS is the server's VmHWM. Each of ${r.runs} runs does the workload once with no subscriber and once with`,
        `${fmt(r.subscribers)} (alternating which goes first), each on a fresh server; figures are medians of the ${r.runs} runs, the`,
        'ratio is taken within each run. Two cores serve the server, its LevelDB threads, the subscriber process and',
        'the bench together.',
        '',
        '| subscribers | events produced | deliveries (all subscribers) | delivered events/s | latency p50 (ms) | p99 (ms) | max (ms) | last delivery after the 404 (ms) | data received | 4008 closes, each resumed |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...[r, tenth].map(
          (x) =>
            `| ${fmt(x.subscribers)} | ${fmt(x.produced)} | ${fmt(x.deliveries)} | ${fmt(x.deliveredPerSec)} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.maxLatency)} | ${fmt(x.tailMs)} | ${gb(x.bytes)} GiB in ${fmt(x.messages)} messages | ${fmt(x.serverCloses)} (${fmt(x.resumedSubscribers)} subscribers) |`,
        ),
        '',
        '| workload | events produced | wall time, POST to 404 (s) | server CPU (s) | server peak RSS (MiB) | subscriber process CPU (s) |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| no subscriber | ${fmt(r.baselineProduced)} | ${seconds(r.baselineMs)} | ${fmt(r.baselineServerCpu, 1)} | ${mib(r.baselinePeakRss)} | – |`,
        ...[tenth, r].map(
          (x) =>
            `| ${fmt(x.subscribers)} subscribers | ${fmt(x.produced)} | ${seconds(x.workloadMs)} | ${fmt(x.serverCpu, 1)} | ${mib(x.serverPeakRss)} | ${fmt(x.clientCpu, 1)} |`,
        ),
        '',
        `Wall time with ${fmt(r.subscribers)} subscribers / with none: **${fmt(r.ratio, 2)}×** (median of the per-run ratios;`,
        `${fmt(r.minRatio, 2)}–${fmt(r.maxRatio, 2)}); with ${fmt(tenth.subscribers)}: ${fmt(tenth.ratio, 2)}× (${fmt(tenth.minRatio, 2)}–${fmt(tenth.maxRatio, 2)}), each against its own`,
        'no-subscriber runs (the row above is the 1,000-subscriber series). Latency is mostly queueing: during the',
        'bursts the server and the subscriber process both want a whole core of the two, and every byte crosses',
        'loopback once per subscriber. Every status a taskgroup passes through is an event, even when Mesos',
        'reports several in one batch, so the same workload produces the same events with or without subscribers.',
        '',
        failures === 0
          ? `Delivery check, all ${r.runs} runs of both series: every subscriber received every event exactly once and in order, across its reconnections (no gap, no duplicate, none left closed, no resync; every 4008 reason's \`lastSeq\` was the last event the subscriber had received); ${fmt(r.verifiedMessages)} messages parsed with JSON.parse agreed with the byte scan.`
          : `**Delivery check FAILED** over the ${r.runs} runs: ${none(r.incomplete)} incomplete subscribers, ${none(r.gaps)} gaps, ${none(r.duplicates)} duplicates, ${none(r.closedEarly)} left closed, ${none(r.resyncs)} resyncs, ${none(r.reasonMismatches)} 4008 reasons not at the last event received, ${none(r.verifyMismatches)} scan/JSON.parse mismatches (of ${fmt(r.verifiedMessages)}).`,
        '',
        `Largest \`events\` message received: ${fmt(r.maxMessageEvents)} events, ${fmt(r.maxMessageBytes / 1024)} KiB (the stream's default is at`,
        'most 500 events per message).',
      ];
    },
  },
  soak: {
    title: 'Soak: heap under create/scale/delete churn',
    async run() {
      const settings = soakSettings();
      const r = await runSoakBench(settings, log);
      const kib = (bytes) => fmt(bytes / 1024, 1);
      const env = Object.values(SOAK_SETTINGS)
        .map((d) => `\`${d.env}\` (${d.help}; default ${fmt(d.fallback)})`)
        .join(', ');
      return [
        'Command: `pnpm bench -- soak` (bench/soak-bench.mjs; the heap probe is bench/soak-probe.mjs).',
        '',
        'What it measures: whether the server keeps anything for objects that are gone. Clients create, scale',
        'and delete applications and configmaps for minutes, ending every round with no application; the',
        "server's heap after a full GC must stay flat.",
        '',
        `How: the built \`bcs-scheduler\` command in its own process (\`--sim-agents ${r.settings.agents}\`, LevelDB in a temp dir,`,
        'real clock), started with `node --expose-gc --import bench/soak-probe.mjs`: the probe, which the command',
        'itself does not have, answers over an IPC channel with `process.memoryUsage()` after two `gc()` calls.',
        `${r.settings.clients} clients each repeat a cycle on new names over loopback HTTP: create a configmap and an`,
        `application of ${r.settings.instances} instances (0.1 cpu, 32 MB, kill grace 1 s), wait until all run, scale to`,
        `${r.settings.instances + 1} and wait, delete the application and wait for the 404, delete the configmap. The event`,
        'log keeps its newest 50,000 events in memory, growing to 62,500 before it cuts back to 50,000; so that',
        'this saw-tooth (about 5 MiB) does not read as a slope, the clients pause just after each cut (every',
        `12,500 events), and the heap is read once all are idle and ${r.settings.settleSeconds} s more have passed (the simulated cluster`,
        'holds each task for 10 s after its last update, in a resend timer it drops only when due). The warm-up',
        'runs until the first cut (the tail is then full); the readings after it are the measured ones. Slope:',
        `Theil–Sen (the median of the slopes between every two readings) of heapUsed over cycles; flat means at most ${fmt(r.settings.flatBytes)} bytes per cycle.`,
        `Settings (environment): ${env}.`,
        '',
        '| reading | cycles | time (s) | events logged | heapUsed (MiB) | RSS (MiB) |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        ...r.checkpoints.map(
          (p) =>
            `| ${p.phase} | ${fmt(p.cycles)} | ${fmt(p.seconds)} | ${fmt(p.events)} | ${fmt(p.heapUsed / 2 ** 20, 1)} | ${mib(p.rss)} |`,
        ),
        '',
        `Warm-up: ${fmt(r.warmupCycles)} cycles in ${fmt(r.warmupSeconds)} s. Measured: ${fmt(r.measuredCycles)} cycles in ${fmt(r.measuredSeconds)} s.`,
        `Slope: **${fmt(r.slope)} bytes per cycle** (${kib(r.slope)} KiB; least squares ${fmt(r.leastSquaresSlope)}): ${r.judged ? (r.flat ? '**flat**' : '**NOT flat**') : '**not judged** (the warm-up did not fill the tail, or fewer than 3 readings)'}.`,
      ];
    },
  },
  'events-sustained': {
    title: 'Events: 1,000 WebSocket subscribers at a sustained 1,000 events/s',
    async run() {
      const windowSeconds = Number(process.env.BCS_SUSTAINED_SECONDS ?? 60);
      const [r] = await runSustainedBench({
        runs: 1,
        seconds: windowSeconds,
        subscribers: 1000,
        eventsPerSec: 1000,
        log,
      });
      const ms = (n) => fmt(n);
      const lat = (x) => `${ms(x.p50)} | ${ms(x.p99)} | ${ms(x.p999)} | ${ms(x.max)}`;
      const ok =
        r.incomplete === 0 &&
        r.gaps === 0 &&
        r.duplicates === 0 &&
        r.closedEarly === 0 &&
        r.resyncs === 0 &&
        r.verifyMismatches === 0 &&
        r.deliveries === r.expectedDeliveries;
      return [
        'Command: `pnpm bench -- events-sustained` (bench/events-sustained-bench.mjs, subscribers in bench/ws-subscribers.mjs,',
        'server probe bench/eld-probe.mjs, load generator bench/open-loop.mjs).',
        '',
        'What it measures: how late the WebSocket stream delivers events when the scheduler produces a steady',
        `1,000 events/s for ${windowSeconds} s to ${fmt(r.subscribers)} subscribers (issue 11 §5; goal: delivery p99 < 50 ms), whether every`,
        'subscriber gets every event it selected, and what it costs the server (CPU, RSS, event-loop delay).',
        '',
        `How: the built \`bcs-scheduler\` command in its own process (\`--sim-agents 50\`, LevelDB on disk, real clock, the`,
        'stream defaults), started as `node --import bench/eld-probe.mjs <bin>`. The bench process creates',
        `${APPS.length} applications (${APPS.length / NAMESPACES.length} in each of the ${NAMESPACES.length} namespaces \`ns-0\`…\`ns-9\`, ${LOW} instances of 0.1 cpu, kill grace 1 s) and waits`,
        'until all run. The events are real ones through the engine: open-loop (bench/open-loop.mjs)',
        `\`PUT …/applications/{name}/scale/{n}\` requests, the applications in turn, each scaled to ${HIGH} and back to ${LOW}, so`,
        "each request makes an application event and its taskgroups' creation, placement, status updates from",
        'the simulated cluster, kills and removal. A calibration of one cycle (every application up and down at',
        `40 requests/s, no subscriber) measured ${fmt(r.calibration.eventsPerRequest, 1)} events per request, so the measured window sends`,
        `**${fmt(r.rate, 1)} requests/s** for ${windowSeconds} s. A second process (bench/ws-subscribers.mjs) then holds ${fmt(r.unfiltered)}`,
        `subscribers with no filter and ${fmt(r.filtered)} with \`namespace=ns-k\` (${fmt(r.filtered / NAMESPACES.length)} per namespace), all connected before the`,
        "window. Latency is `Date.now()` in the subscriber process when a message arrives minus the event's",
        '`time` (epoch ms the server stamped as it committed the event; same host clock), over every delivery',
        '(1 ms buckets), including those after the window while the backlog drains. Expected deliveries: every',
        'event of the window to each unfiltered subscriber, and to each filtered one the events of its namespace,',
        'counted by reading the log back (`since=`) after the run; each filtered subscriber also checks the sum of',
        "the sequence numbers it got against the log's. Server CPU and ELU (event-loop utilisation, the share of",
        'the window the main thread was not idle) over the window, from the probe; peak RSS sampled every 0.5 s;',
        '"subscriber process CPU" is the clients\' own process, as a share of one core; "CPU per delivery" is the',
        "server's CPU time from the window's start until every subscriber had every event (the drain included) over",
        'the deliveries. One run.',
        '',
        '| subscribers | latency p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) |',
        '| --- | ---: | ---: | ---: | ---: |',
        `| all ${fmt(r.subscribers)} | ${lat(r)} |`,
        `| ${fmt(r.unfiltered)} unfiltered | ${lat(r.unfilteredLatency)} |`,
        `| ${fmt(r.filtered)} filtered by namespace | ${lat(r.filteredLatency)} |`,
        '',
        '| scale requests sent (ok) | request p99 (ms) | events in the window | events/s in the window | events in all (window and drain) | deliveries / expected | last delivery (s after the start) | messages | server CPU | CPU per delivery (µs) | ELU | ELD p99 (ms) | ELD max (ms) | server peak RSS (MiB) | subscriber process CPU | load average |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| ${fmt(r.requests)} (${fmt(r.requestsOk)}) | ${fmt(r.requestP99)} | ${fmt(r.producedInWindow)} | ${fmt(r.producedPerSec)} | ${fmt(r.produced)} | ${fmt(r.deliveries)} / ${fmt(r.expectedDeliveries)} | ${seconds(r.lastDeliveryMs)} | ${fmt(r.messages)} | ${pct(r.serverCpuShare)} | ${fmt(r.cpuUsPerDelivery, 2)} | ${pct(r.eld.elu)} | ${fmt(r.eld.p99, 1)} | ${fmt(r.eld.max, 1)} | ${mib(r.serverPeakRss)} | ${pct(r.clientCpuShare)} | ${fmt(r.load, 1)} |`,
        '',
        `Goal (issue 11): delivery p99 < 50 ms at 1,000 events/s to 1,000 subscribers: p99 ${ms(r.p99)} ms, ${fmt(r.producedPerSec)} events/s produced in the window: ${met(r.p99 < 50 && r.producedPerSec >= 950)}.`,
        '',
        ok
          ? `Delivery check: every subscriber received every event it selected exactly once and in order (${fmt(r.deliveries)} deliveries, none lost; no gap, no duplicate, no close, no resync); ${fmt(r.verifiedMessages)} messages parsed with JSON.parse agreed with the byte scan.`
          : `**Delivery check FAILED**: ${fmt(r.deliveries)} deliveries of ${fmt(r.expectedDeliveries)} expected, ${none(r.incomplete)} incomplete subscribers, ${none(r.gaps)} gaps, ${none(r.duplicates)} duplicates, ${none(r.closedEarly)} closed, ${none(r.resyncs)} resyncs, ${none(r.verifyMismatches)} scan/JSON.parse mismatches.`,
      ];
    },
  },
  'events-memory': {
    title: 'Events: server memory with a subscriber that never reads',
    async run() {
      const r = await runEventMemoryBench({ runs: 3, log });
      const s = (ms) => (Number.isFinite(ms) ? seconds(ms) : 'never');
      return [
        'Command: `pnpm bench -- events-memory` (bench/events-bench.mjs).',
        '',
        'What it measures: whether a subscriber that stops reading makes the server hold the events it cannot',
        "send: the server's peak RSS with one such subscriber against the same workload with none (same run), and",
        'when the server lets go of that subscriber.',
        '',
        `How: the built \`bcs-scheduler\` command in its own process (\`--sim-agents ${r.agents} --log-level warn\`, LevelDB in a`,
        'temp dir, `--event-buffer` default 1 MiB, `--event-stall` default 10 s, close grace 5 s). The subscriber is a `ws` client in the bench',
        'process that completes the handshake and pauses its socket on `open`: it never reads again, so its kernel',
        "receive buffer fills, then the server's kernel send buffer, then ws's `bufferedAmount`, which the server",
        `bounds. Workload: a ${fmt(r.instances)}-instance application (${r.cpu} cpu, 32 MB, kill grace 1 s) created and polled`,
        `every ${r.pollMs} ms until all Running, then deleted and polled until the 404. The server's VmRSS is read from`,
        '/proc/<pid>/status every 100 ms from its start until 20 s after the 404; peak RSS is the largest sample (VmHWM',
        "read at the end is the kernel's own peak). Event bytes: after the no-subscriber workload a reading client",
        "replays the whole log (`since=0`) and sums each event's JSON. The close: the time and `lastSeq` come from",
        "the server's `slow consumer closed` log line; the server released the socket when /proc/net/tcp shows its",
        'end of the connection held by no process (inode 0). After the run the client resumes reading, to see how',
        `the connection ended. Each of ${r.runs} runs does both workloads (alternating which goes first), each on a fresh`,
        `server; figures are medians of the ${r.runs} runs, the ratio is taken within each run.`,
        '',
        '| subscriber | events produced | event JSON (MiB) | mean event (bytes) | peak RSS, MiB (min–max) | VmHWM (MiB) | workload, POST to 404 (s) |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| none | ${fmt(r.produced)} | ${mib(r.eventBytes)} | ${fmt(r.meanEventBytes)} | ${mib(r.peakRssNone)} (${mib(r.peakRssNoneRange[0])}–${mib(r.peakRssNoneRange[1])}) | ${mib(r.hwmNone)} | ${seconds(r.workloadNone)} |`,
        `| one that never reads | ${fmt(r.producedNonReader)} | – | – | ${mib(r.peakRssNonReader)} (${mib(r.peakRssNonReaderRange[0])}–${mib(r.peakRssNonReaderRange[1])}) | ${mib(r.hwmNonReader)} | ${seconds(r.workloadNonReader)} |`,
        '',
        `Peak RSS with the never-reading subscriber / with none: **${fmt(r.ratio, 2)}×** (median of the per-run ratios;`,
        `${fmt(r.minRatio, 2)}–${fmt(r.maxRatio, 2)}). Column medians come from different runs; the peak of the same workload`,
        "varies from run to run with V8's garbage collection, so compare the per-run ratio.",
        '',
        '| closed with 4008 | closed at (s after POST) | `lastSeq` at close (min–max) | `bufferedAmount` at close, bytes (min–max) | socket released at (s after POST) | peak server kernel send queue (bytes) | peak client unread (bytes) | the client sees, resuming |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        `| ${r.closedRuns} of ${r.runs} runs | ${s(r.slowCloseMs)} | ${fmt(r.slowCloseLastSeq)} (${fmt(r.minSlowCloseLastSeq)}–${fmt(r.maxSlowCloseLastSeq)}) | ${fmt(r.slowCloseBuffered)} (${fmt(r.minSlowCloseBuffered)}–${fmt(r.maxSlowCloseBuffered)}) | ${s(r.releasedMs)} | ${fmt(r.maxTxQueue)} | ${fmt(r.maxRxQueue)} | close code ${r.closeCodes.join(', ')} |`,
        '',
        "The stream stops pulling events for a subscriber once ws's `bufferedAmount` passes `--event-buffer` (1 MiB)",
        'after a send, and closes it (4008) if it stays there for `--event-stall` (10 s); so the connection holds at most',
        `1 MiB plus one message; a message of 500 events (the default most) of this workload is about ${fmt((500 * r.meanEventBytes) / 1024)} KiB.`,
        'The kernel buffers the subscriber could not read (send queue, unread receive queue) are not in the',
        "server's RSS.",
        ...(r.closeCodes.length === 1 && r.closeCodes[0] === 1006
          ? [
              'Resuming, the client read what the kernel still held, then the connection ended without a close frame',
              '(1006): the 4008 close frame was queued behind the unsent data that the server dropped when it',
              'terminated the socket after the grace, so a client that stops reading never sees the `lastSeq` reason and',
              'resumes from the last event it processed.',
            ]
          : []),
      ];
    },
  },
};

for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  // A section that needs a setting (the A/B's other build) runs only when named and given it.
  if (bench.requires !== undefined && (only.length === 0 || process.env[bench.requires] === undefined)) {
    if (only.includes(name)) console.error(`[bench] ${name}: set ${bench.requires} first`);
    continue;
  }
  console.error(`[bench] ${name}…`);
  const body = await bench.run();
  const section = [
    `<!-- bench:${name} -->`,
    `## ${bench.title}`,
    '',
    `Measured ${today()} on ${machine()}.`,
    '',
    ...body,
    `<!-- /bench:${name} -->`,
  ].join('\n');
  // Read the document again: it may have been edited while the benchmark ran.
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  doc = pattern.test(doc) ? doc.replace(pattern, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  console.error(section);
}
