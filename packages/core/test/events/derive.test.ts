import { Changes, eventsOfChanges, type TaskGroup, type TaskGroupStatusEvent } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from '../engine/harness.js';

let h: Harness;
afterEach(() => h?.dispose());

const NS = 'defaultGroup';

/** A Running taskgroup of a fresh 1-instance app, as the engine holds it. */
async function runningTaskGroup(): Promise<TaskGroup> {
  h = await createHarness();
  await h.apps.create(NS, smallApp({ spec: { instance: 1 } }));
  await h.advance(3000);
  const [taskGroup] = h.apps.get(NS, 'app-test').taskGroups;
  expect(taskGroup?.status).toBe('Running');
  return taskGroup!;
}

const transitions = (changes: Changes) =>
  eventsOfChanges(changes, h.engine.state)
    .filter((e): e is TaskGroupStatusEvent => e.kind === 'taskgroup.status')
    .map((e) => [e.from, e.to]);

describe('eventsOfChanges', () => {
  it('makes one event per status a taskgroup passed through in one batch', async () => {
    const tg = await runningTaskGroup();
    const changes = new Changes()
      .putTaskGroup({ ...tg, status: 'Killing' })
      .putTaskGroup({ ...tg, status: 'Killing', message: 'still killing' })
      .putTaskGroup({ ...tg, status: 'Killed' });
    expect(transitions(changes)).toEqual([
      ['Running', 'Killing'],
      ['Killing', 'Killed'],
    ]);
  });

  it('keeps the statuses on the way when batches are merged, and before a removal', async () => {
    const tg = await runningTaskGroup();
    const first = new Changes().putTaskGroup({ ...tg, status: 'Killing' });
    const second = new Changes()
      .putTaskGroup({ ...tg, status: 'Killed' })
      .removeTaskGroup({ ...tg, status: 'Killed' });
    expect(transitions(first.merge(second))).toEqual([
      ['Running', 'Killing'],
      ['Killing', 'Killed'],
      ['Killed', null],
    ]);
  });

  it('makes no event for a put that changes neither status nor health', async () => {
    const tg = await runningTaskGroup();
    expect(transitions(new Changes().putTaskGroup({ ...tg, message: 'heartbeat' }))).toEqual([]);
    const unhealthy = { ...tg, tasks: tg.tasks.map((t) => ({ ...t, healthy: false })) };
    expect(eventsOfChanges(new Changes().putTaskGroup(unhealthy), h.engine.state)).toEqual([
      expect.objectContaining({ kind: 'taskgroup.status', from: 'Running', to: 'Running', healthy: false }),
    ]);
  });
});
