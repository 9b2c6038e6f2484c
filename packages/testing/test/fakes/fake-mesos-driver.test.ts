import type { MesosEvent } from '@bcs/core';
import { drainMicrotasks } from '@bcs/mesos-sim';
import { describe, expect, it } from 'vitest';
import { FakeMesosDriver } from '../../src/fakes/index.js';

describe('FakeMesosDriver', () => {
  it('records calls in order and narrows them by type', async () => {
    const driver = new FakeMesosDriver();
    await driver.call({ type: 'REVIVE' });
    await driver.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o-1' }] } });
    await driver.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o-2' }] } });
    expect(driver.calls.map((c) => c.type)).toEqual(['REVIVE', 'DECLINE', 'DECLINE']);
    expect(driver.callsOf('DECLINE').map((c) => c.decline.offer_ids[0]!.value)).toEqual(['o-1', 'o-2']);
    driver.clearCalls();
    expect(driver.calls).toEqual([]);
  });

  it('answers subscribe with SUBSCRIBED and HEARTBEAT, then delivers emitted events asynchronously', async () => {
    const driver = new FakeMesosDriver({ frameworkId: 'fw-1' });
    const events: MesosEvent[] = [];
    expect(driver.subscribed).toBe(false);
    await driver.subscribe({ user: 'u', name: 'n' }, (e) => events.push(e));
    expect(driver.subscribed).toBe(true);
    expect(driver.framework).toEqual({ user: 'u', name: 'n' });
    driver.emit({ type: 'RESCIND', rescind: { offer_id: { value: 'o-1' } } });
    await drainMicrotasks();
    expect(events).toEqual([
      { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' }, heartbeat_interval_seconds: 15 } },
      { type: 'HEARTBEAT' },
      { type: 'RESCIND', rescind: { offer_id: { value: 'o-1' } } },
    ]);
  });

  it('keeps the framework id of a re-subscription and stops delivering after dispose', async () => {
    const driver = new FakeMesosDriver();
    const events: MesosEvent[] = [];
    await driver.subscribe({ id: { value: 'mine' }, user: 'u', name: 'n' }, (e) => events.push(e));
    await drainMicrotasks();
    expect(events[0]).toMatchObject({ subscribed: { framework_id: { value: 'mine' } } });
    driver.emit({ type: 'HEARTBEAT' });
    await driver.dispose();
    await driver[Symbol.asyncDispose]();
    await drainMicrotasks();
    expect(events).toHaveLength(2);
    expect(driver.subscribed).toBe(false);
  });
});
