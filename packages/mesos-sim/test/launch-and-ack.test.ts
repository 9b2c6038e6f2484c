import { ErrorCode, type MesosCall, type MesosOffer } from '@bcs/core';
import { aLaunchGroupCall, scalar } from '@bcs/testing/conformance';
import { describe, expect, it } from 'vitest';
import { type ClusterHarness, firstOffer, startCluster } from './harness.js';

const V4_BASE64 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

function isV4(uuid: string | undefined): boolean {
  if (uuid === undefined || !V4_BASE64.test(uuid)) return false;
  const bytes = Buffer.from(uuid, 'base64');
  return bytes.length === 16 && bytes[6]! >> 4 === 4 && (bytes[8]! & 0xc0) === 0x80;
}

async function launchOne(h: ClusterHarness, taskId = 't-1'): Promise<MesosOffer> {
  const offer = await firstOffer(h);
  await h.launch(offer, 'grp-1', [{ id: taskId }]);
  return offer;
}

describe('SimulatedCluster launch and acknowledgement', () => {
  it('sends TASK_STARTING with a v4 uuid and holds TASK_RUNNING until the ACK', async () => {
    const h = await startCluster();
    const offer = await launchOne(h);
    const [starting] = h.updates('t-1');
    expect(h.updates('t-1')).toHaveLength(1);
    expect(starting).toEqual({
      task_id: { value: 't-1' },
      state: 'TASK_STARTING',
      source: 'SOURCE_EXECUTOR',
      agent_id: offer.agent_id,
      executor_id: { value: 'grp-1' },
      timestamp: h.clock.now() / 1000,
      uuid: expect.any(String),
    });
    expect(isV4(starting!.uuid)).toBe(true);
    // The master already knows RUNNING (reconciliation may be ahead of delivery).
    expect(h.cluster.tasks()[0]).toMatchObject({ state: 'TASK_RUNNING', unacked: [{}, {}] });
    await h.advance(9_000);
    expect(h.updates('t-1')).toHaveLength(1);
    await h.ack(starting!);
    const running = h.updates('t-1')[1]!;
    expect(running).toMatchObject({
      state: 'TASK_RUNNING',
      container_status: {
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: '127.0.0.1' }] }],
      },
    });
    expect(running.healthy).toBeUndefined();
    expect(isV4(running.uuid)).toBe(true);
    expect(running.uuid).not.toBe(starting!.uuid);
  });

  it('spaces STAGING → STARTING → RUNNING by startupMs', async () => {
    const h = await startCluster({ startupMs: 100 });
    await launchOne(h);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_STAGING');
    expect(h.updates()).toEqual([]);
    await h.advance(99);
    expect(h.updates()).toEqual([]);
    await h.advance(1);
    expect(h.updates().map((s) => s.state)).toEqual(['TASK_STARTING']);
    await h.advance(100);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_RUNNING');
    expect(h.updates()).toHaveLength(1);
    await h.ack(h.updates()[0]!);
    expect(h.updates().map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
  });

  it('reports healthy: true on TASK_RUNNING for a task with a health check', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1', healthCheck: true }]);
    const running = await h.ackUntil('t-1', 'TASK_RUNNING');
    expect(running.healthy).toBe(true);
  });

  it('resends the unacknowledged head after 10 s, doubling to 10 min, with the same uuid', async () => {
    const h = await startCluster();
    await launchOne(h);
    const uuid = h.updates('t-1')[0]!.uuid;
    // Resends at +10, +30, +70, +150, +310, +630, +1230 (capped at 600 s), +1830 s.
    const marks = [10, 30, 70, 150, 310, 630, 1230, 1830];
    let elapsed = 0;
    for (const [i, mark] of marks.entries()) {
      await h.advance(mark * 1000 - 1 - elapsed);
      expect(h.updates('t-1')).toHaveLength(i + 1);
      await h.advance(1);
      elapsed = mark * 1000;
      expect(h.updates('t-1')).toHaveLength(i + 2);
    }
    expect(new Set(h.updates('t-1').map((s) => s.uuid))).toEqual(new Set([uuid]));
  });

  it('ignores an ACK with a well-formed unknown uuid, a stale uuid, or for an unknown task', async () => {
    const h = await startCluster();
    await launchOne(h);
    const starting = h.updates('t-1')[0]!;
    const other = 'yquKe+R9RxyK7YbDJb5OCA==';
    await h.ack({ ...starting, uuid: other });
    await h.ack({ ...starting, task_id: { value: 'nope' } });
    expect(h.updates('t-1')).toHaveLength(1);
    await h.ack(starting);
    await h.ack(starting);
    expect(h.updates('t-1').map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
  });

  it('accepts an ACK uuid without base64 padding', async () => {
    const h = await startCluster();
    await launchOne(h);
    const starting = h.updates('t-1')[0]!;
    await h.ack({ ...starting, uuid: starting.uuid!.replace(/=+$/, '') });
    expect(h.updates('t-1')).toHaveLength(2);
  });

  it.each([
    ['the 36-character text form', '5b4f2c1e-8a3d-4f6b-9c2e-1d7a3b9e0f42'],
    ['15 bytes', 'AAAAAAAAAAAAAAAAAAAA'],
    ['a version-0 uuid', 'AAAAAAAAAAAAgAAAAAAAAA=='],
    ['not base64', '!!!!!!!!!!!!!!!!!!!!!!=='],
  ])('rejects an ACK uuid that is %s with ParameterError (HTTP 400)', async (_label, uuid) => {
    const h = await startCluster();
    await launchOne(h);
    const ack: MesosCall = {
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't-1' }, uuid },
    };
    await expect(h.cluster.call(ack)).rejects.toMatchObject({ code: ErrorCode.ParameterError, status: 400 });
  });

  it('reuses a running executor: a second group on it is not charged for the executor again', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }], 0);
    await h.advance(1000);
    await h.launch(h.offers()[1]!, 'grp-1', [{ id: 't-2' }], 0);
    expect(h.cluster.agents()[0]!.used).toMatchObject({ cpus: 0.3, mem: 96, disk: 10 });
    expect(h.cluster.agents()[0]!.executors).toEqual([{ id: 'grp-1', taskIds: ['t-1', 't-2'] }]);
  });

  it('frees the resources once every task is terminal and acknowledged, then reports the executor exit', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }, { id: 't-2' }]);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await h.ackUntil('t-2', 'TASK_RUNNING');
    await h.call({ type: 'KILL', kill: { task_id: { value: 't-1' } } });
    await h.ackUntil('t-1', 'TASK_KILLED');
    expect(h.cluster.agents()[0]!.used.cpus).toBeCloseTo(0.3, 9);
    expect(h.types()).not.toContain('FAILURE');
    await h.ackUntil('t-2', 'TASK_KILLED');
    expect(h.cluster.agents()[0]!.used).toEqual({ cpus: 0, mem: 0, disk: 0, ports: [] });
    expect(h.cluster.tasks()).toEqual([]);
    expect(h.events.at(-1)).toEqual({
      type: 'FAILURE',
      failure: { agent_id: offer.agent_id, executor_id: { value: 'grp-1' }, status: 0 },
    });
  });

  it('never delivers an event inside call()', async () => {
    const h = await startCluster();
    await launchOne(h);
    await h.ackUntil('t-1', 'TASK_RUNNING');
    await h.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(h.violations).toEqual([]);
  });
});

describe('SimulatedCluster LAUNCH_GROUP validation', () => {
  /** Changes to the valid two-task launch of `aLaunchGroupCall`. */
  interface Breakage {
    readonly op?: object;
    readonly executor?: object;
    readonly task?: object;
  }

  function brokenLaunch(h: ClusterHarness, offer: MesosOffer, breakage: Breakage): MesosCall {
    const call = aLaunchGroupCall(offer, {
      frameworkId: h.frameworkId,
      executorId: 'grp-bad',
      tasks: [{ id: 'bad-a' }, { id: 'bad-b' }],
    });
    if (call.type !== 'ACCEPT') throw new Error('unreachable');
    const op = call.accept.operations[0]!;
    const { executor, task_group } = op.launch_group;
    const launch_group = {
      executor: { ...executor, ...breakage.executor },
      task_group: { tasks: task_group.tasks.map((task) => ({ ...task, ...breakage.task })) },
    };
    return {
      ...call,
      accept: { ...call.accept, operations: [{ ...op, ...breakage.op, launch_group } as never] },
    };
  }

  const ports = (begin: number) => ({
    name: 'ports',
    type: 'RANGES',
    ranges: { range: [{ begin, end: begin }] },
  });

  it.each<[string, Breakage]>([
    ['executor.type missing', { executor: { type: undefined } }],
    ['executor.framework_id missing', { executor: { framework_id: undefined } }],
    ['executor.framework_id of another framework', { executor: { framework_id: { value: 'other' } } }],
    ['a DEFAULT executor with a command', { executor: { command: { value: 'run' } } }],
    [
      'an executor container with an image',
      {
        executor: {
          container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'x' } } } },
        },
      },
    ],
    [
      'executor cpus below 0.01',
      { executor: { resources: [scalar('cpus', 0.005), scalar('mem', 32), scalar('disk', 1)] } },
    ],
    [
      'executor mem below 32',
      { executor: { resources: [scalar('cpus', 0.1), scalar('mem', 31), scalar('disk', 10)] } },
    ],
    ['no executor disk', { executor: { resources: [scalar('cpus', 0.1), scalar('mem', 32)] } }],
    ['an operation id', { op: { id: { value: 'op-1' } } }],
    ['a task agent_id of another agent', { task: { agent_id: { value: 'elsewhere' } } }],
    ['a task id with a slash', { task: { task_id: { value: 'a/b' } } }],
    ['a task without resources', { task: { resources: [] } }],
    ['a DOCKER task container', { task: { container: { type: 'DOCKER', docker: { image: 'nginx' } } } }],
    ['more cpus than offered', { task: { resources: [scalar('cpus', 2), scalar('mem', 32)] } }],
    ['a gpus resource', { task: { resources: [scalar('gpus', 1)] } }],
    ['a port outside the offer', { task: { resources: [scalar('cpus', 0.1), ports(80)] } }],
    ['the same port for two tasks', { task: { resources: [scalar('cpus', 0.1), ports(31000)] } }],
  ])('fails every task with TASK_ERROR REASON_TASK_GROUP_INVALID for %s', async (_label, breakage) => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.call(brokenLaunch(h, offer, breakage));
    const statuses = h.updates();
    expect(statuses).toHaveLength(2);
    for (const status of statuses) {
      expect(status).toMatchObject({
        state: 'TASK_ERROR',
        source: 'SOURCE_MASTER',
        reason: 'REASON_TASK_GROUP_INVALID',
        message: expect.stringMatching(/^Task group is invalid: /),
      });
      expect(status.uuid).toBeUndefined();
    }
    expect(h.cluster.tasks()).toEqual([]);
    expect(h.cluster.agents()[0]!.used.cpus).toBe(0);
  });

  it('fails a group whose task id is already in use, or duplicated inside the group', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }], 0);
    await h.advance(1000);
    await h.launch(h.offers()[1]!, 'grp-2', [{ id: 't-1' }], 0);
    expect(h.updates('t-1').at(-1)).toMatchObject({
      state: 'TASK_ERROR',
      reason: 'REASON_TASK_GROUP_INVALID',
    });
    await h.advance(1000);
    await h.launch(h.offers()[2]!, 'grp-3', [{ id: 'd' }, { id: 'd' }], 0);
    expect(h.updates('d').map((s) => s.state)).toEqual(['TASK_ERROR', 'TASK_ERROR']);
  });

  it('fails a group that reuses a running executor id with a different ExecutorInfo', async () => {
    const h = await startCluster();
    const offer = await firstOffer(h);
    await h.launch(offer, 'grp-1', [{ id: 't-1' }], 0);
    await h.advance(1000);
    const call = aLaunchGroupCall(h.offers()[1]!, {
      frameworkId: h.frameworkId,
      executorId: 'grp-1',
      tasks: [{ id: 't-2' }],
      executorResources: [scalar('cpus', 0.2), scalar('mem', 32), scalar('disk', 10)],
    });
    await h.call(call);
    expect(h.updates('t-2')).toMatchObject([{ state: 'TASK_ERROR', reason: 'REASON_TASK_GROUP_INVALID' }]);
  });

  it('rejects calls before subscribing with status 403 and an unknown call type with ParameterError', async () => {
    const h = await startCluster();
    await expect(h.cluster.call({ type: 'BOGUS' } as never)).rejects.toMatchObject({
      code: ErrorCode.ParameterError,
      status: 400,
    });
    await expect(h.cluster.call({ type: 'ACCEPT' } as never)).rejects.toMatchObject({ status: 400 });
    await h.cluster.dispose();
    await expect(h.cluster.call({ type: 'REVIVE' })).rejects.toMatchObject({ status: 403 });
    expect(h.cluster.calls.map((c) => c.type)).toEqual(['BOGUS', 'ACCEPT', 'REVIVE']);
  });
});
