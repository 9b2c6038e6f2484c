// An open-loop HTTP load generator: requests leave at a fixed arrival rate whatever the answers, and each
// latency runs from the request's INTENDED send time (its slot in the schedule) to the end of its answer. A
// server that stalls therefore cannot slow the sender down and hide the stall (no coordinated omission, which
// closed-loop tools such as autocannon, even with `overallRate`, suffer from). Built on node:http with a
// keep-alive pool; requests beyond the pool's sockets wait in the agent's queue and still count from their
// slot. Outstanding requests are unbounded up to `maxOutstanding`; a slot that finds the cap reached is not
// sent, and the count of such slots is reported (`capped`).
//
//   import { openLoop } from './bench/open-loop.mjs'
//   const r = await openLoop({ url, rate: 1000, durationMs: 10_000, request: (i) => ({ path: '/x' }) });
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

/** The `q` quantile (0–1) of sorted `values`, nearest rank. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Sends `rate` requests per second for `durationMs` to `url`: slot `i` is due at `start + i * 1000 / rate`,
 * and `request(i)` gives its `{ method, path, headers, body }`. After the last slot it waits up to `drainMs`
 * for the answers still outstanding. Resolves to:
 * - `slots`, `sent`, `capped` (slots not sent because `maxOutstanding` requests were outstanding), `ok` (2xx),
 *   `non2xx`, `errors` (socket errors), `statuses` (count per status code);
 * - `p50`, `p99`, `p999`, `max` (ms from the intended send time to the end of the answer, over every sent
 *   request; a request still unanswered after the drain counts with its age then, a lower bound);
 * - `backlog`: requests outstanding when the window closed (the last slot's time plus one interval), and
 *   `unanswered`: still outstanding after the drain; `peakOutstanding`;
 * - `sendLagP99`, `sendLagMax`: how late the generator itself put requests on the wire (ms after their slot;
 *   large values mean the client, not the server, was short of CPU); `clientCpu`: this process's CPU time
 *   over the window as a share of one core;
 * - `achievedRate`: answers per second over the window;
 * - `atWindowEnd`: what `onWindowEnd()` (called as the window closes, before the drain) resolved to.
 */
export async function openLoop({
  url,
  rate,
  durationMs,
  request,
  maxSockets = 256,
  maxOutstanding = 20_000,
  drainMs = 60_000,
  onWindowEnd = async () => undefined,
}) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const interval = 1000 / rate;
  const slots = Math.floor((rate * durationMs) / 1000);
  const latencies = new Float64Array(slots);
  const sendLag = new Float64Array(slots);
  const intended = new Float64Array(slots);
  /** Per slot: 0 not sent (capped), 1 sent, 2 answered or failed. */
  const state = new Uint8Array(slots);
  const statuses = {};
  let sent = 0;
  let capped = 0;
  let answered = 0;
  let errors = 0;
  let outstanding = 0;
  let peakOutstanding = 0;
  let answeredInWindow = 0;
  let windowOpen = true;
  let onIdle;

  const finish = (i, status) => {
    if (state[i] !== 1) return;
    state[i] = 2;
    latencies[i] = performance.now() - intended[i];
    outstanding--;
    answered++;
    if (windowOpen) answeredInWindow++;
    if (status === undefined) errors++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
    if (outstanding === 0 && !windowOpen) onIdle?.();
  };

  const fire = (i) => {
    if (outstanding >= maxOutstanding) {
      capped++;
      return;
    }
    const { method = 'GET', path, headers = {}, body } = request(i);
    state[i] = 1;
    outstanding++;
    peakOutstanding = Math.max(peakOutstanding, outstanding);
    sent++;
    const req = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => finish(i, res.statusCode));
        res.on('error', () => finish(i, undefined));
      },
    );
    req.on('error', () => finish(i, undefined));
    req.end(body);
    sendLag[i] = performance.now() - intended[i];
  };

  const cpuBefore = process.cpuUsage();
  const start = performance.now() + 5;
  await new Promise((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < slots && start + next * interval <= now) {
        intended[next] = start + next * interval;
        fire(next);
        next++;
      }
      if (next < slots) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else setTimeout(resolve, Math.max(0, start + slots * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
  const windowMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  windowOpen = false;
  const backlog = outstanding;
  const atWindowEnd = onWindowEnd();
  if (outstanding > 0) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const unanswered = outstanding;
  const sentLatencies = [];
  const lags = [];
  const now = performance.now();
  for (let i = 0; i < slots; i++) {
    if (state[i] === 0) continue;
    lags.push(sendLag[i]);
    sentLatencies.push(state[i] === 2 ? latencies[i] : now - intended[i]);
  }
  agent.destroy();
  sentLatencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const ok = Object.entries(statuses)
    .filter(([code]) => code >= 200 && code < 300)
    .reduce((n, [, c]) => n + c, 0);
  return {
    rate,
    durationMs,
    slots,
    sent,
    capped,
    ok,
    non2xx: answered - errors - ok,
    errors,
    statuses,
    p50: quantile(sentLatencies, 0.5),
    p99: quantile(sentLatencies, 0.99),
    p999: quantile(sentLatencies, 0.999),
    max: sentLatencies.at(-1) ?? Number.NaN,
    backlog,
    unanswered,
    peakOutstanding,
    sendLagP99: quantile(lags, 0.99),
    sendLagMax: lags.at(-1) ?? Number.NaN,
    clientCpu: (cpu.user + cpu.system) / 1000 / windowMs,
    achievedRate: (answeredInWindow * 1000) / windowMs,
    atWindowEnd: await atWindowEnd,
  };
}
