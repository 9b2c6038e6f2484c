import { drainMicrotasks } from '@bcs/mesos-sim';
import { mesosDriverConformance } from '../src/conformance/index.js';
import { FakeMesosDriver } from '../src/fakes/index.js';

// Every MesosDriver runs the same suite (style point 27). The recording fake has no master behind it, so it runs
// only the `session` module (the simulator runs all of it, in @bcs/mesos-sim).

mesosDriverConformance(
  'FakeMesosDriver',
  async () => ({ driver: new FakeMesosDriver(), advance: () => drainMicrotasks() }),
  { modules: ['session'] },
);
