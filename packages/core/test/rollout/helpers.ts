import type { RollingUpdateSettings } from '../../src/resources/deployment.js';
import type { RolloutStep } from '../../src/rollout/marks.js';
import { planRolloutStep } from '../../src/rollout/plan.js';
import {
  type AppCounts,
  createRolloutState,
  type RolloutObservation,
  type RolloutState,
} from '../../src/rollout/state.js';

/** Epoch ms of the scenarios' start, and one second. */
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
export const S = 1000;

/** Rolling-update settings: maxSurge 1, maxUnavailable 1, 10 s, CreateFirst, automatic, unless overridden. */
export const settingsOf = (fields: Partial<RollingUpdateSettings> = {}): RollingUpdateSettings => ({
  maxUnavailable: 1,
  maxSurge: 1,
  upgradeDuration: 10,
  rollingManually: false,
  rollingOrder: 'CreateFirst',
  ...fields,
});

/** A fresh rollout of `web` from `web` to `web-v1`, 2 instances unless overridden. */
export const rolloutOf = (
  settings: Partial<RollingUpdateSettings> = {},
  fields: Partial<RolloutState> = {},
): RolloutState => ({
  ...createRolloutState({
    namespace: 'ns',
    name: 'web',
    desired: fields.desired ?? 2,
    oldDesired: fields.oldDesired ?? fields.desired ?? 2,
    settings: settingsOf(settings),
    oldApp: 'web',
    newApp: 'web-v1',
    now: T0,
    deadlineMs: 60 * S,
    updatePolicy: { maxFailovers: 1 },
  }),
  ...fields,
});

/** An app's counts: `total` defaults to `desired`, `available` (and `running`) to `total`. */
export const counts = (desired: number, total = desired, available = total, failed = 0): AppCounts => ({
  desired,
  total,
  running: available,
  available,
  failed,
});

/** An observation of both apps. */
export const observe = (old: AppCounts, next: AppCounts): RolloutObservation => ({ old, new: next });

/** A planner answer in a few words, for tables: `scale new → 1`, `mark step-started: scale-new up 0 → 1`. */
export function summary(step: RolloutStep): string {
  switch (step.type) {
    case 'wait':
      return 'wait';
    case 'scale':
      return `scale ${step.app} → ${step.to}`;
    case 'mark': {
      const stage = step.state.step;
      const started = step.event === 'step-started' || step.event === 'stage-started';
      return started && stage !== undefined
        ? `mark ${step.event}: ${stage.kind} ${stage.direction} ${stage.from} → ${stage.target}`
        : `mark ${step.event}`;
    }
    default:
      return step.type;
  }
}

/** One row of a scripted scenario: what the engine shows at `at` seconds, and what the planner must answer. */
export type ScriptRow = readonly [at: number, observed: RolloutObservation, expected: string];

/** Plays `rows` against the planner, threading the persisted state; returns the last state. */
export function play(
  initial: RolloutState,
  rows: readonly ScriptRow[],
): { state: RolloutState; answers: string[] } {
  let state = initial;
  const answers: string[] = [];
  for (const [at, observed] of rows) {
    const step = planRolloutStep(state, observed, T0 + at * S);
    answers.push(summary(step));
    if (step.type === 'mark' || step.type === 'finish' || step.type === 'cancelled') state = step.state;
  }
  return { state, answers };
}

/**
 * A tiny instant engine for scenarios: scale-up adds Pending instances, scale-down kills the highest indexes
 * (worst case: available ones first); on every `wait` the cluster settles (Pending become available, killed
 * ones go). Stops when the planner waits twice on a settled cluster, or after `limit` answers.
 */
export function drive(
  initial: RolloutState,
  observed: RolloutObservation,
  options: { readonly startAt?: number; readonly limit?: number; readonly settle?: boolean } = {},
): { state: RolloutState; observed: RolloutObservation; answers: string[] } {
  let state = initial;
  let now = T0 + (options.startAt ?? 0) * S;
  let apps = { old: observed.old, new: observed.new };
  const answers: string[] = [];
  let idle = 0;
  for (let i = 0; i < (options.limit ?? 60) && idle < 2; i++) {
    const step = planRolloutStep(state, apps, now);
    answers.push(summary(step));
    if (step.type === 'mark' || step.type === 'finish' || step.type === 'cancelled') state = step.state;
    if (step.type === 'finish' || step.type === 'cancelled') break;
    if (step.type === 'scale') {
      const app = apps[step.app];
      apps = {
        ...apps,
        [step.app]:
          step.to > app.desired
            ? { ...app, desired: step.to, total: step.to }
            : { ...app, desired: step.to, available: Math.min(app.available, step.to), running: app.running },
      };
    }
    if (step.type !== 'wait') {
      idle = 0;
      continue;
    }
    const settled = options.settle === false ? apps : { old: settle(apps.old), new: settle(apps.new) };
    const changed = settled.old !== apps.old || settled.new !== apps.new;
    idle = changed ? 0 : idle + 1;
    apps = settled;
    // The cluster moved: look again a second later; else sleep until the planner's wake-up time.
    now = changed ? now + S : (step.wakeAt ?? now + S);
  }
  return { state, observed: apps, answers };
}

function settle(app: AppCounts): AppCounts {
  const done = { ...app, total: app.desired, available: app.desired, running: app.desired };
  return done.total === app.total && done.available === app.available ? app : done;
}
