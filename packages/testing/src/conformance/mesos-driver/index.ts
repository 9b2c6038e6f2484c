import { describe } from 'vitest';
import { createDriverSuite } from './harness.js';
import { registerKillTests } from './kill.js';
import { registerLaunchTests } from './launch.js';
import { registerOfferTests } from './offers.js';
import {
  MESOS_DRIVER_MODULES,
  type MesosDriverConformanceOptions,
  type MesosDriverHarness,
  type MesosDriverModule,
} from './options.js';
import { registerReconcileTests } from './reconcile.js';
import { registerSessionTests } from './session.js';
import type { DriverSuiteContext } from './suite.js';

export type { DriverSession } from './harness.js';
export {
  MESOS_DRIVER_MODULES,
  type MesosDriverConformanceOptions,
  type MesosDriverHarness,
  type MesosDriverModule,
} from './options.js';
export { aLaunchGroupCall, type LaunchGroupSpec, type LaunchTaskSpec, scalar } from './payloads.js';

const MODULES: Record<MesosDriverModule, (suite: DriverSuiteContext) => void> = {
  session: registerSessionTests,
  offers: registerOfferTests,
  launch: registerLaunchTests,
  kill: registerKillTests,
  reconcile: registerReconcileTests,
};

/**
 * Registers the MesosDriver conformance suite under `describe(name)`: what every driver must do at the level
 * of the v1 scheduler protocol (spec/mesos-v1.md): SUBSCRIBED first, delivery never inside `call()` or
 * re-entrant, single-use offers, ACK-gated executor updates with v4 uuids and resends, group validation,
 * kills and reconciliation answered by the master without uuid. Call it at the top level of a test file.
 *
 * - `factory` returns a fresh driver, not yet subscribed, whose master has at least one agent with 0.3 cpus
 *   and 96 MB free, plus `advance(ms)` to let master time pass (see {@link MesosDriverHarness}). After each
 *   test the suite kills what it launched and disposes the driver.
 * - `options.modules` picks feature modules (a recorder such as `FakeMesosDriver` passes only `session`).
 *
 * @example
 * mesosDriverConformance('simulated cluster', async () => {
 *   const clock = new ManualClock();
 *   return { driver: new SimulatedCluster({ clock }), advance: async (ms) => { clock.advance(ms); await drainMicrotasks(); } };
 * });
 */
export function mesosDriverConformance(
  name: string,
  factory: () => Promise<MesosDriverHarness>,
  options: MesosDriverConformanceOptions = {},
): void {
  describe(name, () => {
    const suite = createDriverSuite(factory, options);
    for (const module of options.modules ?? MESOS_DRIVER_MODULES) MODULES[module](suite);
  });
}
