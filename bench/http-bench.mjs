// HTTP create and get of configmaps against the real `bcs-scheduler` command (LevelDB on disk, in its own
// process), loaded by autocannon from this process. Medians over `runs` runs of `seconds` each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServerProcess } from './server-process.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const BASE = '/v4/scheduler/mesos/namespaces/bench';

function configMap(name) {
  return JSON.stringify({
    apiVersion: 'v4',
    kind: 'configmap',
    metadata: { name, namespace: 'bench', labels: {} },
    datas: { 'item-one': { type: 'file', content: 'Y29uZmlnIGNvbnRleHQ=' } },
  });
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs the benchmark; resolves to rows `{ op, rps, p50, p99, runs, connections, seconds, errors }`. */
export async function runHttpBench({ runs = 5, seconds = 5, connections = 16 } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-bench-http-'));
  const server = await startServerProcess({ dataDir, clusterId: CLUSTER_ID });
  try {
    const samples = { create: [], get: [] };
    let seq = 0;
    // A configmap for the GETs to read.
    await fetch(`${server.url}${BASE}/configmaps`, {
      method: 'POST',
      headers: HEADERS,
      body: configMap('read-me'),
    });
    for (let run = 0; run < runs; run++) {
      const create = await load({
        url: server.url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: `${BASE}/configmaps`,
            headers: HEADERS,
            setupRequest: (req) => ({ ...req, body: configMap(`cm-${run}-${seq++}`) }),
          },
        ],
      });
      const get = await load({
        url: server.url,
        connections,
        duration: seconds,
        requests: [{ method: 'GET', path: `${BASE}/configmaps/read-me`, headers: HEADERS }],
      });
      samples.create.push(create);
      samples.get.push(get);
    }
    return Object.entries(samples).map(([op, results]) => ({
      op: op === 'create' ? 'POST create configmap' : 'GET configmap',
      rps: median(results.map((r) => r.requests.average)),
      p50: median(results.map((r) => r.latency.p50)),
      p99: median(results.map((r) => r.latency.p99)),
      errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
      runs,
      connections,
      seconds,
    }));
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runHttpBench({
    runs: Number(process.env.RUNS ?? 5),
    seconds: Number(process.env.SECONDS ?? 5),
  });
  console.table(rows);
}
