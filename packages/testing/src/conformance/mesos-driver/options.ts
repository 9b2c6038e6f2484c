import type { MesosDriver, MesosFrameworkInfo } from '@bcs/core';

/** What the factory of {@link mesosDriverConformance} returns: a fresh driver and a way to let time pass. */
export interface MesosDriverHarness {
  /** A driver not yet subscribed, connected to a master (or simulation) with at least one agent. */
  readonly driver: MesosDriver;
  /**
   * Lets `ms` milliseconds of the master's time pass and resolves once the events due by then are delivered:
   * a simulation advances its manual clock and drains microtasks; a real driver sleeps.
   */
  advance(ms: number): Promise<void>;
  /**
   * Releases what the factory started besides the driver (a server, a cluster), after the suite killed what
   * the test launched and disposed the driver. Optional.
   */
  close?(): Promise<void>;
}

/** The feature modules of the suite (`src/conformance/mesos-driver/<module>.ts`). */
export type MesosDriverModule = 'session' | 'offers' | 'launch' | 'kill' | 'reconcile';

/** Every module, in registration order. */
export const MESOS_DRIVER_MODULES: readonly MesosDriverModule[] = [
  'session',
  'offers',
  'launch',
  'kill',
  'reconcile',
];

/** Options of {@link mesosDriverConformance}. */
export interface MesosDriverConformanceOptions {
  /**
   * The modules to register (default: all). A recorder with no master behind it (`FakeMesosDriver`) can pass
   * only `session`; modules not listed are not registered at all (no skipped tests).
   */
  readonly modules?: readonly MesosDriverModule[];
  /**
   * The framework to subscribe. Default: user `bcs`, name `bcs-conformance`, capability
   * `TASK_KILLING_STATE`, not PARTITION_AWARE (the suite expects TASK_LOST where partition-aware frameworks
   * get TASK_DROPPED, TASK_GONE or TASK_UNKNOWN).
   */
  readonly framework?: MesosFrameworkInfo;
  /** How long (master time, ms) to wait for an expected event before failing (default 30 000). */
  readonly patienceMs?: number;
  /** How far `advance` moves per polling step while waiting (default 250). */
  readonly stepMs?: number;
}
