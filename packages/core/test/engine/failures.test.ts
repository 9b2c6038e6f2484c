import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, smallApp } from './harness.js';

let h: Harness;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';
const view = () => h.apps.get(NS, 'app-test');

describe('failures and the restart policy', () => {
  it('reschedules the taskgroups of a lost agent only after the configured back-off', async () => {
    h = await createHarness({ agents: 2 });
    // OnFailure (the default policy) restarts Failed (and Lost) taskgroups; interval 5 s. The framework is
    // PARTITION_AWARE, so the removed agent's tasks come as TASK_GONE (Failed), not TASK_LOST.
    await h.apps.create(
      NS,
      smallApp({ restartPolicy: { policy: 'OnFailure', interval: 5, backoff: 10 } }, {}),
    );
    await h.advance(2000);
    const lostHost = view().taskGroups[0]!.hostname!;
    const onLost = view()
      .taskGroups.filter((tg) => tg.hostname === lostHost)
      .map((tg) => tg.index);
    h.cluster.loseAgent(lostHost);
    await h.advance(500);
    const replaced = view().taskGroups.filter((tg) => onLost.includes(tg.index));
    expect(replaced.every((tg) => tg.status === 'Pending' && tg.restarts === 1)).toBe(true);
    expect(replaced[0]!.message).toContain('restarting after Failed');
    // Nothing is launched before the 5 s back-off has passed…
    await h.advance(3500);
    expect(
      view()
        .taskGroups.filter((tg) => onLost.includes(tg.index))
        .every((tg) => tg.status === 'Pending'),
    ).toBe(true);
    // …and it runs again, on the remaining agent, once it has.
    await h.advance(4000);
    const after = view().taskGroups.filter((tg) => onLost.includes(tg.index));
    expect(after.every((tg) => tg.status === 'Running' && tg.hostname !== lostHost)).toBe(true);
  });

  it('does not restart with policy Never: the taskgroup stays Failed and the app Abnormal', async () => {
    h = await createHarness({
      agents: 1,
      scripts: { 'gamesvr:v1.1.1': { kind: 'fail-at-start', message: 'boom' } },
    });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, restartPolicy: { policy: 'Never' } }));
    await h.advance(3000);
    expect(view().taskGroups.map((tg) => tg.status)).toEqual(['Failed']);
    expect(view().app.status).toBe('Abnormal');
  });

  it('stops restarting once maxtimes is reached', async () => {
    h = await createHarness({ agents: 1, scripts: { 'gamesvr:v1.1.1': { kind: 'crash-after', ms: 500 } } });
    await h.apps.create(
      NS,
      smallApp({
        spec: { instance: 1 },
        restartPolicy: { policy: 'Always', interval: 1, backoff: 1, maxtimes: 2 },
      }),
    );
    await h.advance(30_000, 250);
    const [tg] = view().taskGroups;
    expect(tg!.status).toBe('Failed');
    expect(tg!.restarts).toBe(2);
    expect(tg!.message).toContain('not restarted');
  });

  it('kills with the grace period: Killing until it passes, Killed after', async () => {
    h = await createHarness({ agents: 1 });
    await h.apps.create(NS, smallApp({ spec: { instance: 1 }, killPolicy: { gracePeriod: 4 } }));
    await h.advance(2000);
    await h.apps.scale(NS, 'app-test', 0);
    await h.advance(2000);
    expect(h.cluster.tasks().map((t) => t.state)).toEqual(['TASK_KILLING']);
    await h.advance(3000);
    expect(h.cluster.tasks().filter((t) => t.state !== 'TASK_KILLED')).toEqual([]);
    expect(view().taskGroups).toEqual([]);
  });
});
