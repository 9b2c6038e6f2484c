import { describe, expect, it } from 'vitest';
import type { RolloutPhase } from '../../src/rollout/state.js';
import { DEPLOYMENT_STATUS_OF_PHASE, rolloutStatusOf } from '../../src/rollout/status.js';
import { counts as c, observe, rolloutOf, T0 } from './helpers.js';

describe('rolloutStatusOf', () => {
  it('the doc example: step 1 scaling the new app up, one instance Pending', () => {
    const state = rolloutOf(
      {},
      {
        step: {
          number: 1,
          kind: 'scale-new',
          direction: 'up',
          first: true,
          from: 0,
          target: 1,
          startedAt: T0,
        },
        message: 'step 1: scaling new up 0 → 1',
      },
    );
    expect(rolloutStatusOf(state, observe(c(2), c(1, 1, 0)))).toEqual({
      phase: 'rolling',
      deploymentStatus: 'Update',
      step: 1,
      stage: { kind: 'scale-new', direction: 'up', from: 0, target: 1, startedAt: T0 },
      old: { name: 'web', desired: 2, running: 2, available: 2 },
      new: { name: 'web-v1', desired: 1, running: 0, available: 0 },
      paused: false,
      pauseRequested: false,
      failures: 0,
      maxFailovers: 1,
      message: 'step 1: scaling new up 0 → 1',
    });
  });

  it('shows a requested pause as paused, and failures since the last resume', () => {
    const state = rolloutOf({}, { pauseRequested: true, stepsCompleted: 3, failureBaseline: 2 });
    expect(rolloutStatusOf(state, observe(c(1), c(2, 2, 2, 5)))).toMatchObject({
      step: 3,
      paused: true,
      failures: 3,
    });
  });

  it.each<[RolloutPhase, string]>([
    ['rolling', 'Update'],
    ['paused', 'UpdatePaused'],
    ['suspended', 'UpdateSuspend'],
    ['cancelling', 'Update'],
    ['done', 'Running'],
    ['cancelled', 'Running'],
  ])('phase %s → deployment status %s (§2.4)', (phase, status) => {
    expect(DEPLOYMENT_STATUS_OF_PHASE[phase]).toBe(status);
  });
});
