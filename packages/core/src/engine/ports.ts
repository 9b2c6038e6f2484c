import type { UnsequencedEvent } from '../events/event.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Logger } from '../ports/logger.js';
import type { MesosCall, MesosOffer, MessageBody } from '../ports/mesos-driver.js';
import type { BatchOp, Store } from '../ports/store.js';
import type { AgentSetting } from '../resources/agent-setting.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import type { ExecutorMode } from '../scheduler/launch.js';
import type { ControllerContext } from './app-controller.js';
import type { AppState } from './app-state.js';
import type { Changes } from './changes.js';

export type { ExecutorMode } from '../scheduler/launch.js';

/**
 * The engine's ports: the narrow things the engine's helpers, the deployment controller and the services are
 * given instead of the whole `SchedulerEngine` (issue 9 §5, "No engine passed around"; Nomad's scheduler sees
 * only a read-only `State` and a `Planner`). `SchedulerEngine` implements every one of them; a helper's
 * parameter names the ones it uses (`engine: StateSource & Committer & …`), so what it may do is in its
 * signature, and no module below the engine imports the engine back (no import cycle).
 *
 * Everything here but {@link EngineQueue.run} and the read-only views is to be used inside the engine's queue
 * only (inside `run`): that is what keeps decisions from racing.
 */

/**
 * A read-only view of the engine's in-memory state (`SchedulerState`): every application with its versions and
 * taskgroups, the indexes and the subsets the engine visits. Never modified through this view: a change is a
 * `Changes` set given to a {@link Committer}. The `AppState`s it hands out are the engine's own objects, typed
 * read-only all the way down to their maps.
 */
export interface StateView {
  /** Every application by `<ns>/<app>`. */
  readonly apps: ReadonlyMap<string, AppState>;
  /** task id → taskgroup id. */
  readonly taskIndex: ReadonlyMap<string, string>;
  /** taskgroup id → `<ns>/<app>`. */
  readonly taskGroupIndex: ReadonlyMap<string, string>;
  /** agent id → resources of the live taskgroups placed there. */
  readonly agentUsage: ReadonlyMap<string, ResourceAmounts>;
  /** `<ns>/<app>` → the app's Pending taskgroups by id. */
  readonly pending: ReadonlyMap<string, ReadonlyMap<string, TaskGroup>>;
  /** Live taskgroups (placed and not frozen, Lost included) by id: what constraint checks count. */
  readonly live: ReadonlyMap<string, TaskGroup>;
  /** Taskgroups with a kill requested on an agent and not stopped yet, by id. */
  readonly killing: ReadonlyMap<string, TaskGroup>;
  /** The application `namespace/appId`, or `undefined`. */
  get(namespace: string, appId: string): AppState | undefined;
  /** The app and taskgroup a task belongs to. */
  findTask(taskId: string): { app: AppState; taskGroup: TaskGroup } | undefined;
  /** The app and taskgroup of a taskgroup id. */
  findTaskGroup(taskGroupId: string): { app: AppState; taskGroup: TaskGroup } | undefined;
  /** Every taskgroup of every app. */
  allTaskGroups(): Iterable<{ app: AppState; taskGroup: TaskGroup }>;
  /** What the scheduler's live taskgroups use on `agentId` now (zero when none). */
  usageOn(agentId: string): ResourceAmounts;
}

/** Holds the current {@link StateView} (the engine replaces its state wholesale when it starts). Any time. */
export interface StateSource {
  readonly state: StateView;
}

/** Other records (a deployment record, say) written in the same batch as a commit's changes, with their events. */
export interface CommitExtra {
  readonly ops: readonly BatchOp[];
  readonly events: readonly UnsequencedEvent[];
  /**
   * Events that come before those of the changes: of writes folded into this batch that, written on their
   * own, would have come just before it (the deployment controller's rollout marks).
   */
  readonly leading?: readonly UnsequencedEvent[];
}

/**
 * The only way the in-memory state changes: `changes` (and `extra`) are written with their events as ONE store
 * batch, then applied to the state and published; listeners (`onCommit`) are told. Inside the queue only.
 */
export interface Committer {
  commit(changes: Changes, extra?: CommitExtra): Promise<void>;
}

/**
 * Calls to Mesos. A failure is logged, never thrown (calls are at-most-once; reconciliation repairs). Inside
 * the queue only, after the commit that records what the call does ("persist, then act").
 */
export interface MesosCalls {
  /** Sends `call`. */
  send(call: MesosCall): Promise<void>;
  /**
   * Runs `launches` (a round's ACCEPTs and DECLINE, already persisted) outside the queue, after the ones
   * started before it, so that the queue goes on while they are on the wire. A KILL, SHUTDOWN or other call
   * that may concern a launched task waits for them (see `send`); `idle()` and `dispose()` wait for them.
   * `launches` starts at once when none runs: what it sends before its first `await` is sent before this
   * returns.
   */
  sendLaunches(launches: () => Promise<void>): void;
  /** Kills a taskgroup (KILL of its tasks, or SHUTDOWN of a BCS executor); nothing when it has no agent. */
  killTaskGroup(taskGroup: TaskGroup): Promise<void>;
  /** How taskgroups are launched and killed (`default` or `bcs` executor). */
  readonly executor: ExecutorMode;
}

/**
 * Lets the app controller act: decide, commit, kill, ask for a placement pass. Inside the queue only, after
 * the commit that gave the apps their new intent.
 */
export interface AppSync {
  /** Runs the controller for `app` (see `syncApps`). */
  syncApp(app: AppState): Promise<void>;
  /** Runs the controller for each of `apps`, commits every decision in one batch, sends the kills. */
  syncApps(apps: Iterable<AppState>): Promise<void>;
  /**
   * `commit(changes, extra)` then `syncApps(apps)` in one batch, with the effects and events of the two;
   * `changes` puts application records only.
   */
  commitThenSync(changes: Changes, extra: CommitExtra, apps: readonly AppState[]): Promise<void>;
  /** The pure controller's inputs now (clock, cluster name, id source). */
  controllerContext(): ControllerContext;
  /** Runs a placement pass soon, once (coalesces many requests in one queue turn). Any time. */
  requestPlacement(): void;
}

/** Time and ids (the core ports, as the engine holds them). Any time. */
export interface ClockAndIds {
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** The engine's logger. Any time. */
export interface LogSource {
  readonly logger: Logger;
}

/**
 * The engine's store, for reads of records the state does not hold (configmaps, secrets, deployment records).
 * Writes of scheduling records go through a {@link Committer}, never straight to the store.
 */
export interface StoreSource {
  readonly store: Store;
}

/** The engine's one queue: work runs one job at a time, in order. Any time. */
export interface EngineQueue {
  /** Runs `work` after everything queued before it; the result is `work`'s. */
  run<T>(work: () => Promise<T> | T): Promise<T>;
}

/** What the scheduler knows of the cluster's agents, for views and placement. Any time; read-only. */
export interface ClusterView {
  /**
   * The latest offer of every agent seen, by agent id, with when it arrived (epoch ms) and what the
   * scheduler's taskgroups used there at that moment (offer + that = the agent's total).
   */
  readonly agents: ReadonlyMap<
    string,
    { readonly offer: MesosOffer; readonly receivedAt: number; readonly usedAtOffer: ResourceAmounts }
  >;
  /** The agent settings by inner IP, as the last write left them. */
  readonly agentSettings: ReadonlyMap<string, AgentSetting>;
}

/** The offer pool a placement pass draws from. Inside the queue only. */
export interface OfferPool extends ClusterView {
  /** The framework id once subscribed: placements wait for it. */
  readonly frameworkId: string | undefined;
  /** Seconds an unusable offer is refused for (DECLINE filter). */
  readonly declineRefuseSeconds: number;
  /** Every pooled offer, taken out of the pool (it is empty afterwards). */
  takeOffers(): MesosOffer[];
}

/**
 * Tells of every commit, inside the queue, with the changes just applied to the state. A listener must not
 * block: it may only note the changes and queue work with {@link EngineQueue.run}. Any time.
 */
export interface CommitFeed {
  /** Calls `listener` after every commit; returns the function that unsubscribes. */
  onCommit(listener: (changes: Changes) => void): () => void;
}

/**
 * The BCS executor's channel (issue 12): MESSAGE events from executors, and MESSAGE calls whose delivery the
 * caller must know about.
 */
export interface ExecutorChannel {
  /** Calls `listener` with every executor MESSAGE event as it arrives (outside the queue). Any time. */
  onMessage(listener: (message: MessageBody) => void): () => void;
  /** Sends a MESSAGE call; rejects with a `BcsError` when it was not delivered. Inside the queue only. */
  sendMessage(message: MessageBody): Promise<void>;
  /** How taskgroups are launched: messages reach only the BCS executor. */
  readonly executor: ExecutorMode;
}

/** What an API operation on applications uses (`engine/operations.ts`). */
export type OperationPorts = StateSource & Committer & MesosCalls & AppSync & ClockAndIds;

/**
 * What the deployment controller and the deployment service use: the operations' ports less the Mesos calls
 * (a deployment acts on Mesos only through its apps' controller), plus the queue, the store (deployment
 * records) and, for the controller, the commit feed.
 */
export type DeploymentPorts = StateSource &
  Committer &
  AppSync &
  ClockAndIds &
  StoreSource &
  EngineQueue &
  CommitFeed;
