// The Reflect polyfill loads first, once per entry point, before any decorated class of core.
import 'reflect-metadata';
import { type ApplicationView, createScheduler, type DomainEvent, systemClock } from '@bcs/core';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { createMemoryStore } from '@bcs/testing/fakes';

/**
 * Embeds the scheduler in a plain Node program: core on an in-memory store, scheduling on a simulated 3-agent
 * Mesos cluster. It creates an application of 2 instances, prints every event of its namespace as one line,
 * waits (by watching the events) until every instance is Running, prints a summary and closes everything.
 * Exits 0, or 1 when the instances are not all Running within {@link DEADLINE_MS}.
 */

const NAMESPACE = 'demo';
const APP = 'hello';
const INSTANCES = 2;
/** Far more than the ~1 s it takes: the simulated agents offer their resources once a second. */
const DEADLINE_MS = 30_000;

/**
 * The smallest useful application body (spec/api-v4.md createApplication): one container with small limits,
 * so both instances fit on one 4-cpu simulated agent. `cpu` is cores, `memory` MB.
 */
const application = {
  apiVersion: 'v4',
  kind: 'application',
  metadata: { name: APP, namespace: NAMESPACE, labels: { app: APP } },
  restartPolicy: { policy: 'OnFailure', interval: 1, backoff: 1 },
  spec: {
    instance: INSTANCES,
    template: {
      spec: {
        networkMode: 'BRIDGE',
        containers: [
          {
            image: 'nginx:1.27',
            resources: { limits: { cpu: '0.5', memory: '100' } },
            ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
          },
        ],
      },
    },
  },
};

async function main(): Promise<number> {
  // 1. The simulated cluster is the Mesos driver; the wall clock drives its offers and task progress.
  const cluster = new SimulatedCluster({ clock: systemClock, agents: 3, seed: 1 });
  await cluster.open();
  const store = createMemoryStore();
  // The cluster name goes into every taskgroup id (`<index>.<app>.<namespace>.<cluster>.<nanos>`).
  const scheduler = await createScheduler({
    store,
    driver: cluster,
    engine: { clusterName: 'BCS-LOCAL-00001' },
  });

  // 2. Subscribe before creating, and wait for `hello`: the subscription starts at the newest event then, so
  //    it sees everything the creation causes.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), DEADLINE_MS);
  const subscription = scheduler.events.subscribe({ namespace: NAMESPACE, signal: deadline.signal });
  const hello = await subscription.next();
  if (hello.done !== true && hello.value.type === 'hello') {
    console.log(`embed-core: scheduler started on 3 simulated agents; event log at #${hello.value.seq}`);
  }

  // 3. Create the application, then follow its events until every instance is Running.
  console.log(`embed-core: creating application ${NAMESPACE}/${APP} with ${INSTANCES} instances`);
  await scheduler.applications.create(NAMESPACE, application);
  const statuses = new Map<string, string>();
  const allRunning = () =>
    statuses.size === INSTANCES && [...statuses.values()].every((status) => status === 'Running');
  for await (const message of subscription) {
    if (message.type === 'resync') {
      // Only when history is lost, which an in-memory log of a few events never is; rebuild from the state.
      console.log(`#${message.seq} resync (${message.reason})`);
      statuses.clear();
      for (const tg of message.snapshot.taskgroups) statuses.set(tg.taskgroup, tg.status);
    }
    if (message.type === 'events') {
      for (const event of message.events) {
        console.log(formatEvent(event));
        if (event.kind !== 'taskgroup.status') continue;
        if (event.to === null) statuses.delete(event.taskgroup);
        else statuses.set(event.taskgroup, event.to);
      }
    }
    if (allRunning()) break; // Leaving the loop ends the subscription.
  }
  clearTimeout(timer);

  // 4. Summarise from the scheduler's state, then close: the scheduler, the cluster, the store.
  const ok = allRunning();
  if (ok) printSummary(scheduler.applications.get(NAMESPACE, APP));
  else console.error(`embed-core: not every instance Running after ${DEADLINE_MS} ms`);
  await scheduler.close();
  await cluster.dispose();
  await store.close();
  console.log('embed-core: closed cleanly');
  return ok ? 0 : 1;
}

/** One event as one line: `#seq kind app/taskgroup from → to host`. A `null` status prints as `none`. */
function formatEvent(event: DomainEvent): string {
  const from = event.from ?? 'none';
  const to = event.to ?? 'none';
  switch (event.kind) {
    case 'taskgroup.status':
      return `#${event.seq} ${event.kind} ${event.application}/${event.taskgroup} ${from} → ${to} ${event.host ?? '-'}`;
    case 'application.status':
      return `#${event.seq} ${event.kind} ${event.application} ${from} → ${to} (${event.instances} instances)`;
    case 'deployment.status':
      return `#${event.seq} ${event.kind} ${event.deployment} ${from} → ${to}`;
    case 'command.status':
      return `#${event.seq} ${event.kind} ${event.command} ${event.task ?? '(command)'} ${from} → ${to}`;
  }
}

/** The application and each instance: status, host and the host ports it got. */
function printSummary(view: ApplicationView): void {
  const running = view.taskGroups.filter((tg) => tg.status === 'Running').length;
  console.log(
    `summary: application ${view.app.namespace}/${view.app.id} ${view.app.status}, ` +
      `${running}/${view.app.desiredInstances} instances Running`,
  );
  for (const tg of view.taskGroups) {
    const ports = tg.tasks.flatMap((task) => task.portMappings).map((p) => `${p.name}:${p.hostPort}`);
    console.log(
      `  ${tg.id} ${tg.status} on ${tg.agentIp ?? tg.hostname ?? '?'} ports ${ports.join(',') || '-'}`,
    );
  }
}

// exitCode, not exit(): the process ends by itself only if everything was really closed.
process.exitCode = await main();
