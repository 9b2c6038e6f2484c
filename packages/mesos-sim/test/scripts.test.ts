import { describe, expect, it } from 'vitest';
import type { SimScript } from '../src/index.js';
import { resolveScript } from '../src/task-lifecycle.js';
import { type ClusterHarness, firstOffer, startCluster } from './harness.js';

const SCRIPTS: Record<string, SimScript> = {
  'bad:1': { kind: 'fail-at-start', message: 'image pull failed' },
  'batch:1': { kind: 'finish-after', ms: 5000 },
  'flaky:1': {
    kind: 'crash-after',
    ms: 2000,
    message: 'segfault',
    reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
  },
  'sick:1': { kind: 'unhealthy-after', ms: 1000 },
  'stuck:1': { kind: 'never-start' },
};

async function launchImage(h: ClusterHarness, image: string, sidecar = false): Promise<void> {
  const offer = await firstOffer(h);
  await h.launch(offer, 'grp-1', sidecar ? [{ id: 'main', image }, { id: 'side' }] : [{ id: 'main', image }]);
}

/** Acknowledges every delivered, unacknowledged update (repeatedly), advancing `ms` in 100 ms steps. */
async function ackAll(h: ClusterHarness, ms: number): Promise<void> {
  const acked = new Set<string>();
  for (let t = 0; t <= ms; t += 100) {
    for (const s of h.updates()) {
      if (s.uuid !== undefined && !acked.has(s.uuid)) {
        acked.add(s.uuid);
        await h.ack(s);
      }
    }
    await h.advance(100);
  }
}

describe('SimulatedCluster scripts', () => {
  it('fail-at-start: STARTING then FAILED (REASON_CONTAINER_LAUNCH_FAILED); the sidecar is killed', async () => {
    const h = await startCluster({ scripts: SCRIPTS, startupMs: 100 });
    await launchImage(h, 'registry/bad:1', true);
    await ackAll(h, 4000);
    expect(h.updates('main').map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_FAILED']);
    expect(h.updates('main')[1]).toMatchObject({
      message: 'image pull failed',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
    });
    expect(h.updates('side').map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(h.events.find((e) => e.type === 'FAILURE')).toEqual({
      type: 'FAILURE',
      failure: {
        agent_id: { value: `${h.cluster.masterId}-S0` },
        executor_id: { value: 'grp-1' },
        status: 256,
      },
    });
  });

  it('finish-after: RUNNING, then FINISHED the given ms later; other tasks keep running', async () => {
    const h = await startCluster({ scripts: SCRIPTS });
    await launchImage(h, 'batch:1', true);
    await h.ackUntil('main', 'TASK_RUNNING');
    await h.advance(4999);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_RUNNING');
    await h.advance(1);
    await h.ackUntil('main', 'TASK_FINISHED');
    expect(h.updates('main').at(-1)).toMatchObject({ state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR' });
    expect(h.cluster.tasks().map((t) => [t.taskId, t.state])).toEqual([['side', 'TASK_RUNNING']]);
  });

  it('crash-after: RUNNING, then FAILED with the message and reason; the group is killed', async () => {
    const h = await startCluster({ scripts: SCRIPTS });
    await launchImage(h, 'flaky:1', true);
    await ackAll(h, 6000);
    expect(h.updates('main').map((s) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(h.updates('main')[2]).toMatchObject({
      message: 'segfault',
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
    });
    expect(h.updates('side').map((s) => s.state)).toEqual([
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_KILLING',
      'TASK_KILLED',
    ]);
  });

  it('unhealthy-after: RUNNING healthy, then RUNNING unhealthy', async () => {
    const h = await startCluster({ scripts: SCRIPTS });
    await launchImage(h, 'sick:1');
    await ackAll(h, 2000);
    expect(h.updates('main').map((s) => [s.state, s.healthy])).toEqual([
      ['TASK_STARTING', undefined],
      ['TASK_RUNNING', true],
      ['TASK_RUNNING', false],
    ]);
    expect(h.updates('main')[2]!.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
    expect(h.cluster.tasks()[0]).toMatchObject({ state: 'TASK_RUNNING', healthy: false });
  });

  it('never-start: STARTING and nothing more', async () => {
    const h = await startCluster({ scripts: SCRIPTS, startupMs: 100 });
    await launchImage(h, 'stuck:1');
    await ackAll(h, 60_000);
    expect(h.updates('main').map((s) => s.state)).toEqual(['TASK_STARTING']);
    expect(h.cluster.tasks()[0]!.state).toBe('TASK_STARTING');
  });

  it.each([
    ['an exact key', 'batch:1', 'finish-after'],
    ['the longest contained key', 'registry.example/flaky:1', 'crash-after'],
    ['no key', 'nginx:1.25', undefined],
    ['no image', undefined, undefined],
  ])('resolves a script by %s', (_label, image, kind) => {
    const scripts = { ...SCRIPTS, 'y:1': { kind: 'never-start' } as const };
    expect(resolveScript(scripts, image)?.kind).toBe(kind);
  });

  it('injectStatus queues an executor update behind the head; a terminal one stops the script', async () => {
    const h = await startCluster({ scripts: SCRIPTS });
    await launchImage(h, 'batch:1');
    await h.ackUntil('main', 'TASK_RUNNING');
    h.cluster.injectStatus('main', 'TASK_RUNNING', { healthy: false, message: 'probe failed' });
    h.cluster.injectStatus('main', 'TASK_FAILED', { message: 'oom' });
    expect(h.cluster.tasks()[0]!.unacked.map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_FAILED']);
    await h.ackUntil('main', 'TASK_FAILED');
    await h.advance(10_000);
    expect(h.updates('main').map((s) => s.state)).toEqual([
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_RUNNING',
      'TASK_FAILED',
    ]);
    expect(h.updates('main')[2]).toMatchObject({
      healthy: false,
      message: 'probe failed',
      source: 'SOURCE_EXECUTOR',
    });
    expect(() => h.cluster.injectStatus('main', 'TASK_RUNNING')).toThrow(RangeError);
    expect(h.events.find((e) => e.type === 'FAILURE')).toMatchObject({ failure: { status: 256 } });
  });
});
