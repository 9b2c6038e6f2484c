// The WebSocket event stream at a sustained rate (issue 11 §5): the real `bcs-scheduler` command (own process,
// LevelDB on disk, real clock, the simulated cluster, bench/eld-probe.mjs preloaded) with 1,000 subscribers in
// a second process (bench/ws-subscribers.mjs), half with no filter and half filtered to one of 10 namespaces,
// while the bench process makes the scheduler produce a steady stream of events for a minute: open-loop
// `PUT …/applications/{name}/scale/{n}` requests (bench/open-loop.mjs) across 100 applications in those 10
// namespaces, each scaling its application up or down by a few instances, at a fixed rate calibrated so that the
// engine commits about `eventsPerSec` events per second. Every event is a real one: the scale's own
// application event, and the taskgroups' creation, placement, status updates from the simulated cluster,
// kills and removal.
//
//   node bench/events-sustained-bench.mjs [--seconds 60] [--subscribers 1000] [--events-per-sec 1000]
//   import { runSustainedBench } from './bench/events-sustained-bench.mjs'
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { cpuSecondsOf, forkSubscribers, memoryOf, newestSeq, quantile, settledSeq } from './events-bench.mjs';
import { startProbedServer } from './http-open-loop-bench.mjs';
import { openLoop } from './open-loop.mjs';
import { benchApplication } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const EVENTS_PATH = '/v4/scheduler/mesos/events';
/** The namespaces of the workload; the filtered subscribers are spread evenly over them. */
export const NAMESPACES = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
/** Applications per namespace. */
export const APPS_PER_NAMESPACE = 10;
/** Each application toggles between these instance counts, one scale request at a time. */
export const LOW = 2;
export const HIGH = 10;
/** Seconds the simulated tasks take to die when killed (the applications' `killPolicy.gracePeriod`). */
const KILL_GRACE_SECONDS = 1;
const SETUP_TIMEOUT_MS = 180_000;
const DELIVERY_TIMEOUT_MS = 300_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const appsPath = (namespace) => `/v4/scheduler/mesos/namespaces/${namespace}/applications`;
const wsUrl = (base) => `${base.replace(/^http/, 'ws')}${EVENTS_PATH}`;

/** Every application of the workload, in the order the open loop cycles through them. */
export const APPS = NAMESPACES.flatMap((namespace) =>
  Array.from({ length: APPS_PER_NAMESPACE }, (_, i) => ({ namespace, name: `app-${i}` })),
);

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(
      `${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
  return body.data;
}

function application({ namespace, name }, instances) {
  const app = benchApplication({ instances });
  return {
    ...app,
    metadata: { ...app.metadata, name, namespace, labels: { podname: name } },
    killPolicy: { gracePeriod: KILL_GRACE_SECONDS },
  };
}

/** Creates every application with {@link LOW} instances and waits until all of them run. */
async function createApplications(base) {
  for (const app of APPS) {
    await call(`${base}${appsPath(app.namespace)}`, {
      method: 'POST',
      body: JSON.stringify(application(app, LOW)),
    });
  }
  const deadline = performance.now() + SETUP_TIMEOUT_MS;
  for (const app of APPS) {
    for (;;) {
      const data = await call(`${base}${appsPath(app.namespace)}/${app.name}`);
      if (data.RunningInstances === LOW) break;
      if (performance.now() > deadline) throw new Error(`${app.namespace}/${app.name} not all Running`);
      await sleep(100);
    }
  }
}

/**
 * The open loop's request of slot `i`: the applications in turn, each alternately scaled to {@link HIGH} and
 * back to {@link LOW}; `offset` continues the alternation from an earlier window (`offset` slots before).
 */
const scaleRequest = (offset) => (i) => {
  const slot = offset + i;
  const app = APPS[slot % APPS.length];
  const up = Math.floor(slot / APPS.length) % 2 === 0;
  return {
    method: 'PUT',
    path: `${appsPath(app.namespace)}/${app.name}/scale/${up ? HIGH : LOW}`,
    headers: HEADERS,
  };
};

/**
 * Reads the log after `after` through `last` with an unfiltered resuming client: per namespace, the count of
 * events, the sum of their sequence numbers and the last one: what each filtered subscriber must have received.
 */
async function expectedByNamespace(base, after, last) {
  const byNamespace = Object.fromEntries(NAMESPACES.map((ns) => [ns, { count: 0, seqSum: 0, last: after }]));
  if (last <= after) return byNamespace;
  const ws = new WebSocket(`${wsUrl(base)}?since=${after}`, {
    headers: { 'BCS-ClusterID': CLUSTER_ID },
    perMessageDeflate: false,
  });
  let next = after + 1;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('replay: timed out')), 120_000);
      ws.on('error', reject);
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'resync') reject(new Error('replay: resync (history not retained)'));
        if (message.type !== 'events') return;
        for (const event of message.events) {
          if (event.seq !== next) reject(new Error(`replay: expected ${next}, got ${event.seq}`));
          next = event.seq + 1;
          if (event.seq > last) continue;
          const expect = byNamespace[event.namespace];
          if (expect !== undefined) {
            expect.count++;
            expect.seqSum += event.seq;
            expect.last = event.seq;
          }
        }
        if (next > last) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    ws.terminate();
  }
  return byNamespace;
}

/**
 * One run: a fresh server (`--sim-agents agents`), the applications, `subscribers` clients (half with no
 * filter, half `namespace=ns-k`, k = 0…9 in turn), a calibration of `calibrateCycles` cycles (every
 * application scaled up, then down) at `calibrateRate` requests per second (events per request), then the measured window: `seconds` of scale requests at the
 * rate that gives `eventsPerSec` (or at `requestRate` requests/s when given: an A/B sends the same load to
 * each build). With `profile` (a file path), the server's CPU profile of the measured window
 * is written there (bench/eld-probe.mjs; summarise it with bench/cpu-profile.mjs). Resolves to the figures of the measured window (see the return statement).
 */
export async function sustainedRun({
  subscribers = 1000,
  seconds = 60,
  eventsPerSec = 1000,
  agents = 50,
  requestRate,
  calibrateCycles = 1,
  calibrateRate = 40,
  bin,
  profile,
  log = () => {},
} = {}) {
  const server = await startProbedServer({ args: ['--sim-agents', String(agents)], bin });
  let clients;
  try {
    await createApplications(server.url);
    log(`${APPS.length} applications of ${LOW} instances Running`);
    // Calibrate before the subscribers connect (a cold engine: the first scale requests cost more).
    const calStart = await settledSeq(server.url);
    // Whole cycles (every application up, then down again), so that the measured window starts from LOW.
    const requests = 2 * APPS.length * calibrateCycles;
    await openLoop({
      url: server.url,
      rate: calibrateRate,
      durationMs: (requests * 1000) / calibrateRate,
      request: scaleRequest(0),
    });
    const offset = requests;
    const calEnd = await settledSeq(server.url, 3000);
    const eventsPerRequest = (calEnd - calStart) / offset;
    const rate = requestRate ?? eventsPerSec / eventsPerRequest;
    log(
      `calibration: ${calEnd - calStart} events for ${offset} scale requests (${eventsPerRequest.toFixed(2)} each): ${rate.toFixed(1)} requests/s`,
    );

    const unfiltered = Math.ceil(subscribers / 2);
    const filtered = subscribers - unfiltered;
    // ready[0]: the unfiltered clients; ready[1 + k]: those of NAMESPACES[k].
    const none = { connected: 0, failed: 0, ms: 0, helloSeqs: [] };
    const ready = [none];
    if (subscribers > 0) {
      clients = forkSubscribers();
      ready[0] = await clients.request({
        cmd: 'connect',
        url: wsUrl(server.url),
        clusterId: CLUSTER_ID,
        count: unfiltered,
      });
    }
    for (const [k, namespace] of NAMESPACES.entries()) {
      const count = Math.floor(filtered / NAMESPACES.length) + (k < filtered % NAMESPACES.length ? 1 : 0);
      if (count === 0) {
        ready.push(none);
        continue;
      }
      ready.push(
        await clients.request({
          cmd: 'connect',
          url: wsUrl(server.url),
          clusterId: CLUSTER_ID,
          count,
          query: `namespace=${namespace}`,
        }),
      );
    }
    const failed = ready.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} of ${subscribers} subscribers did not connect`);
    log(`${subscribers} subscribers connected in ${ready.reduce((n, r) => n + r.ms, 0)} ms`);
    const seqStart = await newestSeq(server.url);
    const helloSeqs = ready.filter((r) => r.connected > 0).flatMap((r) => r.helloSeqs);
    if (helloSeqs.some((seq) => seq !== seqStart)) {
      throw new Error(`the log moved while the subscribers connected: hellos ${helloSeqs}, now ${seqStart}`);
    }

    // The measured window.
    const rss = [];
    const sampler = setInterval(() => rss.push(memoryOf(server.pid).rss), 500);
    const serverCpu0 = cpuSecondsOf(server.pid);
    const clientCpu0 = clients === undefined ? 0 : cpuSecondsOf(clients.pid);
    if (profile !== undefined) await server.ask('profile-start', { intervalUs: 1000 });
    await server.ask('eld-reset');
    const started = Date.now();
    const load = await openLoop({
      url: server.url,
      rate,
      durationMs: seconds * 1000,
      request: scaleRequest(offset),
      onWindowEnd: async () => ({
        eld: await server.ask('eld-read'),
        seq: await newestSeq(server.url),
        serverCpu: cpuSecondsOf(server.pid) - serverCpu0,
        clientCpu: clients === undefined ? 0 : cpuSecondsOf(clients.pid) - clientCpu0,
        at: Date.now(),
      }),
    });
    clearInterval(sampler);
    if (profile !== undefined) await server.ask('profile-stop', { path: profile });
    const windowEnd = load.atWindowEnd;
    const windowMs = windowEnd.at - started;
    const seqEnd = await settledSeq(server.url, 3000);
    const expectByNamespace = await expectedByNamespace(server.url, seqStart, seqEnd);
    const expectByQuery = Object.fromEntries(
      NAMESPACES.map((ns) => [`namespace=${ns}`, { after: seqStart, ...expectByNamespace[ns] }]),
    );
    const lastByQuery = Object.fromEntries(Object.entries(expectByQuery).map(([q, e]) => [q, e.last]));
    const reached =
      clients === undefined
        ? { ok: true, behind: 0 }
        : await clients.request({ cmd: 'wait', seq: seqEnd, timeoutMs: DELIVERY_TIMEOUT_MS, lastByQuery });
    const report =
      clients === undefined
        ? { problems: [], histogram: [], histogramUnfiltered: [], histogramFiltered: [] }
        : await clients.request({ cmd: 'report', seq: seqEnd, expectByQuery });
    // Server CPU from the window's start until every subscriber had every event (the drain included).
    const serverCpuTotal = cpuSecondsOf(server.pid) - serverCpu0;
    const produced = seqEnd - seqStart;
    const perSubscriber = (query) => (query === '' ? produced : expectByQuery[query].count);
    const expectedDeliveries =
      unfiltered * produced +
      ready.slice(1).reduce((n, r, k) => n + r.connected * perSubscriber(`namespace=${NAMESPACES[k]}`), 0);
    const { problems, histogram, histogramUnfiltered, histogramFiltered, ...totals } = report;
    if (problems.length > 0) log(`problems (first 20): ${JSON.stringify(problems)}`);
    const latency = (buckets) => ({
      p50: quantile(buckets, 0.5),
      p99: quantile(buckets, 0.99),
      p999: quantile(buckets, 0.999),
      max: buckets.at(-1)?.[0] ?? Number.NaN,
    });
    return {
      subscribers,
      unfiltered,
      filtered,
      seconds,
      calibration: { requests: offset, events: calEnd - calStart, eventsPerRequest },
      rate,
      requests: load.sent,
      requestsOk: load.ok,
      requestErrors: load.non2xx + load.errors,
      requestP99: load.p99,
      requestBacklog: load.backlog,
      producedInWindow: windowEnd.seq - seqStart,
      producedPerSec: ((windowEnd.seq - seqStart) * 1000) / windowMs,
      produced,
      seqStart,
      seqEnd,
      expectedDeliveries,
      deliveries: totals.deliveries,
      allReached: reached.ok,
      behind: reached.behind,
      ...latency(histogram),
      unfilteredLatency: latency(histogramUnfiltered),
      filteredLatency: latency(histogramFiltered),
      negativeLatency: totals.negativeLatency,
      messages: totals.messages,
      bytes: totals.bytes,
      complete: totals.complete,
      incomplete: totals.incomplete,
      gaps: totals.gaps,
      duplicates: totals.duplicates,
      closedEarly: totals.closedEarly,
      closesByCode: totals.closesByCode,
      resyncs: totals.resyncs,
      verifiedMessages: totals.verifiedMessages,
      verifyMismatches: totals.verifyMismatches,
      problems,
      eld: windowEnd.eld,
      serverCpuShare: windowEnd.serverCpu / (windowMs / 1000),
      serverCpuTotal,
      /** Server CPU µs per delivery (per event per subscriber), the drain included. */
      cpuUsPerDelivery: totals.deliveries > 0 ? (serverCpuTotal * 1e6) / totals.deliveries : Number.NaN,
      /** From the window's start to the last delivery. */
      lastDeliveryMs: totals.lastReceive === undefined ? Number.NaN : totals.lastReceive - started,
      clientCpuShare: windowEnd.clientCpu / (windowMs / 1000),
      serverPeakRss: Math.max(...rss),
      serverHwm: memoryOf(server.pid).hwm,
      load: loadavg()[0],
      windowMs,
    };
  } finally {
    await clients?.close();
    await server.close();
  }
}

/** `runs` runs, one after the other, each on a fresh server. */
export async function runSustainedBench({ runs = 1, log = () => {}, ...options } = {}) {
  const rows = [];
  for (let run = 0; run < runs; run++) {
    const row = await sustainedRun({ ...options, log });
    const { problems, ...shown } = row;
    log(`events-sustained run ${run + 1}: ${JSON.stringify(shown)}`);
    rows.push(row);
  }
  return rows;
}

/**
 * A/B in one session: `rounds` rounds, each a run of every build in `bins` ({ label, bin }; the order alternates
 * per round), each on a fresh server with the same bench and subscriber code.
 */
export async function runSustainedAB({ bins, rounds = 2, log = () => {}, ...options }) {
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    for (const { label, bin } of round % 2 === 0 ? bins : [...bins].reverse()) {
      const { problems, ...row } = await sustainedRun({ ...options, bin, log });
      log(`A/B ${label} round ${round + 1}: ${JSON.stringify(row)}`);
      runs.push({ label, round, ...row });
    }
  }
  return runs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      subscribers: { type: 'string', default: '1000' },
      'events-per-sec': { type: 'string', default: '1000' },
      runs: { type: 'string', default: '1' },
      profile: { type: 'string' },
      ab: { type: 'string' },
      rounds: { type: 'string', default: '2' },
      'request-rate': { type: 'string' },
    },
  });
  if (values.ab !== undefined) {
    const runs = await runSustainedAB({
      bins: [
        { label: 'this build', bin: undefined },
        { label: values.ab, bin: values.ab },
      ],
      rounds: Number(values.rounds),
      seconds: Number(values.seconds),
      subscribers: Number(values.subscribers),
      eventsPerSec: Number(values['events-per-sec']),
      ...(values['request-rate'] === undefined ? {} : { requestRate: Number(values['request-rate']) }),
      log: (line) => console.error(line),
    });
    const pick = ({
      cpuUsPerDelivery,
      lastDeliveryMs,
      label,
      round,
      p50,
      p99,
      max,
      producedPerSec,
      serverCpuShare,
      eld,
      deliveries,
      expectedDeliveries,
      messages,
      load,
    }) => ({
      label: label.slice(-40),
      round,
      p50,
      p99,
      max,
      producedPerSec,
      serverCpuShare,
      cpuUsPerDelivery,
      lastDeliveryMs,
      elu: eld.elu,
      eldP99: eld.p99,
      delivered: `${deliveries}/${expectedDeliveries}`,
      messages,
      load,
    });
    console.table(runs.map(pick));
    process.exit(0);
  }
  const rows = await runSustainedBench({
    seconds: Number(values.seconds),
    subscribers: Number(values.subscribers),
    eventsPerSec: Number(values['events-per-sec']),
    runs: Number(values.runs),
    bin: process.env.BCS_BENCH_BIN,
    profile: values.profile,
    log: (line) => console.error(line),
  });
  for (const { problems, ...row } of rows) console.log(JSON.stringify(row, null, 2));
}
