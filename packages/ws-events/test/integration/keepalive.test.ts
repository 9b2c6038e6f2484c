import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, sleep, startHarness, waitUntil } from '../helpers/harness.js';

let harness: Harness;
afterEach(() => harness.close());

describe('keep-alive', () => {
  it('terminates a peer that does not answer pings, and keeps one that does over many intervals', async () => {
    harness = await startHarness({ pingIntervalMs: 40 });
    const silent = harness.connect(undefined, undefined, { autoPong: false });
    const healthy = harness.connect();
    let pings = 0;
    healthy.ws.on('ping', () => {
      pings += 1;
    });
    await Promise.all([silent.received(1), healthy.received(1)]);
    const started = Date.now();

    // Terminated, not closed: no close frame, so the client reports 1006.
    expect((await silent.closed).code).toBe(1006);
    // Pinged at 40 ms, found silent at 80 ms (allow for timer slack on a busy machine).
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitUntil(
      () => harness.source.subscriptions[0]?.ended === true,
      'the silent peer’s subscription to end',
    );

    await sleep(300);
    expect(pings).toBeGreaterThanOrEqual(4);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(harness.source.subscriptions[1]?.ended).toBe(false);
    expect(harness.stream.stats().connections).toBe(1);
  });
});
