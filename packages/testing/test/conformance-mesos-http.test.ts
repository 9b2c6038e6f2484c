import { SimulatedCluster, startHttpCluster } from '../src/cluster/index.js';
import { mesosDriverConformance } from '../src/conformance/index.js';
import { ManualClock } from '../src/fakes/index.js';

// One contract, two drivers (issue 10 §2): the MesosDriver suite the simulator passes in process
// (mesos-sim/test/conformance-mesos.test.ts) runs here through @bcs/mesos-http's MesosHttpDriver against the
// simulator's HTTP face on loopback, every module, with the strict proto checks on every call and event.
// `advance(ms)` moves the shared manual clock, then waits for the wire to settle (no call in flight, every
// event written received).

interface Variant {
  readonly name: string;
  readonly seed: number;
  readonly agents: number;
  readonly startupMs?: number;
  readonly offerIntervalMs?: number;
  /** Stream bytes cut into 1–48-byte chunks at random points (the driver's RecordIO decoder). */
  readonly rechunk?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'MesosHttpDriver over the simulator', seed: 3, agents: 2 },
  {
    name: 'MesosHttpDriver over the simulator (startupMs 400, 1 agent, re-chunked stream)',
    seed: 4,
    agents: 1,
    startupMs: 400,
    offerIntervalMs: 500,
    rechunk: true,
  },
];

for (const variant of VARIANTS) {
  mesosDriverConformance(variant.name, async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const { name: _, rechunk, ...options } = variant;
    const cluster = new SimulatedCluster({ clock, ...options });
    const http = await startHttpCluster(cluster, { clock, seed: variant.seed });
    if (rechunk === true) http.server.faults.rechunk(true);
    return {
      driver: http.driver,
      advance: async (ms) => {
        clock.advance(ms);
        await http.settle();
      },
      close: async () => {
        await http.close();
        await cluster.dispose();
      },
    };
  });
}
