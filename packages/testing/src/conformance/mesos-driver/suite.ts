import type { DriverSession } from './harness.js';

/** What each feature module of the Mesos driver suite receives. */
export interface DriverSuiteContext {
  /** A fresh driver from the factory, subscribed; killed (what it launched) and disposed after the test. */
  start(): Promise<DriverSession>;
}
