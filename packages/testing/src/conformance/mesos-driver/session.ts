import { describe, expect, it } from 'vitest';
import type { DriverSuiteContext } from './suite.js';

/** Subscription and delivery rules every driver (even a recorder) must follow. */
export function registerSessionTests(suite: DriverSuiteContext): void {
  describe('session', () => {
    it('delivers SUBSCRIBED first, with a framework id', async () => {
      const session = await suite.start();
      const id = await session.subscribed();
      expect(session.events[0]?.type).toBe('SUBSCRIBED');
      expect(id).not.toBe('');
    });

    it('sends a HEARTBEAT after SUBSCRIBED', async () => {
      const session = await suite.start();
      await session.waitFor('HEARTBEAT', (s) => s.events.find((e) => e.type === 'HEARTBEAT'));
      expect(session.events.findIndex((e) => e.type === 'HEARTBEAT')).toBeGreaterThan(0);
    });

    it('never delivers an event inside call() or re-entrantly, even to a listener that calls', async () => {
      const session = await suite.start();
      await session.subscribed();
      let fromListener = 0;
      session.onEvent = (event) => {
        if (event.type !== 'UPDATE' || fromListener >= 3) return;
        fromListener++;
        void session.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
      };
      await session.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
      await session.call({ type: 'REVIVE' });
      await session.advance(1000);
      expect(session.violations).toEqual([]);
    });

    it('delivers nothing after dispose(), which is idempotent', async () => {
      const session = await suite.start();
      await session.subscribed();
      await session.driver.dispose();
      const seen = session.events.length;
      await session.advance(20_000);
      await session.driver[Symbol.asyncDispose]();
      expect(session.events.length).toBe(seen);
    });
  });
}
