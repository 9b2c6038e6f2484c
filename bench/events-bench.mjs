// The WebSocket event stream of the real `bcs-scheduler` command (own process, LevelDB on disk, real clock, the
// simulated cluster), driven over HTTP from this process. Needs the built packages (`pnpm exec tsc -b`).
//
//   fan-out: 1 000 subscribers in a separate process (bench/ws-subscribers.mjs) while an application is
//            created, scaled down and up, and deleted; the same workload again with no subscriber.
//   memory:  one subscriber that never reads while 10 000 instances are brought to Running and deleted; the same
//            workload again with no subscriber; the server's RSS sampled from /proc every 100 ms.
//
//   node bench/events-bench.mjs --fanout [--runs 3] [--subscribers 1000] [--no-resume] [--event-buffer BYTES]
//   node bench/events-bench.mjs --memory [--runs 3]
//   import { runFanoutBench, runEventMemoryBench } from './bench/events-bench.mjs'
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startServerProcess } from './server-process.mjs';
import { APP_ID, benchApplication, median, NAMESPACE } from './sim-scheduler.mjs';

const CLUSTER_ID = 'BCS-BENCH-00001';
const HEADERS = { 'BCS-ClusterID': CLUSTER_ID, 'content-type': 'application/json' };
const APPS = `/v4/scheduler/mesos/namespaces/${NAMESPACE}/applications`;
const EVENTS_PATH = '/v4/scheduler/mesos/events';
/** A phase of the workload that has not finished by then failed. */
const PHASE_TIMEOUT_MS = 180_000;
/** Subscribers that have not received the last event this long after the workload failed. */
const DELIVERY_TIMEOUT_MS = 300_000;
/** Seconds the simulated tasks take to die when killed (the application's `killPolicy.gracePeriod`). */
const KILL_GRACE_SECONDS = 1;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(url, init) {
  const response = await fetch(url, { headers: HEADERS, ...init });
  const body = await response.json();
  return { status: response.status, data: body.data, body };
}

async function mustCall(url, init) {
  const { status, data, body } = await call(url, init);
  if (status < 200 || status >= 300) {
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  return data;
}

/** Polls the application every `pollMs` until `done(app)` holds (app undefined once it is gone: 404). */
async function waitApp(base, pollMs, done, what) {
  const started = Date.now();
  for (;;) {
    const { status, data } = await call(`${base}${APPS}/${APP_ID}`);
    const app = status === 404 ? undefined : data;
    if (done(app)) return;
    if (Date.now() - started > PHASE_TIMEOUT_MS) {
      const seen =
        app === undefined
          ? 'gone'
          : `${app.RunningInstances} Running of ${app.Instances} (${app.Status}: ${app.Message})`;
      throw new Error(`${what}: not done after ${PHASE_TIMEOUT_MS} ms: ${seen}`);
    }
    await sleep(pollMs);
  }
}

/** The bench application with a short kill grace, so that kills take 1 s of the simulated cluster, not 5. */
function application({ instances, cpu }) {
  return { ...benchApplication({ instances, cpu }), killPolicy: { gracePeriod: KILL_GRACE_SECONDS } };
}

const allRunning = (n) => (app) => app?.RunningInstances === n && app?.Instances === n;

/**
 * The fan-out workload: create `instances`, wait all Running; scale to `scaleTo` and wait until the surplus
 * taskgroups are gone; scale back to `instances`, wait all Running; delete, wait until the GET answers 404.
 * Returns the ms each phase ended at, from the POST.
 */
async function fanoutWorkload(base, { instances, scaleTo, pollMs }) {
  const started = Date.now();
  const at = {};
  await mustCall(`${base}${APPS}`, { method: 'POST', body: JSON.stringify(application({ instances })) });
  await waitApp(base, pollMs, allRunning(instances), 'create');
  at.running = Date.now() - started;
  await mustCall(`${base}${APPS}/${APP_ID}/scale/${scaleTo}`, { method: 'PUT' });
  await waitApp(base, pollMs, allRunning(scaleTo), 'scale down');
  at.scaledDown = Date.now() - started;
  await mustCall(`${base}${APPS}/${APP_ID}/scale/${instances}`, { method: 'PUT' });
  await waitApp(base, pollMs, allRunning(instances), 'scale up');
  at.scaledUp = Date.now() - started;
  await mustCall(`${base}${APPS}/${APP_ID}`, { method: 'DELETE' });
  await waitApp(base, pollMs, (app) => app === undefined, 'delete');
  at.deleted = Date.now() - started;
  return at;
}

/** The memory workload: create `instances` of `cpu`, wait all Running, delete, wait for the 404. */
async function memoryWorkload(base, { instances, cpu, pollMs }) {
  const started = Date.now();
  const at = {};
  await mustCall(`${base}${APPS}`, { method: 'POST', body: JSON.stringify(application({ instances, cpu })) });
  await waitApp(base, pollMs, allRunning(instances), 'create');
  at.running = Date.now() - started;
  await mustCall(`${base}${APPS}/${APP_ID}`, { method: 'DELETE' });
  await waitApp(base, pollMs, (app) => app === undefined, 'delete');
  at.deleted = Date.now() - started;
  return at;
}

const wsUrl = (base) => `${base.replace(/^http/, 'ws')}${EVENTS_PATH}`;

/** Connects, reads the hello and closes: the log's newest sequence number now. */
export async function newestSeq(base) {
  const ws = new WebSocket(wsUrl(base), {
    headers: { 'BCS-ClusterID': CLUSTER_ID },
    perMessageDeflate: false,
  });
  try {
    const [data] = await once(ws, 'message');
    const hello = JSON.parse(data.toString());
    if (hello.type !== 'hello') throw new Error(`expected a hello, got ${data.toString().slice(0, 200)}`);
    return hello.seq;
  } finally {
    ws.terminate();
  }
}

/** The newest sequence number once it has not moved for `quietMs`. */
export async function settledSeq(base, quietMs = 1000) {
  let seq = await newestSeq(base);
  for (;;) {
    await sleep(quietMs);
    const now = await newestSeq(base);
    if (now === seq) return seq;
    seq = now;
  }
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** User + system CPU seconds a process has used (/proc/<pid>/stat fields 14 and 15). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Starts the server on a fresh data dir; `crashed` rejects if it exits before `close()`. */
async function openServer(prefix, args) {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const server = await startServerProcess({ dataDir, clusterId: CLUSTER_ID, args });
  let closing = false;
  const crashed = new Promise((_, reject) => {
    server.child.once('exit', (code, signal) => {
      if (!closing) reject(new Error(`the server exited during the run (code ${code}, signal ${signal})`));
    });
  });
  crashed.catch(() => {});
  return {
    ...server,
    crashed,
    /** Runs `promise`, failing at once if the server dies meanwhile. */
    guard: (promise) => Promise.race([promise, crashed]),
    async close() {
      closing = true;
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** bench/ws-subscribers.mjs in a child process, with request/answer over IPC. */
export function forkSubscribers() {
  const child = fork(fileURLToPath(new URL('./ws-subscribers.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = [];
  child.on('message', (message) => waiting.shift()?.resolve(message));
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`ws-subscribers exited (${code ?? signal})`));
  });
  return {
    pid: child.pid,
    request: (message) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send(message);
      }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ cmd: 'close' });
      await exited;
    },
  };
}

/** The value at quantile `q` of a histogram given as [ms, count] pairs in ascending ms. */
export function quantile(buckets, q) {
  const total = buckets.reduce((n, [, count]) => n + count, 0);
  let seen = 0;
  for (const [ms, count] of buckets) {
    seen += count;
    if (seen >= q * total) return ms;
  }
  return Number.NaN;
}

// ---------------------------------------------------------------------------------------------------------
// Fan-out

/**
 * One workload on a fresh server with `subscribers` clients (0: none) connected beforehand. With subscribers,
 * waits until every one has received the log's last event, then collects their report. With `resume` (the
 * default) a client the server closes (4008: it fell `--event-buffer` bytes behind) reconnects at once with
 * `since=<last seq it received>`, as the protocol asks; `eventBuffer` sets the server's `--event-buffer`.
 */
export async function fanoutRun({
  subscribers,
  agents,
  instances,
  scaleTo,
  pollMs,
  resume = true,
  eventBuffer,
  log = () => {},
}) {
  const server = await openServer('bcs-bench-events-fanout-', [
    '--sim-agents',
    String(agents),
    ...(eventBuffer === undefined ? [] : ['--event-buffer', String(eventBuffer)]),
  ]);
  let clients;
  try {
    let ready;
    if (subscribers > 0) {
      clients = forkSubscribers();
      ready = await server.guard(
        clients.request({
          cmd: 'connect',
          url: wsUrl(server.url),
          clusterId: CLUSTER_ID,
          count: subscribers,
          resume,
        }),
      );
      log(`  ${subscribers} subscribers connected in ${ready.ms} ms (${ready.failed} failed)`);
      if (ready.failed > 0) throw new Error(`${ready.failed} of ${subscribers} subscribers did not connect`);
    }
    const seqStart = await newestSeq(server.url);
    const serverCpu0 = cpuSecondsOf(server.pid);
    const clientCpu0 = clients === undefined ? 0 : cpuSecondsOf(clients.pid);
    const started = Date.now();
    const phases = await server.guard(fanoutWorkload(server.url, { instances, scaleTo, pollMs }));
    const workloadMs = Date.now() - started;
    const seqEnd = await settledSeq(server.url);
    const sample = { subscribers, workloadMs, phases, produced: seqEnd - seqStart, seqStart, seqEnd };
    if (clients !== undefined) {
      const reached = await server.guard(
        clients.request({ cmd: 'wait', seq: seqEnd, timeoutMs: DELIVERY_TIMEOUT_MS }),
      );
      const report = await clients.request({ cmd: 'report', seq: seqEnd });
      const windowMs = report.lastReceive - started;
      Object.assign(sample, {
        connectMs: ready.ms,
        helloSeqs: ready.helloSeqs,
        allReached: reached.ok,
        behind: reached.behind,
        deliveries: report.deliveries,
        expectedDeliveries: sample.produced * subscribers,
        complete: report.complete,
        incomplete: report.incomplete,
        gaps: report.gaps,
        duplicates: report.duplicates,
        closedEarly: report.closedEarly,
        closeCodes: report.closeCodes,
        closesByCode: report.closesByCode,
        serverCloses: Object.values(report.closesByCode).reduce((a, b) => a + b, 0),
        resumes: report.resumes,
        resumedSubscribers: report.resumedSubscribers,
        maxResumes: report.maxResumes,
        reasonMismatches: report.reasonMismatches,
        problems: report.problems,
        resyncs: report.resyncs,
        messages: report.messages,
        bytes: report.bytes,
        maxMessageBytes: report.maxMessageBytes,
        maxMessageEvents: report.maxMessageEvents,
        verifiedMessages: report.verifiedMessages,
        verifyMismatches: report.verifyMismatches,
        fallbackParses: report.fallbackParses,
        negativeLatency: report.negativeLatency,
        windowMs,
        /** From the end of the workload (the 404) to the last delivery. */
        tailMs: report.lastReceive - (started + workloadMs),
        deliveredPerSec: report.deliveries / (windowMs / 1000),
        p50: quantile(report.histogram, 0.5),
        p99: quantile(report.histogram, 0.99),
        maxLatency: report.histogram.at(-1)?.[0],
        serverCpu: cpuSecondsOf(server.pid) - serverCpu0,
        clientCpu: cpuSecondsOf(clients.pid) - clientCpu0,
      });
    } else {
      sample.serverCpu = cpuSecondsOf(server.pid) - serverCpu0;
    }
    sample.serverPeakRss = memoryOf(server.pid).hwm;
    return sample;
  } finally {
    await clients?.close();
    await server.close();
  }
}

/**
 * `runs` runs; each runs the workload with no subscriber and with `subscribers` (alternating which goes first),
 * each on a fresh server. Medians over the runs; the ratio is taken within each run, then its median.
 */
export async function runFanoutBench({
  runs = 3,
  subscribers = 1000,
  agents = 100,
  instances = 2000,
  scaleTo = 500,
  pollMs = 50,
  resume = true,
  eventBuffer,
  log = () => {},
} = {}) {
  const config = { agents, instances, scaleTo, pollMs, resume, eventBuffer, log };
  const pairs = [];
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? [0, subscribers] : [subscribers, 0];
    const pair = {};
    for (const n of order) {
      const started = Date.now();
      const sample = await fanoutRun({ ...config, subscribers: n });
      const { problems, histogram, ...shown } = sample;
      log(
        `events-fanout run ${run + 1}, ${n} subscribers (${Date.now() - started} ms): ${JSON.stringify(shown)}`,
      );
      if (problems?.length > 0) log(`  problems (first 20): ${JSON.stringify(problems)}`);
      pair[n === 0 ? 'none' : 'fanout'] = sample;
    }
    pairs.push(pair);
  }
  const f = pairs.map((p) => p.fanout);
  const med = (pick) => median(f.map(pick));
  return {
    runs,
    subscribers,
    agents,
    instances,
    scaleTo,
    pollMs,
    resume,
    eventBuffer,
    produced: med((s) => s.produced),
    deliveries: med((s) => s.deliveries),
    expectedDeliveries: med((s) => s.expectedDeliveries),
    deliveredPerSec: med((s) => s.deliveredPerSec),
    windowMs: med((s) => s.windowMs),
    tailMs: med((s) => s.tailMs),
    p50: med((s) => s.p50),
    p99: med((s) => s.p99),
    maxLatency: med((s) => s.maxLatency),
    connectMs: med((s) => s.connectMs),
    bytes: med((s) => s.bytes),
    messages: med((s) => s.messages),
    workloadMs: med((s) => s.workloadMs),
    baselineMs: median(pairs.map((p) => p.none.workloadMs)),
    ratio: median(pairs.map((p) => p.fanout.workloadMs / p.none.workloadMs)),
    minRatio: Math.min(...pairs.map((p) => p.fanout.workloadMs / p.none.workloadMs)),
    maxRatio: Math.max(...pairs.map((p) => p.fanout.workloadMs / p.none.workloadMs)),
    serverCpu: med((s) => s.serverCpu),
    serverPeakRss: med((s) => s.serverPeakRss),
    baselinePeakRss: median(pairs.map((p) => p.none.serverPeakRss)),
    serverCloses: med((s) => s.serverCloses),
    resumedSubscribers: med((s) => s.resumedSubscribers),
    maxResumes: Math.max(...f.map((s) => s.maxResumes)),
    closeCodesSeen: [...new Set(f.flatMap((s) => Object.keys(s.closesByCode)))],
    reasonMismatches: f.reduce((n, s) => n + s.reasonMismatches, 0),
    baselineServerCpu: median(pairs.map((p) => p.none.serverCpu)),
    clientCpu: med((s) => s.clientCpu),
    baselineProduced: median(pairs.map((p) => p.none.produced)),
    // Failures are summed over the runs, never medianed away.
    incomplete: f.reduce((n, s) => n + s.incomplete, 0),
    gaps: f.reduce((n, s) => n + s.gaps, 0),
    duplicates: f.reduce((n, s) => n + s.duplicates, 0),
    closedEarly: f.reduce((n, s) => n + s.closedEarly, 0),
    resyncs: f.reduce((n, s) => n + s.resyncs, 0),
    verifiedMessages: f.reduce((n, s) => n + s.verifiedMessages, 0),
    maxMessageBytes: Math.max(...f.map((s) => s.maxMessageBytes)),
    maxMessageEvents: Math.max(...f.map((s) => s.maxMessageEvents)),
    verifyMismatches: f.reduce((n, s) => n + s.verifyMismatches, 0),
    negativeLatency: f.reduce((n, s) => n + s.negativeLatency, 0),
    samples: pairs,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Memory with a subscriber that never reads

/** TCP connection states of /proc/net/tcp. */
const TCP_STATES = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/**
 * The IPv4 loopback connection from `localPort` to `remotePort` as /proc/net/tcp shows it: its state, the bytes
 * queued to send and received but unread, and its inode (0 once no process holds the socket: it was closed).
 */
function tcpConnection(localPort, remotePort) {
  const hex = (port) => port.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hex(localPort)}`;
  const remote = `:${hex(remotePort)}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !f[1].endsWith(local) || !f[2].endsWith(remote)) continue;
    const [tx, rx] = f[4].split(':').map((h) => Number.parseInt(h, 16));
    return { state: TCP_STATES[f[3]] ?? f[3], txQueue: tx, rxQueue: rx, inode: Number(f[9]) };
  }
  return undefined;
}

/**
 * A subscriber that completes the WebSocket handshake and then never reads: ws's socket is paused on `open`,
 * so the kernel's receive buffer fills and the server's sends back up. `resume()` reads again and resolves to
 * how the connection ended ({ code, reason } of the close, the events received).
 */
async function openNonReader(base) {
  const ws = new WebSocket(wsUrl(base), {
    headers: { 'BCS-ClusterID': CLUSTER_ID },
    perMessageDeflate: false,
  });
  let received = 0;
  let lastSeq;
  let bytes = 0;
  ws.on('message', (data) => {
    bytes += data.length;
    const message = JSON.parse(data.toString());
    if (message.type === 'hello') lastSeq = message.seq;
    for (const event of message.events ?? []) {
      received++;
      lastSeq = event.seq;
    }
  });
  ws.on('error', () => {});
  const closed = once(ws, 'close');
  await once(ws, 'open');
  ws.pause();
  return {
    localPort: ws._socket.localPort,
    async resume(timeoutMs) {
      ws.resume();
      const ended = await Promise.race([closed, sleep(timeoutMs).then(() => undefined)]);
      if (ended === undefined) {
        ws.terminate();
        return {
          code: undefined,
          reason: `still open ${timeoutMs} ms after resuming`,
          received,
          lastSeq,
          bytes,
        };
      }
      return { code: ended[0], reason: ended[1].toString(), received, lastSeq, bytes };
    },
    terminate: () => ws.terminate(),
  };
}

/**
 * Reads the whole retained log (`since=0`) to its newest event: the events and the bytes of the `events`
 * messages that carry them (the JSON text the stream sends), for the mean size of an event.
 */
async function replayLog(base, seqEnd) {
  const ws = new WebSocket(`${wsUrl(base)}?since=0`, {
    headers: { 'BCS-ClusterID': CLUSTER_ID },
    perMessageDeflate: false,
  });
  let events = 0;
  let bytes = 0;
  let eventBytes = 0;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('replay: timed out')), 120_000);
      ws.on('error', reject);
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'resync') reject(new Error('replay: resync (history not retained)'));
        if (message.type !== 'events') return;
        bytes += data.length;
        for (const event of message.events) eventBytes += Buffer.byteLength(JSON.stringify(event));
        events += message.events.length;
        if (message.events.at(-1).seq >= seqEnd) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    ws.terminate();
  }
  return { events, bytes, eventBytes };
}

/** The slow-consumer warnings among the server's log lines (pino JSON on stdout, `--log-level warn`). */
function watchSlowConsumerLogs(child) {
  const closes = [];
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line.includes('slow consumer')) continue;
      try {
        const entry = JSON.parse(line);
        closes.push({ time: entry.time, lastSeq: entry.lastSeq, bufferedAmount: entry.bufferedAmount });
      } catch {
        // not a JSON log line
      }
    }
  });
  return closes;
}

/** After the workload, the server keeps being sampled this long, so that the 5 s close grace can elapse. */
/** Long enough after the workload for the stall timeout (10 s) and the close grace (5 s) of a non-reader. */
const AFTER_MS = 20_000;
const SAMPLE_MS = 100;

/**
 * One workload on a fresh server with (`nonReader`) or without a subscriber that never reads. The server's
 * VmRSS is sampled every 100 ms from its start until {@link AFTER_MS} after the workload; VmHWM read at the end.
 */
export async function memoryRun({ nonReader, agents, instances, cpu, pollMs, replay = false }) {
  const server = await openServer('bcs-bench-events-memory-', [
    '--sim-agents',
    String(agents),
    '--log-level',
    'warn',
  ]);
  const slowCloses = watchSlowConsumerLogs(server.child);
  const port = Number(new URL(server.url).port);
  let subscriber;
  let peakRss = 0;
  const socket = { firstSeenMs: undefined, releasedMs: undefined, maxTxQueue: 0, maxRxQueue: 0, states: [] };
  let started;
  const sample = () => {
    try {
      peakRss = Math.max(peakRss, memoryOf(server.pid).rss);
    } catch {
      return; // the server is gone; `crashed` reports it
    }
    if (subscriber === undefined || started === undefined) return;
    const t = Date.now() - started;
    const serverSide = tcpConnection(port, subscriber.localPort);
    const clientSide = tcpConnection(subscriber.localPort, port);
    socket.maxTxQueue = Math.max(socket.maxTxQueue, serverSide?.txQueue ?? 0);
    socket.maxRxQueue = Math.max(socket.maxRxQueue, clientSide?.rxQueue ?? 0);
    const state =
      serverSide === undefined
        ? 'gone'
        : serverSide.inode === 0
          ? `${serverSide.state} (no fd)`
          : serverSide.state;
    if (socket.states.at(-1)?.state !== state) socket.states.push({ t, state, txQueue: serverSide?.txQueue });
    if (socket.releasedMs === undefined && (serverSide === undefined || serverSide.inode === 0)) {
      socket.releasedMs = t;
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  try {
    if (nonReader) subscriber = await openNonReader(server.url);
    const seqStart = await newestSeq(server.url);
    started = Date.now();
    const phases = await server.guard(memoryWorkload(server.url, { instances, cpu, pollMs }));
    const workloadMs = Date.now() - started;
    await sleep(AFTER_MS);
    clearInterval(timer);
    sample();
    const { hwm } = memoryOf(server.pid);
    const seqEnd = await settledSeq(server.url, 500);
    const result = { nonReader, workloadMs, phases, produced: seqEnd - seqStart, peakRss, hwm };
    if (nonReader) {
      const ended = await subscriber.resume(15_000);
      const slow = slowCloses[0];
      Object.assign(result, {
        slowConsumerCloses: slowCloses.length,
        slowCloseMs: slow === undefined ? undefined : slow.time - started,
        slowCloseLastSeq: slow?.lastSeq,
        slowCloseBuffered: slow?.bufferedAmount,
        releasedMs: socket.releasedMs,
        maxTxQueue: socket.maxTxQueue,
        maxRxQueue: socket.maxRxQueue,
        socketStates: socket.states,
        closeCode: ended.code,
        closeReason: ended.reason,
        receivedAfterResume: ended.received,
        lastSeqReceived: ended.lastSeq,
      });
    }
    if (replay) result.replay = await replayLog(server.url, seqEnd);
    return result;
  } finally {
    clearInterval(timer);
    subscriber?.terminate();
    await server.close();
  }
}

/**
 * `runs` runs; each runs the workload with no subscriber and with one that never reads (alternating which goes
 * first), each on a fresh server. The no-subscriber run also replays the log to measure the bytes of events.
 */
export async function runEventMemoryBench({
  runs = 3,
  agents = 100,
  instances = 10_000,
  cpu = '0.01',
  pollMs = 200,
  log = () => {},
} = {}) {
  const config = { agents, instances, cpu, pollMs };
  const pairs = [];
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? [false, true] : [true, false];
    const pair = {};
    for (const nonReader of order) {
      const t = Date.now();
      const sample = await memoryRun({ ...config, nonReader, replay: !nonReader });
      log(
        `events-memory run ${run + 1}, ${nonReader ? 'non-reader' : 'no subscriber'} (${Date.now() - t} ms): ${JSON.stringify(sample)}`,
      );
      pair[nonReader ? 'nonReader' : 'none'] = sample;
    }
    pairs.push(pair);
  }
  const n = pairs.map((p) => p.nonReader);
  const z = pairs.map((p) => p.none);
  const med = (xs, pick) => median(xs.map(pick));
  return {
    runs,
    agents,
    instances,
    cpu,
    pollMs,
    produced: med(z, (s) => s.produced),
    producedNonReader: med(n, (s) => s.produced),
    eventBytes: med(z, (s) => s.replay.eventBytes),
    messageBytes: med(z, (s) => s.replay.bytes),
    meanEventBytes: med(z, (s) => s.replay.eventBytes / s.replay.events),
    peakRssNone: med(z, (s) => s.peakRss),
    peakRssNonReader: med(n, (s) => s.peakRss),
    peakRssNoneRange: [Math.min(...z.map((s) => s.peakRss)), Math.max(...z.map((s) => s.peakRss))],
    peakRssNonReaderRange: [Math.min(...n.map((s) => s.peakRss)), Math.max(...n.map((s) => s.peakRss))],
    hwmNone: med(z, (s) => s.hwm),
    hwmNonReader: med(n, (s) => s.hwm),
    ratio: median(pairs.map((p) => p.nonReader.peakRss / p.none.peakRss)),
    minRatio: Math.min(...pairs.map((p) => p.nonReader.peakRss / p.none.peakRss)),
    maxRatio: Math.max(...pairs.map((p) => p.nonReader.peakRss / p.none.peakRss)),
    workloadNone: med(z, (s) => s.workloadMs),
    workloadNonReader: med(n, (s) => s.workloadMs),
    closedRuns: n.filter((s) => s.slowConsumerCloses > 0).length,
    releasedRuns: n.filter((s) => s.releasedMs !== undefined).length,
    slowCloseMs: med(n, (s) => s.slowCloseMs ?? Number.NaN),
    slowCloseLastSeq: med(n, (s) => s.slowCloseLastSeq ?? Number.NaN),
    slowCloseBuffered: med(n, (s) => s.slowCloseBuffered ?? Number.NaN),
    minSlowCloseBuffered: Math.min(...n.map((s) => s.slowCloseBuffered ?? Number.NaN)),
    maxSlowCloseBuffered: Math.max(...n.map((s) => s.slowCloseBuffered ?? Number.NaN)),
    minSlowCloseLastSeq: Math.min(...n.map((s) => s.slowCloseLastSeq ?? Number.NaN)),
    maxSlowCloseLastSeq: Math.max(...n.map((s) => s.slowCloseLastSeq ?? Number.NaN)),
    releasedMs: med(n, (s) => s.releasedMs ?? Number.NaN),
    maxTxQueue: med(n, (s) => s.maxTxQueue),
    maxRxQueue: med(n, (s) => s.maxRxQueue),
    closeCodes: [...new Set(n.map((s) => s.closeCode))],
    closeReasons: n.map((s) => s.closeReason),
    samples: pairs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      fanout: { type: 'boolean' },
      memory: { type: 'boolean' },
      runs: { type: 'string' },
      subscribers: { type: 'string' },
      'no-resume': { type: 'boolean' },
      'event-buffer': { type: 'string' },
    },
  });
  const runs = Number(values.runs ?? 3);
  const log = (line) => console.error(line);
  const both = !values.fanout && !values.memory;
  if (values.fanout || both) {
    const { samples, ...r } = await runFanoutBench({
      runs,
      subscribers: Number(values.subscribers ?? 1000),
      resume: values['no-resume'] !== true,
      eventBuffer: values['event-buffer'] === undefined ? undefined : Number(values['event-buffer']),
      log,
    });
    console.log(JSON.stringify(r, null, 2));
  }
  if (values.memory || both) {
    const { samples, ...r } = await runEventMemoryBench({ runs, log });
    console.log(JSON.stringify(r, null, 2));
  }
}
