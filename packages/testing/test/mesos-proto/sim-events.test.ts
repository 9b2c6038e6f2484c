import type { MesosCall, MesosEvent, MesosFrameworkInfo, MesosOffer } from '@bcs/core';
import { drainMicrotasks, SimulatedCluster, type SimulatedClusterOptions } from '@bcs/mesos-sim';
import { describe, expect, it } from 'vitest';
import { aLaunchGroupCall } from '../../src/conformance/index.js';
import { createMemoryStore, FakeMesosDriver, ManualClock } from '../../src/fakes/index.js';
import { loadMesosSchema } from '../../src/mesos-proto/index.js';

// Every event the in-process simulator emits over a realistic session, and every call this session sends,
// checked against the real scheduler.proto. A violation fails with the event and the problem's JSON path.
// Proto names only: a master ignores any other key, so a camelCase key would be silently lost on the wire.
const schema = loadMesosSchema(undefined, { protoNamesOnly: true });
const T0 = 1_700_000_000_000;

const FRAMEWORK: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'proto-session',
  roles: ['*'],
  failover_timeout: 604800,
  checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
};

/** A subscribed session that checks every event and call as it passes. */
async function session(options: Partial<SimulatedClusterOptions> = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0);
  const cluster = new SimulatedCluster({
    seed: 11,
    agents: 3,
    startupMs: 100,
    scripts: {
      crash: {
        kind: 'crash-after',
        ms: 500,
        message: 'segfault',
        reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      },
      broken: { kind: 'fail-at-start', message: 'no such image' },
      done: { kind: 'finish-after', ms: 300 },
      sick: { kind: 'unhealthy-after', ms: 300 },
    },
    ...options,
    clock,
  });
  await cluster.open();
  const events: MesosEvent[] = [];
  const problems: string[] = [];
  const listen = (event: MesosEvent) => {
    events.push(event);
    const problem = schema.checkEvent(event);
    if (problem !== undefined) problems.push(`event ${JSON.stringify(event)}: ${problem}`);
  };
  let frameworkId = '';
  const subscribe = async (framework: MesosFrameworkInfo) => {
    const body = {
      type: 'SUBSCRIBE',
      ...(framework.id === undefined ? {} : { framework_id: framework.id }),
      subscribe: { framework_info: framework },
    };
    const problem = schema.checkCall(body);
    if (problem !== undefined) problems.push(`SUBSCRIBE: ${problem}`);
    await cluster.subscribe(framework, listen);
    await drainMicrotasks();
    const subscribed = events.findLast((e) => e.type === 'SUBSCRIBED');
    if (subscribed?.type === 'SUBSCRIBED') frameworkId = subscribed.subscribed.framework_id.value;
  };
  const call = async (body: MesosCall) => {
    const wire = { ...body, framework_id: { value: frameworkId } };
    const problem = schema.checkCall(wire);
    if (problem !== undefined) problems.push(`call ${JSON.stringify(wire)}: ${problem}`);
    await cluster.call(body);
    await drainMicrotasks();
  };
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await drainMicrotasks();
    }
  };
  const updates = () => events.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
  const acked = new Set<string>();
  /** Acknowledges every update with a uuid not yet acknowledged, as a driver does. */
  const ackAll = async () => {
    for (const status of updates()) {
      if (status.uuid === undefined || acked.has(status.uuid)) continue;
      acked.add(status.uuid);
      await call({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid },
      });
    }
  };
  const offers = () => {
    const rescinded = new Set(
      events.flatMap((e) => (e.type === 'RESCIND' ? [e.rescind.offer_id.value] : [])),
    );
    return events.flatMap((e) =>
      e.type === 'OFFERS' ? e.offers.offers.filter((o) => !rescinded.has(o.id.value)) : [],
    );
  };
  return {
    clock,
    cluster,
    events,
    problems,
    subscribe,
    call,
    advance,
    updates,
    ackAll,
    offers,
    get frameworkId() {
      return frameworkId;
    },
  };
}

const latestOffer = (offers: MesosOffer[], agentId: string, used: Set<string>) => {
  const offer = offers.findLast((o) => o.agent_id.value === agentId && !used.has(o.id.value));
  if (offer === undefined) throw new Error(`no offer for ${agentId}`);
  used.add(offer.id.value);
  return offer;
};

describe('SimulatedCluster events against scheduler.proto', () => {
  it('every event of a full session is a valid mesos.scheduler.Event', async () => {
    const s = await session();
    await s.subscribe(FRAMEWORK);
    await s.advance(100);
    const agents = s.cluster.agents().map((a) => a.id);
    const used = new Set<string>();
    const launch = async (
      agent: string,
      executorId: string,
      tasks: Parameters<typeof aLaunchGroupCall>[1]['tasks'],
    ) =>
      s.call(
        aLaunchGroupCall(latestOffer(s.offers(), agent, used), {
          frameworkId: s.frameworkId,
          executorId,
          tasks,
          refuseSeconds: 5,
        }),
      );
    // LAUNCH_GROUPs: a healthy web task with ports, a crashing one, one failing at start, one finishing, one
    // going unhealthy.
    await launch(agents[0]!, 'grp-web', [
      { id: 'web-1', cpus: 0.5, mem: 128, ports: [31005], healthCheck: true, killGraceMs: 2000 },
      { id: 'side-1', image: 'sick' },
    ]);
    await launch(agents[1]!, 'grp-crash', [{ id: 'crash-1', image: 'crash' }, { id: 'crash-2' }]);
    await launch(agents[2]!, 'grp-misc', [{ id: 'broken-1', image: 'broken' }]);
    for (let i = 0; i < 10; i++) {
      await s.advance(200);
      await s.ackAll();
    }
    await s.advance(1000);
    await launch(agents[2]!, 'grp-done', [{ id: 'done-1', image: 'done' }]);
    // An ACCEPT with a used offer: TASK_DROPPED (REASON_INVALID_OFFERS) from the master, no uuid.
    const usedOffer = s.offers().find((o) => used.has(o.id.value))!;
    await s.call(
      aLaunchGroupCall(usedOffer, {
        frameworkId: s.frameworkId,
        executorId: 'grp-x',
        tasks: [{ id: 'x-1' }],
      }),
    );
    for (let i = 0; i < 10; i++) {
      await s.advance(200);
      await s.ackAll();
    }
    // MESSAGE to an executor, KILL (group kill, KILLING with the capability), DECLINE, SUPPRESS, REVIVE.
    await s.call({
      type: 'MESSAGE',
      message: { agent_id: { value: agents[0]! }, executor_id: { value: 'grp-web' }, data: 'cmVsb2Fk' },
    });
    await s.call({ type: 'KILL', kill: { task_id: { value: 'web-1' }, agent_id: { value: agents[0]! } } });
    await s.call({ type: 'KILL', kill: { task_id: { value: 'nobody' } } });
    for (let i = 0; i < 30; i++) {
      await s.advance(200);
      await s.ackAll();
    }
    const spare = s.offers().filter((o) => !used.has(o.id.value));
    if (spare.length > 0) {
      for (const o of spare) used.add(o.id.value);
      await s.call({
        type: 'DECLINE',
        decline: { offer_ids: spare.map((o) => o.id), filters: { refuse_seconds: 1 } },
      });
    }
    await s.call({ type: 'SUPPRESS' });
    await s.call({ type: 'REVIVE' });
    await s.advance(1500);
    // Explicit reconciliation (known and unknown tasks) and implicit reconciliation: no uuids.
    await launch(agents[1]!, 'grp-lost', [{ id: 'lost-1' }]);
    await launch(agents[2]!, 'grp-late', [{ id: 'late-1' }]);
    await s.advance(500);
    await s.ackAll();
    await s.call({
      type: 'RECONCILE',
      reconcile: {
        tasks: [
          { task_id: { value: 'lost-1' }, agent_id: { value: agents[1]! } },
          { task_id: { value: 'ghost' } },
        ],
      },
    });
    await s.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    await s.advance(200);
    // Rescind, agent loss (FAILURE + TASK_UNREACHABLE/LOST + RESCIND), a status injected with data.
    s.cluster.rescindAll();
    s.cluster.loseAgent(agents[1]!);
    s.cluster.injectStatus('late-1', 'TASK_FAILED', {
      message: 'oom',
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
    });
    await s.advance(1000);
    await s.ackAll();
    // Failover: a second SUBSCRIBE with the same id ends the first stream with ERROR; then a removed id.
    await s.subscribe({ ...FRAMEWORK, id: { value: s.frameworkId } });
    await s.advance(16_000);
    await s.ackAll();
    await s.call({ type: 'TEARDOWN' });
    await s.subscribe({ ...FRAMEWORK, id: { value: s.frameworkId } });

    const types = new Set(s.events.map((e) => e.type));
    for (const type of ['SUBSCRIBED', 'HEARTBEAT', 'OFFERS', 'UPDATE', 'RESCIND', 'FAILURE', 'ERROR'])
      expect(types).toContain(type);
    const states = new Set(s.updates().map((u) => u.state));
    for (const state of [
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_KILLING',
      'TASK_KILLED',
      'TASK_FAILED',
      'TASK_FINISHED',
    ])
      expect(states).toContain(state);
    expect(s.updates().some((u) => u.uuid === undefined)).toBe(true);
    expect(s.updates().some((u) => u.healthy === false)).toBe(true);
    expect(s.problems).toEqual([]);
  });

  it('events resent by a cluster reloaded from its store are valid too', async () => {
    const store = createMemoryStore();
    const first = await session({ store, startupMs: 1000 });
    await first.subscribe(FRAMEWORK);
    await first.advance(100);
    const [a, b] = first.cluster.agents().map((agent) => agent.id);
    const used = new Set<string>();
    for (const [agent, id] of [
      [a!, 'grp-1'],
      [b!, 'grp-2'],
    ] as const) {
      const offer = latestOffer(first.offers(), agent, used);
      const tasks = [{ id: `${id}-t`, ports: [31007], healthCheck: true, killGraceMs: 1500 }];
      await first.call(aLaunchGroupCall(offer, { frameworkId: first.frameworkId, executorId: id, tasks }));
    }
    await first.advance(1500);
    await first.cluster.dispose();
    // A new process on the same store: unacknowledged heads are resent, pending steps carry on.
    const second = await session({ store, clock: first.clock, seed: 99 });
    await second.subscribe({ ...FRAMEWORK, id: { value: first.frameworkId } });
    for (let i = 0; i < 20; i++) {
      await second.advance(200);
      await second.ackAll();
    }
    await second.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    await second.call({ type: 'KILL', kill: { task_id: { value: 'grp-1-t' } } });
    for (let i = 0; i < 20; i++) {
      await second.advance(200);
      await second.ackAll();
    }
    expect(second.updates().some((u) => u.source === 'SOURCE_EXECUTOR')).toBe(true);
    expect(second.updates().some((u) => u.reason === 'REASON_RECONCILIATION')).toBe(true);
    expect([...first.problems, ...second.problems]).toEqual([]);
  });

  it("the emulated BCS executor's MESSAGE replies are valid", async () => {
    const s = await session();
    await s.subscribe(FRAMEWORK);
    await s.advance(100);
    const offer = s.offers()[0]!;
    const launch = aLaunchGroupCall(offer, {
      frameworkId: s.frameworkId,
      executorId: 'grp-bcs',
      tasks: [{ id: 'bcs-1' }, { id: 'bcs-2' }],
    });
    if (launch.type !== 'ACCEPT' || launch.accept.operations[0]?.type !== 'LAUNCH_GROUP')
      throw new Error('ACCEPT');
    const op = launch.accept.operations[0];
    const executor = {
      ...op.launch_group.executor,
      type: 'CUSTOM' as const,
      command: { value: './executor' },
    };
    await s.call({
      ...launch,
      accept: { ...launch.accept, operations: [{ ...op, launch_group: { ...op.launch_group, executor } }] },
    });
    await s.advance(1000);
    await s.ackAll();
    // As the original scheduler sends them: ASCII base64 of the JSON BcsMessage in the bytes field.
    const data = (message: object) =>
      Buffer.from(Buffer.from(JSON.stringify(message)).toString('base64')).toString('base64');
    const to = { agent_id: offer.agent_id, executor_id: { value: 'grp-bcs' } };
    const command = { ID: 'c1', TaskId: 'bcs-1', ContainerId: '', Env: null, Cmd: ['ls'], User: '' };
    await s.call({
      type: 'MESSAGE',
      message: { ...to, data: data({ Id: 1, Type: 12, RequestCommandTask: command }) },
    });
    const commit = { Tasks: [{ TaskId: 'bcs-2', Image: 'r/a:1' }] };
    await s.call({ type: 'MESSAGE', message: { ...to, data: data({ Id: 2, Type: 9, CommitTask: commit }) } });
    await s.advance(100);
    expect(s.events.filter((e) => e.type === 'MESSAGE')).toHaveLength(3);
    expect(s.problems).toEqual([]);
  });

  it("FakeMesosDriver's own SUBSCRIBED and HEARTBEAT are valid", async () => {
    const driver = new FakeMesosDriver();
    const events: MesosEvent[] = [];
    await driver.subscribe(FRAMEWORK, (event) => events.push(event));
    await drainMicrotasks();
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    expect(events.map((e) => schema.checkEvent(e))).toEqual([undefined, undefined]);
  });
});
