// `pnpm bench`: runs every benchmark and rewrites its section of docs/benchmarks.md, with the command, the
// machine (nproc, memory) and the date. Sections live between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`
// markers, so one benchmark can be rerun alone (`pnpm bench -- store`) without touching the others.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runHttpBench } from './http-bench.mjs';
import { runStoreBench } from './store-bench.mjs';

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const only = process.argv.slice(2).filter((a) => a !== '--');

const machine = () =>
  `nproc ${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const today = () => new Date().toISOString().slice(0, 10);
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

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
};

let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
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
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  doc = pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  console.error(section);
}
