import { drainMicrotasks, SimulatedCluster } from '../src/cluster/index.js';
import { mesosDriverConformance } from '../src/conformance/index.js';
import { FakeMesosDriver, ManualClock } from '../src/fakes/index.js';

// Every MesosDriver runs the same suite (style point 27). The simulator runs all of it, with instant and with
// slow task startup; the recording fake has no master behind it, so it runs only the `session` module.

mesosDriverConformance('SimulatedCluster', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const cluster = new SimulatedCluster({ clock, seed: 3, agents: 2 });
  return {
    driver: cluster,
    advance: async (ms) => {
      clock.advance(ms);
      await drainMicrotasks();
    },
  };
});

mesosDriverConformance('SimulatedCluster (startupMs 400, 1 agent)', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const cluster = new SimulatedCluster({ clock, seed: 4, agents: 1, startupMs: 400, offerIntervalMs: 500 });
  return {
    driver: cluster,
    advance: async (ms) => {
      clock.advance(ms);
      await drainMicrotasks();
    },
  };
});

mesosDriverConformance(
  'FakeMesosDriver',
  async () => ({ driver: new FakeMesosDriver(), advance: () => drainMicrotasks() }),
  { modules: ['session'] },
);
