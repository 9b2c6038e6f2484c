import { describe, expect, it } from 'vitest';
import { aLaunchGroupCall } from './payloads.js';
import type { DriverSuiteContext } from './suite.js';

/** Offers: their shape, single use, and DECLINE. */
export function registerOfferTests(suite: DriverSuiteContext): void {
  describe('offers', () => {
    it('offers name an agent and carry resources', async () => {
      const session = await suite.start();
      const offer = await session.takeOffer();
      expect(offer.id.value).not.toBe('');
      expect(offer.agent_id.value).not.toBe('');
      expect(offer.framework_id.value).toBe(session.frameworkId);
      expect(offer.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['cpus', 'mem']));
    });

    it('an offer is single-use: ACCEPT after DECLINE loses every task (TASK_LOST, no uuid)', async () => {
      const session = await suite.start();
      const frameworkId = await session.subscribed();
      const offer = await session.takeOffer();
      await session.call({
        type: 'DECLINE',
        decline: { offer_ids: [offer.id], filters: { refuse_seconds: 60 } },
      });
      const tasks = [{ id: 'conformance-reused-offer-a' }, { id: 'conformance-reused-offer-b' }];
      await session.call(aLaunchGroupCall(offer, { frameworkId, executorId: 'conformance-reused', tasks }));
      for (const { id } of tasks) {
        const status = await session.waitForUpdate(id, 'TASK_LOST', () => true);
        expect(status).toMatchObject({
          state: 'TASK_LOST',
          source: 'SOURCE_MASTER',
          reason: 'REASON_INVALID_OFFERS',
        });
        expect(status.uuid).toBeUndefined();
      }
    });

    it('ACCEPT of an offer id never sent is answered with TASK_LOST, no uuid', async () => {
      const session = await suite.start();
      const frameworkId = await session.subscribed();
      const offer = await session.takeOffer();
      const forged = { ...offer, id: { value: `${offer.id.value}-forged` } };
      const tasks = [{ id: 'conformance-forged-offer' }];
      await session.call(aLaunchGroupCall(forged, { frameworkId, executorId: 'conformance-forged', tasks }));
      const status = await session.waitForUpdate('conformance-forged-offer', 'TASK_LOST', () => true);
      expect(status).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS' });
      expect(status.uuid).toBeUndefined();
    });

    it('DECLINE of an unknown offer is accepted and ignored', async () => {
      const session = await suite.start();
      await session.subscribed();
      await expect(
        session.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'conformance-no-such-offer' }] } }),
      ).resolves.toBeUndefined();
      await session.advance(1000);
      expect(session.updates()).toEqual([]);
    });

    it('a declined agent is offered again once its filter expires', async () => {
      const session = await suite.start();
      const offer = await session.takeOffer();
      await session.call({
        type: 'DECLINE',
        decline: { offer_ids: [offer.id], filters: { refuse_seconds: 1 } },
      });
      const again = await session.waitFor('a new offer for the declined agent', (s) =>
        s.events
          .flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []))
          .find((o) => o.agent_id.value === offer.agent_id.value && o.id.value !== offer.id.value),
      );
      expect(again.id.value).not.toBe(offer.id.value);
    });
  });
}
