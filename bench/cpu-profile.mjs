// Reads a V8 `.cpuprofile` (from `--cpu-prof` or node:inspector's Profiler, as bench/eld-probe.mjs writes) and
// sums it up: the share of samples that were idle, garbage collection, V8's own work and `writev`, the
// functions with the most self time, self time per package, and the inclusive share of a few areas (a
// sample counts for an area when any frame of its stack is in it).
//
//   node bench/cpu-profile.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a frame's code lives: a workspace package, an npm package, node's own code, or native. */
export function areaOf(url) {
  if (url === '') return 'native';
  const npm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return npm[1];
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@bcs/${workspace[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^file:\/\//, '');
}

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^.*\/packages\//, '');

/** Areas whose inclusive share is reported, each a test on a frame. */
const INCLUSIVE = {
  'store-level and classic-level': (f) => /store-level|classic-level|abstract-level/.test(f.url),
  'koa and its middleware': (f) => /node_modules\/.*koa/.test(f.url),
  '@bcs/core': (f) => /\/packages\/core\//.test(f.url),
  '@bcs/http-koa': (f) => /\/packages\/http-koa\//.test(f.url),
  'JSON.parse / JSON.stringify': (f) => f.url === '' && /^(parse|stringify)$/.test(f.functionName),
  'node:http and net': (f) =>
    /^node:(_http|http|net|internal\/(http|stream_base_commons|streams))/.test(f.url),
};

/**
 * Sums `profile` up. Shares are of all samples (wall time of the profiled window: V8 samples the main thread
 * whether it runs or waits). Returns `{ ms, samples, idle, gc, program, writev, top, areas, inclusive }`.
 */
export function summarizeProfile(profile, top = 15) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const self = new Map();
  const areas = new Map();
  const inclusive = Object.fromEntries(Object.keys(INCLUSIVE).map((k) => [k, 0]));
  const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  for (const [id, n] of counts) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    // A native frame without a name (a binding such as classic-level's batch_do) is named after its caller.
    const caller = functionName === '' && url === '' ? nodes.get(parent.get(id))?.callFrame : undefined;
    const name = caller
      ? `(native, called by ${caller.functionName || '(anonymous)'})`
      : functionName || '(anonymous)';
    const at = caller ?? { url, lineNumber };
    add(self, `${name}\t${at.url === '' ? '' : `${shortUrl(at.url)}:${at.lineNumber + 1}`}`, n);
    add(areas, caller ? areaOf(caller.url) : name.startsWith('(') && url === '' ? name : areaOf(url), n);
    const hit = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame;
      for (const [area, test] of Object.entries(INCLUSIVE)) if (test(frame)) hit.add(area);
    }
    for (const area of hit) inclusive[area] += n;
  }
  const share = (n) => n / total;
  const selfOf = (name) =>
    share([...self].filter(([key]) => key.split('\t')[0] === name).reduce((s, [, n]) => s + n, 0));
  const sorted = (map, k) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, n]) => ({ key, share: share(n) }));
  return {
    ms: (profile.endTime - profile.startTime) / 1000,
    samples: total,
    idle: selfOf('(idle)'),
    gc: selfOf('(garbage collector)'),
    program: selfOf('(program)'),
    writev: selfOf('writev'),
    top: sorted(self, top).map(({ key, share }) => {
      const [name, where] = key.split('\t');
      return { name, where, share };
    }),
    areas: sorted(areas, top).map(({ key, share }) => ({ area: key, share })),
    inclusive: Object.fromEntries(Object.entries(inclusive).map(([k, n]) => [k, share(n)])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const summary = summarizeProfile(
    JSON.parse(readFileSync(process.argv[2], 'utf8')),
    Number(process.argv[3] ?? 20),
  );
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `${summary.samples} samples over ${summary.ms.toFixed(0)} ms; idle ${pct(summary.idle)}, GC ${pct(summary.gc)}, program ${pct(summary.program)}, writev ${pct(summary.writev)}`,
  );
  console.table(summary.top.map((t) => ({ ...t, share: pct(t.share) })));
  console.table(summary.areas.map((a) => ({ ...a, share: pct(a.share) })));
  console.table(Object.entries(summary.inclusive).map(([area, s]) => ({ area, share: pct(s) })));
}
