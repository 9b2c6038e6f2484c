import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observeApp } from '../../src/deployments/apply.js';
import {
  type ControllerContext,
  decideApp,
  newPendingTaskGroup,
  WAITING_FOR_OFFER,
} from '../../src/engine/app-controller.js';
import { AppSummary } from '../../src/engine/app-summary.js';
import { type AppState, Changes, SchedulerState } from '../../src/engine/state.js';
import type { Application, ApplicationStatus } from '../../src/resources/app.js';
import type { TaskGroup, TaskGroupStatus } from '../../src/resources/taskgroup.js';
import type { HealthCheckDefinition } from '../../src/validation/pod-template.js';
import { aContainer, aVersion } from '../scheduler/helpers.js';

const version = aVersion();
/** Statuses where the counted decision applies, and the ended ones where the controller walks. */
const GOING: TaskGroupStatus[] = [
  'Pending',
  'Staging',
  'Starting',
  'Running',
  'Restarting',
  'Killing',
  'Unknown',
];
const ENDED: TaskGroupStatus[] = ['Finish', 'Failed', 'Killed', 'Lost', 'Error'];
const MESSAGES = ['', WAITING_FOR_OFFER, 'pending: no offer fits', 'exit 1'];

function controllerContext(): ControllerContext {
  let nanos = 1_000n;
  return { now: 5_000, cluster: 'c', nextNanos: () => String(nanos++) };
}

function anApp(desired: number, op: 'none' | 'create' | 'scale', status: ApplicationStatus): Application {
  return {
    id: version.appId,
    namespace: version.namespace,
    kind: 'application',
    status,
    message: '',
    desiredInstances: desired,
    versionId: version.id,
    createdAt: 0,
    updatedAt: 0,
    ...(op === 'create' ? { operation: { type: 'create', startedAt: 0 } } : {}),
    ...(op === 'scale' ? { operation: { type: 'scale', startedAt: 0, from: 1, to: desired } } : {}),
  };
}

interface Spec {
  readonly index: number;
  readonly status: TaskGroupStatus;
  readonly message: string;
  readonly killed: boolean;
}

const spec = fc.record({
  index: fc.nat(8),
  status: fc.oneof(
    { arbitrary: fc.constantFrom(...GOING), weight: 9 },
    { arbitrary: fc.constantFrom(...ENDED), weight: 1 },
  ),
  message: fc.constantFrom(...MESSAGES),
  killed: fc.boolean(),
});
const mutation = fc.record({
  target: fc.nat(),
  remove: fc.boolean(),
  to: spec,
});

let serial = 0;
function aTaskGroup(app: Application, { index, status, message, killed }: Spec): TaskGroup {
  serial++;
  const ctx = { now: 0, cluster: 'c', nextNanos: () => String(serial) };
  const taskGroup: TaskGroup = { ...newPendingTaskGroup(app, version, index, ctx), status, message };
  return killed ? { ...taskGroup, killRequestedAt: 1 } : taskGroup;
}

/** A summary counted from scratch over the app's taskgroups, in their order. */
function recount(app: AppState): AppSummary {
  const summary = new AppSummary();
  for (const taskGroup of app.taskGroups.values()) summary.add(taskGroup);
  return summary;
}

function expectSameSummary(kept: AppSummary, counted: AppSummary): void {
  expect(new Map(kept.count)).toEqual(new Map(counted.count));
  expect(new Map(kept.indexes)).toEqual(new Map(counted.indexes));
  expect(new Map(kept.pendingMessages)).toEqual(new Map(counted.pendingMessages));
  expect(kept.ended).toBe(counted.ended);
  expect(kept.maxIndex()).toBe(counted.maxIndex());
  const ids = [...kept.pending.keys()];
  if (kept.orderExact) expect(ids).toEqual([...counted.pending.keys()]);
  else expect(ids.sort()).toEqual([...counted.pending.keys()].sort());
  // Every entry is the stored record, not a stale copy.
  for (const [id, taskGroup] of kept.pending) expect(counted.pending.get(id)).toBe(taskGroup);
}

describe("an application's summary", () => {
  it('equals a recount, and decides exactly as a walk of the taskgroups, after any changes', () => {
    let counted = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.nat(12),
        fc.constantFrom('none', 'create', 'scale') as fc.Arbitrary<'none' | 'create' | 'scale'>,
        fc.constantFrom<ApplicationStatus>('Operating', 'Deploying', 'Running', 'Abnormal'),
        fc.array(spec, { maxLength: 14 }),
        fc.array(mutation, { maxLength: 8 }),
        (desired, op, status, specs, mutations) => {
          runs++;
          const app = anApp(desired, op, status);
          const state = new SchedulerState();
          const initial = new Changes().putApp(app).putVersion(version);
          for (const s of specs) initial.putTaskGroup(aTaskGroup(app, s));
          state.apply(initial);
          const appState = state.get(app.namespace, app.id)!;
          for (const m of mutations) {
            const list = [...appState.taskGroups.values()];
            const target = list[m.target % Math.max(1, list.length)];
            const changes = new Changes();
            if (target === undefined || !m.remove) {
              const next = aTaskGroup(app, m.to);
              // Half the mutations change a stored taskgroup in place (same id), the others add one.
              changes.putTaskGroup(
                target === undefined || m.target % 2 === 0
                  ? next
                  : { ...target, status: m.to.status, message: m.to.message, index: m.to.index },
              );
            } else {
              changes.removeTaskGroup(target);
            }
            state.apply(changes);
          }
          const kept = appState.summary!;
          expectSameSummary(kept, recount(appState));

          const { summary: _, ...walked } = appState;
          const byCounts = decideApp(appState, controllerContext());
          const byWalk = decideApp(walked, controllerContext());
          expect(byCounts).toEqual(byWalk);
          if (kept.orderExact && kept.ended === 0 && kept.maxIndex() < desired) counted++;
        },
      ),
      { seed: 9, numRuns: 400 },
    );
    // The counted path was exercised, not only the walk.
    expect(counted).toBeGreaterThan(runs / 4);
  });

  it('fills a create chunk by chunk from the counts alone, ending it once every index is placed', () => {
    const app = anApp(1_200, 'create', 'Operating');
    const state = new SchedulerState();
    state.apply(new Changes().putApp(app).putVersion(version));
    const appState = state.get(app.namespace, app.id)!;
    const chunks: number[] = [];
    for (let turn = 0; turn < 5; turn++) {
      const decision = decideApp(appState, controllerContext());
      const { summary: _, ...walked } = appState;
      expect(decision).toEqual(decideApp(walked, controllerContext()));
      chunks.push(decision.put.length);
      const changes = new Changes().putApp(decision.app!);
      for (const taskGroup of decision.put) changes.putTaskGroup(taskGroup);
      state.apply(changes);
      if (!decision.more) break;
    }
    expect(chunks).toEqual([500, 500, 200]);
    expect(appState.app).toMatchObject({ status: 'Operating', operation: { type: 'create' } });
    expect(appState.summary!.indexes.size).toBe(1_200);

    // Placed and Running: the create ends and the status follows, from the counts.
    const running = new Changes();
    for (const taskGroup of appState.taskGroups.values())
      running.putTaskGroup({ ...taskGroup, status: 'Running', message: '' });
    state.apply(running);
    const decision = decideApp(appState, controllerContext());
    expect(decision.app).toMatchObject({ status: 'Running' });
    expect(decision.app?.operation).toBeUndefined();
    expect(decision.put).toEqual([]);
  });

  it('gives a rollout the same counts as a walk of the taskgroups (observeApp), health checks or not', () => {
    const checked = aVersion({
      containers: [aContainer({ healthChecks: [{ type: 'HTTP' } as unknown as HealthCheckDefinition] })],
    });
    const observed = fc.record({
      index: fc.nat(8),
      status: fc.constantFrom(...GOING, ...ENDED),
      killed: fc.boolean(),
      restarts: fc.nat(3),
      healthy: fc.array(fc.constantFrom(true, false, undefined), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.nat(12),
        fc.boolean(),
        fc.array(observed, { maxLength: 14 }),
        fc.array(fc.record({ target: fc.nat(), remove: fc.boolean(), to: observed }), { maxLength: 8 }),
        (desired, withCheck, specs, mutations) => {
          const app = anApp(desired, 'none', 'Running');
          const state = new SchedulerState();
          const taskGroupOf = (o: (typeof specs)[number]): TaskGroup => {
            const base = aTaskGroup(app, { index: o.index, status: o.status, message: '', killed: o.killed });
            const tasks = o.healthy.map((healthy, i) => ({
              ...base.tasks[0]!,
              id: `${base.id}.${i}`,
              ...(healthy === undefined ? {} : { healthy }),
            }));
            return { ...base, restarts: o.restarts, tasks };
          };
          const initial = new Changes().putApp(app).putVersion(withCheck ? checked : version);
          for (const o of specs) initial.putTaskGroup(taskGroupOf(o));
          state.apply(initial);
          const appState = state.get(app.namespace, app.id)!;
          for (const m of mutations) {
            const list = [...appState.taskGroups.values()];
            const target = list[m.target % Math.max(1, list.length)];
            const changes = new Changes();
            if (target === undefined || !m.remove) {
              const next = taskGroupOf(m.to);
              changes.putTaskGroup(
                target === undefined || m.target % 2 === 0 ? next : { ...next, id: target.id },
              );
            } else {
              changes.removeTaskGroup(target);
            }
            state.apply(changes);
          }
          const { summary: _, ...walked } = appState;
          expect(observeApp(appState)).toEqual(observeApp(walked));
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });
});
