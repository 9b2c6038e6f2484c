// Deployment rolling updates end to end: the DeploymentController and the scheduler engine against the
// simulated cluster on a ManualClock, with the Store on LevelDB (classic-level in a temp dir). Imports the
// BUILT packages (run `pnpm exec tsc -b` first).
//
//   node bench/deployment-bench.mjs [--runs 3]     prints a markdown section body (for docs/benchmarks.md)
//   import { runDeploymentBench } from './bench/deployment-bench.mjs'

import { availableParallelism, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DeploymentService } from '@bcs/core';
import { aDeployment } from '@bcs/testing/builders';
import { median, openLevelStore, openSimScheduler } from './sim-scheduler.mjs';

// tsyringe is core's dependency, not the workspace root's: load the very copy core registered its classes in.

const NAMESPACE = 'bench';
const NAME = 'deploy-bench';
const V1 = 'dockerhub:8443/bcs/bench/app:v1';
const V2 = 'dockerhub:8443/bcs/bench/app:v2';

/** Simulated milliseconds per clock step (the cluster offers, the engine and the controller tick every 1 000). */
const STEP_MS = 100;
/** A deploy or a rollout that has not finished after this much simulated time failed. */
const MAX_SIMULATED_MS = 600_000;

/**
 * The configurations: a small deployment (many steps of one or two instances) and a 1 000-instance one with
 * 100 of surge and unavailability. Each instance asks 0.1 cpu and 32 MB; a default simulated agent has 4 cpus
 * and 30 878 MB, so 100 agents hold 4 000 instances: the 1 100 of the surge cap fit with room to spare.
 */
export const DEPLOYMENT_CONFIGS = [
  { name: 'small', agents: 10, instances: 10, maxSurge: 1, maxUnavailable: 1, upgradeDuration: 0 },
  { name: 'large', agents: 100, instances: 1_000, maxSurge: 100, maxUnavailable: 100, upgradeDuration: 0 },
];

/**
 * The API document's deployment (`aDeployment`) named {@link NAME}: `instances` instances of one container
 * asking 0.1 cpu and 32 MB, image `image`, no ports, no health checks (so an instance is available as soon as
 * it runs), rolling automatically (CreateFirst) with the given surge, unavailability and `upgradeDuration`.
 */
export function benchDeployment({ instances, maxSurge, maxUnavailable, upgradeDuration }, image = V1) {
  const body = aDeployment({
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      instance: instances,
      selector: { podname: NAME },
      strategy: {
        rollingupdate: {
          maxSurge,
          maxUnavilable: maxUnavailable,
          upgradeDuration,
          autoUpgrade: true,
          rollingOrder: 'CreateFirst',
          pause: false,
        },
      },
    },
  });
  const container = body.spec.template.spec.containers[0];
  container.image = image;
  container.ports = [];
  container.healthChecks = [];
  container.resources = { limits: { cpu: '0.1', memory: '32' } };
  return body;
}

/**
 * The scheduler as a composition root wires it (cf. packages/core/test/engine/harness.ts): engine and
 * DeploymentController started on a ManualClock, against a SimulatedCluster of `agents` default agents that
 * offers every second and starts tasks at once. The controller's `driveAll` (its tick's work, run inside the
 * engine's queue) is wrapped to add its wall time to `controllerMs`.
 */
async function openDeploymentScheduler({ agents, store }) {
  const timing = { controllerMs: 0, controllerCpuMs: 0, ticks: 0 };
  const sim = await openSimScheduler({
    agents,
    store,
    deployments(controller) {
      // Every drive counts: the ticks' `driveAll` and the drives between ticks (the service's request, and the
      // drive after each commit that touches a deployment's app). A drive inside `driveAll` counts once.
      // Wall time, and the process's CPU time (user + system, every thread) over the same span: on a loaded
      // machine the wall time also counts the time spent waiting for a core, the CPU time does not.
      let depth = 0;
      const timed =
        (fn) =>
        async (...args) => {
          const started = performance.now();
          const cpu = process.cpuUsage();
          depth++;
          try {
            return await fn(...args);
          } finally {
            depth--;
            if (depth === 0) {
              timing.controllerMs += performance.now() - started;
              timing.controllerCpuMs += cpuMs(process.cpuUsage(cpu));
            }
          }
        };
      const driveAll = controller.driveAll.bind(controller);
      const drive = controller.drive.bind(controller);
      controller.driveAll = timed(async () => {
        timing.ticks++;
        await driveAll();
      });
      controller.drive = timed(drive);
    },
  });
  return { ...sim, timing, deployments: sim.container.resolve(DeploymentService) };
}

/** CPU ms of a `process.cpuUsage` delta. */
const cpuMs = ({ user, system }) => (user + system) / 1000;

/** Steps the clock until `done(view)` holds (checked after every step); throws past {@link MAX_SIMULATED_MS}. */
async function stepUntil(sim, what, done) {
  for (let t = 0; ; t += STEP_MS) {
    const view = await sim.deployments.get(NAMESPACE, NAME);
    if (done(view)) return view;
    if (t > MAX_SIMULATED_MS) throw new Error(`${what} not done: ${JSON.stringify(view.deployment.message)}`);
    await sim.step(STEP_MS);
  }
}

/**
 * One run: a fresh LevelDB store, cluster, engine and controller; creates the deployment (V1) and steps until
 * it is `Running` with every instance available (not timed), then updates it to V2 and steps until the
 * rollout's phase is `done` (the new app serves, all its instances available; the old app is being deleted).
 * Returns, from just before `update` to that point: simulated ms, wall ms, the wall ms spent inside the
 * controller's ticks, and the rollout's completed steps.
 */
export async function deploymentRun(config) {
  const level = await openLevelStore('bcs-bench-deploy-');
  const sim = await openDeploymentScheduler({ agents: config.agents, store: level.store });
  try {
    await sim.deployments.create(NAMESPACE, benchDeployment(config));
    await stepUntil(
      sim,
      'deploy',
      (v) => v.deployment.status === 'Running' && v.app?.available === config.instances,
    );
    // The new app is named `<name>-v<unix seconds>`: start the update on a later second than the create.
    await sim.step(1000);
    const controllerBefore = sim.timing.controllerMs;
    const controllerCpuBefore = sim.timing.controllerCpuMs;
    const simulatedStart = sim.clock.now();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    await sim.deployments.update(NAMESPACE, benchDeployment(config, V2));
    const view = await stepUntil(sim, 'rollout', (v) => v.deployment.rollout?.phase === 'done');
    const wallMs = performance.now() - wallStart;
    const cpuMsTotal = cpuMs(process.cpuUsage(cpuStart));
    const simulatedMs = sim.clock.now() - simulatedStart;
    if (view.app?.available !== config.instances)
      throw new Error(`rollout ended with ${JSON.stringify(view.app)}`);
    return {
      simulatedMs,
      wallMs,
      controllerMs: sim.timing.controllerMs - controllerBefore,
      controllerCpuMs: sim.timing.controllerCpuMs - controllerCpuBefore,
      cpuMs: cpuMsTotal,
      steps: view.deployment.rollout.stepsCompleted,
    };
  } finally {
    await sim.dispose();
    await level.cleanup();
  }
}

const statsOf = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * Runs every configuration `runs` times (one after the other, in this process); one row per configuration,
 * each metric as `{ median, min, max }` over the runs:
 * - `steps`: rollout steps completed (one or two stages each: scale the new app up, then the old one down);
 * - `controllerMsPerStep`: wall ms inside the controller's drives (`driveAll` and `drive`) per step;
 * - `controllerCpuMsPerStep`: the process's CPU ms (user + system) over those same spans, per step;
 * - `wallMsPerStep`: wall ms of the whole rollout per step (engine, controller, simulator, LevelDB, stepping);
 * - `cpuMsPerStep`: the process's CPU ms over the whole rollout, per step;
 * - `simulatedMs`, `wallMs`: from the update to the rollout's end, on the manual clock and the wall clock.
 */
export async function runDeploymentBench({ runs = 3, configs = DEPLOYMENT_CONFIGS, log = () => {} } = {}) {
  const rows = [];
  for (const config of configs) {
    const samples = [];
    for (let run = 0; run < runs; run++) {
      const sample = await deploymentRun(config);
      log(`deployments ${config.name} run ${run + 1}: ${JSON.stringify(sample)}`);
      samples.push(sample);
    }
    rows.push({
      ...config,
      runs,
      steps: statsOf(samples.map((s) => s.steps)),
      controllerMsPerStep: statsOf(samples.map((s) => s.controllerMs / s.steps)),
      controllerCpuMsPerStep: statsOf(samples.map((s) => s.controllerCpuMs / s.steps)),
      wallMsPerStep: statsOf(samples.map((s) => s.wallMs / s.steps)),
      cpuMsPerStep: statsOf(samples.map((s) => s.cpuMs / s.steps)),
      simulatedMs: statsOf(samples.map((s) => s.simulatedMs)),
      wallMs: statsOf(samples.map((s) => s.wallMs)),
    });
  }
  return rows;
}

const fmt = (x, digits) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cell = ({ median: m, min, max }, digits = 1) =>
  `${fmt(m, digits)} (${fmt(min, digits)}–${fmt(max, digits)})`;

/** The markdown section body for docs/benchmarks.md (under `deployments`). */
export function deploymentMarkdown(rows, { date = new Date() } = {}) {
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const runs = rows[0]?.runs ?? 0;
  const lines = [
    '### Deployment rolling updates',
    '',
    `Measured ${date.toISOString().slice(0, 10)} on nproc ${availableParallelism()}, ${gib} GiB memory, Node ${process.version}.`,
    '',
    '```sh',
    'pnpm bench -- deployments (bench/deployment-bench.mjs)',
    '```',
    '',
    '**What it measures.** (1) The scheduler’s overhead per rollout step: the wall time the deployment',
    'controller and the engine spend per step of a rolling update. The clock is a ManualClock, so no wall time',
    'is spent waiting for simulated time: *wall ms / step* is the whole rollout’s wall time (controller ticks,',
    'engine placement and status handling, LevelDB writes, the simulated cluster and the benchmark’s clock',
    'stepping) divided by the steps; *controller ms / step* is only the time inside the controller’s drives',
    '(`DeploymentController.driveAll` on its tick and `drive` between ticks: on the service’s request and after',
    'each commit that touches a deployment’s app; planning, writing app changes + record in one LevelDB batch,',
    '`engine.syncApps`). (2) The total time to roll a 1 000-instance deployment with zero health delay, on the',
    'simulated clock (*simulated s*: from `update` until the rollout’s phase is `done`, including waits for',
    'offers, which come every second, and for the controller’s drives) and on the wall clock.',
    '',
    '**How.** Each run opens a fresh LevelDB store (classic-level, temp dir), a SimulatedCluster of default agents',
    '(4 cpus, 30 878 MB; tasks start at once, offers every 1 s, `recordCalls: false`) and the engine with the',
    'DeploymentController on a ManualClock. It creates the deployment through `DeploymentService.create`',
    '(`aDeployment()` with one container of 0.1 cpu and 32 MB, no ports, no health checks, CreateFirst,',
    '`upgradeDuration` 0, automatic), steps until every instance is available (not timed), then calls',
    '`DeploymentService.update` with a new image and advances the clock in 100 ms steps, draining the engine',
    '(`engine.idle()` + `setImmediate`) after each, until the rollout is done and all new instances are',
    `available. ${runs} runs per configuration, one after the other in one process; median (min–max).`,
    '',
    '*controller CPU ms / step* and *CPU ms / step* are the process’s CPU time (user + system, all threads:',
    '`process.cpuUsage`) over the same spans: on a loaded machine wall time also counts waiting for a core.',
    '',
    '| configuration | runs | steps | controller ms / step | controller CPU ms / step | wall ms / step | CPU ms / step | simulated s | wall s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const config =
      `${fmt(r.instances, 0)} instances on ${r.agents} agents, maxSurge ${r.maxSurge}, ` +
      `maxUnavailable ${r.maxUnavailable}, upgradeDuration ${r.upgradeDuration}`;
    const sec = (s) => ({ median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 });
    lines.push(
      `| ${config} | ${r.runs} | ${cell(r.steps, 0)} | ${cell(r.controllerMsPerStep, 2)} | ` +
        `${cell(r.controllerCpuMsPerStep, 2)} | ${cell(r.wallMsPerStep, 1)} | ${cell(r.cpuMsPerStep, 1)} | ` +
        `${cell(sec(r.simulatedMs), 1)} | ${cell(sec(r.wallMs), 2)} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  const rows = await runDeploymentBench({
    runs: Number(values.runs ?? 3),
    log: (line) => console.error(line),
  });
  console.log(deploymentMarkdown(rows));
}
