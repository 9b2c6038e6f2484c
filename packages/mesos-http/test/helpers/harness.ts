import type { MesosEvent } from '@bcs/core';
import { ManualClock } from '@bcs/testing/fakes';
import { afterEach } from 'vitest';
import { MesosHttpDriver, type MesosHttpDriverOptions } from '../../src/driver.js';
import { FRAMEWORK, recordingLogger, ScriptedMaster } from './scripted-master.js';

export interface DriverHarness {
  readonly driver: MesosHttpDriver;
  readonly clock: ManualClock;
  readonly events: MesosEvent[];
  /** The link state seen by the listener at each event. */
  readonly statesSeen: string[];
  readonly logger: ReturnType<typeof recordingLogger>;
}

const open: { drivers: MesosHttpDriver[]; masters: ScriptedMaster[] } = { drivers: [], masters: [] };

afterEach(async () => {
  await Promise.all(open.drivers.splice(0).map((driver) => driver.dispose()));
  await Promise.all(open.masters.splice(0).map((master) => master.close()));
});

/** A scripted master, closed after the test. */
export async function startMaster(): Promise<ScriptedMaster> {
  const master = await ScriptedMaster.start();
  open.masters.push(master);
  return master;
}

/**
 * A driver on a ManualClock (so no timer fires unless the test advances it), with `random` = 1 (each back-off
 * is its cap: 500, 1000, 2000 ms ...), subscribed in the background with {@link FRAMEWORK}. Disposed after the test.
 */
export function startDriver(
  masters: readonly ScriptedMaster[] | readonly string[],
  options: Partial<MesosHttpDriverOptions> = {},
  framework = FRAMEWORK,
): DriverHarness {
  const clock = new ManualClock(1_700_000_000_000);
  const logger = recordingLogger();
  const events: MesosEvent[] = [];
  const statesSeen: string[] = [];
  const driver = new MesosHttpDriver({
    masters: masters.map((m) => (typeof m === 'string' ? m : m.url)),
    clock,
    logger,
    random: () => 1,
    ...options,
  });
  open.drivers.push(driver);
  void driver.subscribe(framework, (event) => {
    events.push(event);
    statesSeen.push(driver.status().state);
  });
  return { driver, clock, events, statesSeen, logger };
}
