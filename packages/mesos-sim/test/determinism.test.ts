import { describe, expect, it } from 'vitest';
import { Prng } from '../src/prng.js';
import { type ClusterHarness, firstOffer, startCluster } from './harness.js';

/** A scenario touching every source of randomness: offers (shuffled), uuids, kills, agent loss. */
async function scenario(seed: number): Promise<ClusterHarness> {
  const h = await startCluster({
    seed,
    agents: 6,
    startupMs: 50,
    scripts: { crash: { kind: 'crash-after', ms: 700 } },
  });
  await h.advance(0);
  for (const [i, offer] of h.offers().entries()) {
    await h.launch(
      offer,
      `grp-${i}`,
      [{ id: `t-${i}`, image: i % 2 === 0 ? 'crash' : 'web' }, { id: `s-${i}` }],
      1,
    );
  }
  const acked = new Set<string>();
  for (let step = 0; step < 40; step++) {
    for (const status of h.updates()) {
      if (status.uuid === undefined || acked.has(status.uuid)) continue;
      acked.add(status.uuid);
      await h.ack(status);
    }
    await h.advance(100);
  }
  await h.call({ type: 'KILL', kill: { task_id: { value: 't-1' } } });
  h.cluster.loseAgent('sim-agent-3');
  await h.advance(5000);
  await h.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
  return h;
}

describe('SimulatedCluster determinism', () => {
  it('replays the same events for the same seed, calls and clock advances', async () => {
    const a = await scenario(7);
    const b = await scenario(7);
    expect(a.events.length).toBeGreaterThan(40);
    expect(new Set(a.types())).toEqual(
      new Set(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS', 'UPDATE', 'FAILURE', 'RESCIND']),
    );
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(b.cluster.tasks()).toEqual(a.cluster.tasks());
  });

  it('differs for another seed (master id, uuids, offer order)', async () => {
    const a = await scenario(7);
    const b = await scenario(8);
    expect(b.cluster.masterId).not.toBe(a.cluster.masterId);
    expect(JSON.stringify(b.events)).not.toBe(JSON.stringify(a.events));
  });

  it('derives a v4 master id from the seed', async () => {
    const h = await startCluster({ seed: 123 });
    expect(h.cluster.masterId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect((await startCluster({ seed: 123 })).cluster.masterId).toBe(h.cluster.masterId);
  });

  it('shuffles offers within a round by seed', async () => {
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4]) {
      const h = await startCluster({ seed, agents: 8 });
      await firstOffer(h);
      orders.add(
        h
          .offers()
          .map((o) => o.hostname)
          .join(),
      );
    }
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('Prng', () => {
  it('produces RFC 4122 v4 uuids (version nibble 4, variant 10) as 24-character base64', () => {
    const prng = new Prng(5);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(prng.uuidBase64(), 'base64');
      expect(bytes).toHaveLength(16);
      expect(bytes[6]! >> 4).toBe(4);
      expect(bytes[8]! & 0xc0).toBe(0x80);
    }
  });

  it('continues the same sequence from a saved state', () => {
    const a = new Prng(9);
    a.next();
    const b = new Prng(0);
    b.state = a.state;
    expect([b.next(), b.next()]).toEqual([a.next(), a.next()]);
  });
});

describe('SimulatedCluster at scale', () => {
  it('offers 10 000 agents in one round and launches a group on each', async () => {
    const h = await startCluster({ agents: 10_000 });
    await h.advance(0);
    expect(h.offers()).toHaveLength(10_000);
    for (const [i, offer] of h.offers().entries()) {
      void h.cluster.call({
        type: 'ACCEPT',
        accept: {
          offer_ids: [offer.id],
          operations: [
            {
              type: 'LAUNCH_GROUP',
              launch_group: {
                executor: {
                  type: 'DEFAULT',
                  executor_id: { value: `g-${i}` },
                  framework_id: { value: h.frameworkId },
                  resources: [
                    { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
                    { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
                    { name: 'disk', type: 'SCALAR', scalar: { value: 10 } },
                  ],
                },
                task_group: {
                  tasks: [
                    {
                      name: 't',
                      task_id: { value: `t-${i}` },
                      agent_id: offer.agent_id,
                      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
                    },
                  ],
                },
              },
            },
          ],
        },
      });
    }
    await h.advance(1000);
    expect(h.cluster.tasks()).toHaveLength(10_000);
    expect(h.updates()).toHaveLength(10_000);
    expect(h.clock.pendingTimers).toBe(1);
    // 10,000 launches take about a second of CPU alone; a loaded CI machine needs more than the default 5 s.
  }, 30_000);
});
