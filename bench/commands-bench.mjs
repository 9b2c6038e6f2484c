// Issue 12 §4: one command fanned out to 1,000 taskgroups, in one process: the scheduler core (BCS executor) on a
// SimulatedCluster whose CUSTOM-executor groups run the emulated BCS executor, on a ManualClock, the store on
// LevelDB (classic-level, temp dir). Measures the wall time from `CommandTracker.send` to the moment every task
// of the record is final, and the store writes (batches) and records written per answer. Needs the built
// packages (`pnpm exec tsc -b`).
//
//   node bench/commands-bench.mjs [--runs 3] [--instances 1000]
//   import { runCommandsBench } from './bench/commands-bench.mjs'
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createScheduler, SchedulerEngine } from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { ManualClock, SequentialIds } from '@bcs/testing/fakes';
import {
  benchApplication,
  median,
  NAMESPACE,
  openLevelStore,
  rootContainer,
  START,
} from './sim-scheduler.mjs';

const APP = 'app-test';

/** One run: `instances` Running taskgroups, one command to all of them; times and write counts. */
async function commandRun({ instances, agents }) {
  const { store, cleanup } = await openLevelStore('bcs-bench-commands-');
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
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    clock,
    ids: new SequentialIds({ startNanos: BigInt(START) * 1_000_000n }),
    driver: cluster,
    engine: { clusterName: '10001', tickMs: 1000, executor: { kind: 'bcs', uri: 'file:///bcs-executor' } },
    limits: { maxInstances: 1_000_000 },
  });
  const engine = scheduler.container.resolve(SchedulerEngine);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.idle();
    }
  };
  try {
    await scheduler.applications.create(NAMESPACE, benchApplication({ instances }));
    for (let i = 0; i < 600; i++) {
      clock.advance(100);
      await settle();
      const app = engine.state.get(NAMESPACE, APP);
      if ([...(app?.taskGroups.values() ?? [])].filter((tg) => tg.status === 'Running').length === instances)
        break;
    }
    // Count the store's batches and the command records they write from here on.
    let batches = 0;
    let recordPuts = 0;
    const batch = store.batch.bind(store);
    store.batch = (ops) => {
      batches++;
      for (const op of ops) if (op.collection === 'command' && op.type === 'put') recordPuts++;
      return batch(ops);
    };
    const body = {
      apiVersion: 'v4',
      kind: 'Command',
      spec: {
        commandTargetRef: { kind: 'Application', namespace: NAMESPACE, name: APP },
        command: ['hostname'],
      },
    };
    const started = performance.now();
    const record = await scheduler.commands.send('application', NAMESPACE, APP, body);
    const sentMs = performance.now() - started;
    // From here on: the dispatch turns and the answers.
    batches = 0;
    recordPuts = 0;
    const final = (r) =>
      r.status.taskgroups.every((g) =>
        g.tasks.every((t) => t.status !== 'running' && t.status !== 'staging'),
      );
    let current = record;
    for (let i = 0; i < 100_000 && !final(current); i++) {
      clock.advance(1);
      await settle();
      current = scheduler.commands.get('application', NAMESPACE, APP, record.id);
    }
    const answeredMs = performance.now() - started;
    const tasks = current.status.taskgroups.flatMap((g) => g.tasks);
    const finished = tasks.filter((t) => t.status === 'finish').length;
    return {
      instances,
      tasks: tasks.length,
      finished,
      sentMs,
      answeredMs,
      answerBatches: batches,
      answerRecordPuts: recordPuts,
      writesPerAnswer: batches / finished,
    };
  } finally {
    await scheduler.close();
    await cluster.dispose();
    await cleanup();
  }
}

/** Runs {@link commandRun} `runs` times; the medians, and the runs. */
export async function runCommandsBench({
  runs = 3,
  instances = 1000,
  agents = 100,
  log = () => undefined,
} = {}) {
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const sample = await commandRun({ instances, agents });
    log(`commands run ${run + 1}/${runs}: ${JSON.stringify(sample)}`);
    samples.push(sample);
  }
  const med = (key) => median(samples.map((s) => s[key]));
  return {
    runs,
    instances,
    agents,
    tasks: med('tasks'),
    finished: Math.min(...samples.map((s) => s.finished)),
    sentMs: med('sentMs'),
    answeredMs: med('answeredMs'),
    answerBatches: med('answerBatches'),
    answerRecordPuts: med('answerRecordPuts'),
    writesPerAnswer: med('writesPerAnswer'),
    samples,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, instances: { type: 'string' } } });
  const result = await runCommandsBench({
    runs: Number(values.runs ?? 3),
    instances: Number(values.instances ?? 1000),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
}
