// What one `GET …/applications/{name}/taskgroups` of a 100-instance application costs the server (issue 11 §2's
// saturation at about 200 req/s): the built `bcs-scheduler` command (`--sim-agents 10`, LevelDB on disk, real
// clock, bench/eld-probe.mjs preloaded) with the application all Running, then `requests` GETs closed loop from
// `connections` keep-alive connections; the server's CPU time over them (all threads, from the probe) per
// request. With several builds (`bins`), each is measured `rounds` times, alternating, each on a fresh server: an
// A/B in one session. With `profile`, also the server's CPU profile of one more series (this build only).
//
//   node bench/taskgroups-cost.mjs [--requests 3000] [--rounds 3] [--ab <other bcs-scheduler.js>] [--profile <file>]
//   import { runTaskgroupsCost } from './bench/taskgroups-cost.mjs'
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startProbedServer } from './http-open-loop-bench.mjs';
import { APP_ID, benchApplication, NAMESPACE } from './sim-scheduler.mjs';

const HEADERS = { 'BCS-ClusterID': 'BCS-BENCH-00001', 'content-type': 'application/json' };
const BASE = `/v4/scheduler/mesos/namespaces/${NAMESPACE}/applications`;
export const INSTANCES = 100;

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.data;
}

/** `count` GETs of `path`, `connections` at a time; resolves to the wall ms and the bytes of the last answer. */
function closedLoop(url, path, count, connections) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let next = 0;
  let bytes = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = request(
        { agent, host: target.hostname, port: target.port, path, headers: HEADERS },
        (res) => {
          let size = 0;
          res.on('data', (chunk) => {
            size += chunk.length;
          });
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            bytes = size;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  const started = performance.now();
  return Promise.all(Array.from({ length: connections }, worker)).then(() => {
    agent.destroy();
    return { ms: performance.now() - started, bytes };
  });
}

/** One fresh server of `bin`: the application, a warm-up, then the measured series (and its profile). */
export async function taskgroupsCostRun({ bin, requests = 3000, connections = 8, profile, log = () => {} }) {
  const server = await startProbedServer({ bin, args: ['--sim-agents', '10'] });
  try {
    await call(`${server.url}${BASE}`, {
      method: 'POST',
      body: JSON.stringify(benchApplication({ instances: INSTANCES })),
    });
    const deadline = performance.now() + 120_000;
    while ((await call(`${server.url}${BASE}/${APP_ID}`)).RunningInstances !== INSTANCES) {
      if (performance.now() > deadline) throw new Error('not all Running');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const path = `${BASE}/${APP_ID}/taskgroups`;
    await closedLoop(server.url, path, 500, connections);
    await server.ask('eld-reset');
    const { ms, bytes } = await closedLoop(server.url, path, requests, connections);
    const eld = await server.ask('eld-read');
    const row = {
      requests,
      bytes,
      perSec: (requests * 1000) / ms,
      cpuMsPerRequest: (eld.cpu * ms) / requests,
      elu: eld.elu,
    };
    log(`taskgroups-cost ${bin ?? 'this build'}: ${JSON.stringify(row)}`);
    if (profile !== undefined) {
      await server.ask('profile-start', { intervalUs: 200 });
      await closedLoop(server.url, path, requests, connections);
      await server.ask('profile-stop', { path: profile });
    }
    return row;
  } finally {
    await server.close();
  }
}

/** `rounds` runs of each build in `bins` ({ label, bin }), alternating the order each round. */
export async function runTaskgroupsCost({ bins, rounds = 3, requests = 3000, log = () => {} }) {
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    for (const { label, bin } of round % 2 === 0 ? bins : [...bins].reverse()) {
      runs.push({ label, round, ...(await taskgroupsCostRun({ bin, requests, log })) });
    }
  }
  return runs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      rounds: { type: 'string', default: '3' },
      ab: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const requests = Number(values.requests);
  const log = (line) => console.error(line);
  if (values.profile !== undefined) await taskgroupsCostRun({ requests, profile: values.profile, log });
  const bins = [{ label: 'this build', bin: undefined }];
  if (values.ab !== undefined) bins.push({ label: values.ab, bin: values.ab });
  const runs = await runTaskgroupsCost({ bins, rounds: Number(values.rounds), requests, log });
  console.table(runs);
}
