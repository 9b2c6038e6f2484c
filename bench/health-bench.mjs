// Remote health checks at scale (issue 13 benchmarks): 10,000 Running taskgroups with a REMOTE_TCP check every
// 10 s, run by the scheduler through the real outbound adapter (@bcs/outbound-http) against one loopback TCP
// listener in a child process (0.0.0.0: every simulated agent's InnerIP 127.0.x.y reaches it). Imports the BUILT packages (run
// `pnpm exec tsc -b` first).
//
//   node bench/health-bench.mjs [--runs 3] [--instances 10000] [--agents 1000] [--seconds 20]
//
// Per run, twice in the same process (checks on, then off, each on a fresh store, cluster and engine):
// 1. create app A (instances, REMOTE_TCP every 10 s) and step the manual clock until all Running;
// 2. steady state: advance the manual clock in real time (100 ms per 100 ms of wall clock) for `seconds`,
//    measuring the process's CPU time over wall time (`process.cpuUsage`) and the checks made;
// 3. create app B (instances, no checks) and measure its placements/s (create → no Pending), the clock
//    stepped 100 ms at a time as fast as it goes, A's checks due meanwhile running alongside.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as core from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { createHttpOutbound } from '@bcs/outbound-http';
import { aContainer, anApplication } from '@bcs/testing/builders';
import { createMemoryStore, ManualClock, SequentialIds } from '@bcs/testing/fakes';
import { rootContainer } from './sim-scheduler.mjs';

const START = Date.UTC(2026, 10, 24, 6, 0, 0);
const NS = 'bench';

function app(name, instances, port) {
  const healthChecks =
    port === undefined
      ? []
      : [{ type: 'REMOTE_TCP', tcp: { port }, delaySeconds: 1, intervalSeconds: 10, timeoutSeconds: 2 }];
  return anApplication({
    metadata: { name, namespace: NS },
    spec: {
      instance: instances,
      template: {
        spec: {
          containers: [
            aContainer({ ports: [], healthChecks, resources: { limits: { cpu: '0.01', memory: '4' } } }),
          ],
        },
      },
    },
  });
}

/**
 * One TCP listener on 0.0.0.0 in a child process (so the scheduler process pays only the client side of each
 * check), closing every connection at once; it reports its connection count every 200 ms.
 */
function listen() {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const net = require('node:net'); let n = 0;
       const s = net.createServer((c) => { n++; c.destroy(); });
       s.listen(0, '0.0.0.0', () => console.log('port ' + s.address().port));
       setInterval(() => console.log('accepted ' + n), 200);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let accepted = 0;
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('error', reject);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        const [key, value] = line.split(' ');
        if (key === 'accepted') accepted = Number(value);
        if (key === 'port')
          resolve({ port: Number(value), accepted: () => accepted, close: () => child.kill() });
      }
    });
  });
}

async function open(agents, checks) {
  const clock = new ManualClock(START);
  const cluster = new SimulatedCluster({
    clock,
    agents,
    seed: 7,
    offerIntervalMs: 1000,
    startupMs: 0,
    recordCalls: false,
  });
  await cluster.open();
  const container = core.registerCore(rootContainer.createChildContainer(), {
    store: createMemoryStore(),
    clock,
    ids: new SequentialIds({ startNanos: BigInt(START) * 1_000_000n }),
    driver: cluster,
    engine: { clusterName: '10001', tickMs: 1000 },
    limits: { maxInstances: 1_000_000 },
    ...(checks ? { outbound: createHttpOutbound() } : {}),
  });
  const engine = container.resolve(core.SchedulerEngine);
  await engine.start();
  const checker = container.resolve(core.RemoteHealthChecker);
  checker.start();
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  await settle();
  const count = (id, status) => {
    let n = 0;
    for (const tg of engine.state.get(NS, id)?.taskGroups.values() ?? []) if (tg.status === status) n++;
    return n;
  };
  const healthy = (id) => {
    let n = 0;
    for (const tg of engine.state.get(NS, id)?.taskGroups.values() ?? [])
      if (tg.tasks[0]?.health?.state === 'healthy') n++;
    return n;
  };
  return {
    clock,
    engine,
    checker,
    apps: container.resolve(core.ApplicationService),
    count,
    healthy,
    async step(ms) {
      clock.advance(ms);
      await settle();
    },
    async dispose() {
      await checker.dispose();
      await engine.dispose();
      await container.dispose();
      await cluster.dispose();
    },
  };
}

async function run({ instances, agents, seconds, checks, listener }) {
  const s = await open(agents, checks);
  try {
    await s.apps.create(NS, app('app-a', instances, listener.port));
    for (let t = 0; s.count('app-a', 'Running') < instances; t += 100) {
      if (t > 300_000) throw new Error('app-a not all Running');
      await s.step(100);
    }
    // Steady state in real time: 100 ms of clock per 100 ms of wall clock.
    const acceptedBefore = listener.accepted();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const end = wall0 + seconds * 1000;
    let next = wall0;
    while (performance.now() < end) {
      next += 100;
      await s.step(100);
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const steady = {
      cpuShare: (cpu.user + cpu.system) / 1000 / wall,
      checksPerSecond: ((listener.accepted() - acceptedBefore) / wall) * 1000,
      healthy: s.healthy('app-a'),
    };
    // Placements of app B while A's checks run.
    const started = performance.now();
    await s.apps.create(NS, app('app-b', instances, undefined));
    let placedAt;
    for (let t = 0; placedAt === undefined; t += 100) {
      if (t > 300_000) throw new Error('app-b not placed');
      await s.step(100);
      if (
        s.count('app-b', 'Pending') === 0 &&
        (s.engine.state.get(NS, 'app-b')?.taskGroups.size ?? 0) === instances
      )
        placedAt = performance.now();
    }
    return { ...steady, placementsPerSecond: instances / ((placedAt - started) / 1000) };
  } finally {
    await s.dispose();
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    instances: { type: 'string', default: '10000' },
    agents: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
  },
});
const config = {
  instances: Number(values.instances),
  agents: Number(values.agents),
  seconds: Number(values.seconds),
};
const listener = await listen();
const rows = { on: [], off: [] };
for (let i = 0; i < Number(values.runs); i++) {
  for (const checks of [true, false]) {
    const sample = await run({ ...config, checks, listener });
    console.error(`run ${i + 1} checks ${checks ? 'on' : 'off'}: ${JSON.stringify(sample)}`);
    rows[checks ? 'on' : 'off'].push(sample);
  }
}
listener.close();
console.log(
  `| checks | runs | process CPU share (steady) | checks/s | healthy | placements/s of a second app |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
for (const key of ['on', 'off']) {
  const r = rows[key];
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `| ${key} | ${r.length} | ${pct(median(r.map((x) => x.cpuShare)))} | ${Math.round(median(r.map((x) => x.checksPerSecond)))} | ${median(r.map((x) => x.healthy))} | ${Math.round(median(r.map((x) => x.placementsPerSecond)))} (${Math.round(Math.min(...r.map((x) => x.placementsPerSecond)))}–${Math.round(Math.max(...r.map((x) => x.placementsPerSecond)))}) |`,
  );
}
