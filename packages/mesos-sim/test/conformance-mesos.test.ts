import { mesosDriverConformance } from '@bcs/testing/conformance';
import { ManualClock } from '@bcs/testing/fakes';
import { drainMicrotasks, SimulatedCluster } from '../src/index.js';

// Every MesosDriver runs the same suite (style point 27). The simulator runs all of it, with instant and with
// slow task startup (the recording fake runs the `session` module in @bcs/testing).

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
