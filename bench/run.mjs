// `pnpm bench`: runs every benchmark and rewrites its section of docs/benchmarks.md, with the command, the
// machine (nproc, memory) and the date. Sections live between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`
// markers, so one benchmark can be rerun alone (`pnpm bench -- store`) without touching the others.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { deploymentMarkdown, runDeploymentBench } from './deployment-bench.mjs';
import { runHttpAppBench } from './http-app-bench.mjs';
import { runHttpBench } from './http-bench.mjs';
import { MEMORY_CONFIGS, runMemoryBench, runPlacementBench } from './scheduler-bench.mjs';
import { runStoreBench } from './store-bench.mjs';

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
/** The goal of the placement benchmark: placements per second at 10 000 agents, in one process. */
const PLACEMENT_GOAL = 10_000;

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
  http: {
    title: 'HTTP: create and get configmaps',
    async run() {
      const options = { runs: 5, seconds: 5, connections: 16 };
      const rows = await runHttpBench(options);
      return [
        `Command: \`pnpm bench -- http\` (bench/http-bench.mjs). The \`bcs-scheduler\` command runs in its own process with`,
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
        'temp dir) and the simulated cluster (`@bcs/testing/cluster`: offers every simulated second, tasks start',
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
};

for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
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
