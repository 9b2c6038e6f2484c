import type { Application } from '../resources/app.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { Version } from '../resources/version.js';
import type { AppSummary } from './app-summary.js';

/**
 * An application with everything the engine decides on: its versions and its taskgroups by id. Its own module,
 * below `state`, `changes` and `app-controller`, which all read it, so that none of them imports another back.
 * Read-only: only `SchedulerState` changes it (applying a committed `Changes`), through its own mutable type.
 */
export interface AppState {
  readonly app: Application;
  readonly versions: ReadonlyMap<string, Version>;
  readonly taskGroups: ReadonlyMap<string, TaskGroup>;
  /**
   * Set when a stored record of the application could not be loaded (see `load-check.ts`): the reason. The
   * application is then shown `Abnormal` with the reason, never scheduled, and may only be deleted.
   */
  readonly quarantine?: string;
  /**
   * Counts of `taskGroups` kept up to date by the engine's state, so that the controller's common decision
   * costs O(changed). Absent on a hand-built state: the controller then walks the taskgroups.
   */
  readonly summary?: AppSummary;
}
