import { inject, injectable } from 'tsyringe';
import { BcsError, ErrorCode, isBcsError } from '../errors.js';
import { eventsOfChanges } from '../events/derive.js';
import type { UnsequencedEvent } from '../events/event.js';
import { EventLog } from '../events/event-log.js';
import { type CancelTimer, type Clock, ClockToken } from '../ports/clock.js';
import { type IdGenerator, IdGeneratorToken } from '../ports/id-generator.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import {
  type MesosCall,
  type MesosDriver,
  MesosDriverToken,
  type MesosEvent,
  type MesosFrameworkInfo,
  type MesosId,
  type MesosLinkStatus,
  type MesosOffer,
  type MessageBody,
} from '../ports/mesos-driver.js';
import { type BatchOp, type Store, StoreToken } from '../ports/store.js';
import type { AgentSetting } from '../resources/agent-setting.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { isLive } from '../status/lifecycle.js';
import { UNREADABLE_REASON } from '../store/unreadable.js';
import { createToken } from '../tokens.js';
import { type ControllerContext, decideApp } from './app-controller.js';
import { statusOfExecutorMessage } from './executor-health.js';
import { resendStuckKills, tasksToReconcile } from './housekeeping.js';
import { appKey, Collections, FRAMEWORK_ID_KEY } from './keys.js';
import { runPlacementPass } from './placement-pass.js';
import type {
  AppSync,
  ClockAndIds,
  ClusterView,
  CommitExtra,
  CommitFeed,
  Committer,
  EngineQueue,
  ExecutorChannel,
  ExecutorMode,
  LogSource,
  MesosCalls,
  OfferPool,
  StateSource,
  StateView,
  StoreSource,
} from './ports.js';
import { type AppState, Changes, recordDecision, SchedulerState } from './state.js';
import { StatusUpdateBuffer } from './status-drain.js';

export type { ExecutorMode } from './ports.js';

/** Settings of the scheduler engine. */
export interface EngineOptions {
  /** The Mesos cluster name embedded in ids (spec/bcs-behaviour.md §1.3). Default `Unnamed`. */
  readonly clusterName?: string;
  /** Framework name sent with SUBSCRIBE. Default `bcs-scheduler`. */
  readonly frameworkName?: string;
  /** Framework user sent with SUBSCRIBE. Default `root`. */
  readonly frameworkUser?: string;
  /** Housekeeping period: back-offs, kill escalation, retries, offer expiry. Default 1000 ms. */
  readonly tickMs?: number;
  /** Implicit reconciliation period. Default 10 min. */
  readonly reconcileIntervalMs?: number;
  /** Seconds an unusable offer is refused for. Default 5. */
  readonly declineRefuseSeconds?: number;
  /** Seconds Mesos keeps the framework's tasks after the scheduler disconnects. Default 604 800 (7 days). */
  readonly failoverTimeoutSeconds?: number;
  /** The framework's role (`roles: [role]` with `MULTI_ROLE`). Default `*`. */
  readonly role?: string;
  /** FrameworkInfo `hostname` (where the scheduler runs). */
  readonly hostname?: string;
  /** FrameworkInfo `webui_url` (this scheduler's API). */
  readonly webuiUrl?: string;
  /**
   * Whether the scheduler may register as a new framework while the store holds taskgroups that were placed
   * (no stored framework id, or the master removed the framework). Default false: it refuses, logs an error and
   * `link()` says why, since a new framework id orphans every task the old one runs (Marathon #1292).
   */
  readonly allowNewFramework?: boolean;
  /** How taskgroups are launched and killed. Default `{ kind: 'default' }`. */
  readonly executor?: ExecutorMode;
  /** An offer held (not used by a placement pass) longer than this is declined by the next tick. Default 30 s. */
  readonly offerMaxHoldMs?: number;
  /**
   * Back-off of explicit reconciliation after every SUBSCRIBED: unanswered tasks are asked again after
   * `initialMs`, doubling up to `maxMs`. Default 1 s → 60 s.
   */
  readonly reconcileRetry?: { readonly initialMs?: number; readonly maxMs?: number };
}

/** {@link EngineOptions} with the defaults applied. */
interface ResolvedEngineOptions {
  readonly clusterName: string;
  readonly frameworkName: string;
  readonly frameworkUser: string;
  readonly tickMs: number;
  readonly reconcileIntervalMs: number;
  readonly declineRefuseSeconds: number;
  readonly failoverTimeoutSeconds: number;
  readonly role: string;
  readonly hostname: string | undefined;
  readonly webuiUrl: string | undefined;
  readonly allowNewFramework: boolean;
  readonly executor: ExecutorMode;
  readonly offerMaxHoldMs: number;
  readonly reconcileRetry: { readonly initialMs: number; readonly maxMs: number };
}

/** What `SchedulerEngine.link()` answers: the driver's link, or the engine's own refusal to subscribe. */
export type EngineLinkStatus = MesosLinkStatus & {
  /** Why the scheduler does not (or no longer) run its framework, e.g. a refused new framework id. */
  readonly reason?: string;
};

export const EngineOptionsToken = createToken<EngineOptions>('EngineOptions');

/** Mesos failover timeout: a week, as the original (spec/bcs-behaviour.md §13.2). */
const FAILOVER_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** An ERROR event saying the master removed the framework ("Framework has been removed"). */
const REMOVED_MESSAGE = /\bremoved\b/i;

/**
 * Calls that never concern a task a round's launches are still sending (see `sendLaunches`): they need not wait
 * for them. A KILL, SHUTDOWN, MESSAGE or RECONCILE may (a RECONCILE that reached the master before its task's
 * ACCEPT would be answered "unknown", and the task relaunched).
 */
const INDEPENDENT_OF_LAUNCHES: ReadonlySet<MesosCall['type']> = new Set([
  'ACCEPT',
  'DECLINE',
  'ACKNOWLEDGE',
  'REVIVE',
  'SUPPRESS',
]);

/** Tasks per explicit RECONCILE call; each call is a queue turn of its own. */
export const RECONCILE_CHUNK = 1000;

/** Why the engine does not subscribe without a framework id while the store holds placed taskgroups. */
export const NO_FRAMEWORK_ID_REASON =
  'the store holds taskgroups placed by a framework but no framework id: registering a new framework would orphan their tasks (start with allowNewFramework to do it anyway)';

/**
 * An explicit reconciliation in progress (spec/mesos-v1.md §8): the tasks asked about and not answered since
 * the SUBSCRIBED that started it, asked again with back-off until every one has had an update.
 */
interface Reconciliation {
  /** task id → agent id of the tasks still unanswered (`undefined` until the first round is built). */
  pending: Map<string, string> | undefined;
  /** Task ids with an update since the SUBSCRIBED, not yet taken out of `pending`. */
  readonly answered: Set<string>;
  /** The wait before the next round. */
  delayMs: number;
  cancel: CancelTimer | undefined;
}

/**
 * The scheduler engine: keeps applications at their desired state on the Mesos cluster behind the driver.
 *
 * - **One queue.** Events from Mesos, API operations and timer ticks run one at a time, so decisions never race.
 * - **Persist, then act.** Every decision is written as one atomic store batch before any call to Mesos, so
 *   after a crash the store knows every launch that may have happened (its ids are already there).
 * - **Recovery.** On start it loads the store, subscribes with the stored framework id (never as a new
 *   framework while the store holds placed taskgroups, unless `allowNewFramework`), reconciles every known task
 *   explicitly until each has answered, then implicitly: a task Mesos does not know is gone (and restarted by
 *   policy), a task the scheduler does not know is killed. Every later SUBSCRIBED of a reconnecting driver
 *   drops the pooled offers, revives if taskgroups wait and reconciles again.
 * - **Batched status updates.** Updates that arrive together are applied in order, persisted in one batch
 *   and acknowledged after it; each affected application's controller then runs once for the whole batch, so
 *   starting 100 000 instances costs a few batches, not 200 000 (see `status-drain.ts`).
 * - **Never short for ever.** Instances that do not fit stay Pending with a reason, and are retried on every
 *   offer round; there is no launch timeout that gives up.
 * - **Narrow ports.** Its helpers (operations, placement pass, status drain, housekeeping), the deployment
 *   controller and the services are given the engine typed as the few ports they use (`ports.ts`): a
 *   read-only state view, a committer, the Mesos calls, the clock and ids, the queue. Its own fields are
 *   private; what others may read is exposed read-only.
 */
@injectable()
export class SchedulerEngine
  implements
    AsyncDisposable,
    StateSource,
    Committer,
    MesosCalls,
    AppSync,
    ClockAndIds,
    CommitFeed,
    LogSource,
    StoreSource,
    EngineQueue,
    OfferPool,
    ExecutorChannel
{
  /** The in-memory state; replaced by the stored one at start. */
  private current = new SchedulerState();
  private currentFrameworkId: string | undefined;
  /** Offers received and not yet used by a placement pass, by offer id. */
  private readonly offers = new Map<string, MesosOffer>();
  /** When each offer of {@link offers} arrived (epoch ms), in arrival order: held too long, it is declined. */
  private readonly offerReceivedAt = new Map<string, number>();
  /**
   * The latest offer of every agent seen, by agent id, with when it arrived (epoch ms) and what the
   * scheduler's taskgroups used there at that moment (offer + that = the agent's total): cluster views.
   */
  private readonly agentOffers = new Map<
    string,
    { offer: MesosOffer; receivedAt: number; usedAtOffer: ResourceAmounts }
  >();
  private settings = new Map<string, AgentSetting>();
  private queue: Promise<unknown> = Promise.resolve();
  private suppressed = false;
  private started = false;
  private disposed = false;
  private cancelTick: CancelTimer | undefined;
  private lastReconcileAt = 0;
  /** The explicit reconciliation since the latest SUBSCRIBED, while tasks are unanswered. */
  private reconciliation: Reconciliation | undefined;
  /** Set once the first SUBSCRIBED was handled (re-subscribes skip the start-up work). */
  private subscribedOnce = false;
  /** Epoch ms of the engine's last link transition (for drivers without `status()`). */
  private linkSince = 0;
  /**
   * Set when the engine does not run its framework: it refused to register a new one, or the master removed
   * it. No call is sent meanwhile; `link()` reports it.
   */
  private refusal:
    | { readonly reason: string; readonly since: number; readonly lastError?: string }
    | undefined;
  private compactedThrough = 0;
  private placementScheduled = false;
  /** Told of every executor MESSAGE event (see {@link onMessage}). */
  private readonly messageListeners = new Set<(message: MessageBody) => void>();
  /** Called after every commit (see {@link onCommit}). */
  private readonly commitListeners = new Set<(changes: Changes) => void>();
  /** `<ns>/<app>` of applications with a fill continuation queued (see `continueFilling`). */
  private readonly filling = new Set<string>();
  /** Keys of agent-setting records that could not be read, logged once each. */
  private readonly badSettings = new Set<string>();
  /** Status updates received and not yet applied. */
  private readonly updates = new StatusUpdateBuffer(this);
  private readonly options: ResolvedEngineOptions;
  /** Calls not sent since the driver's link went down (see {@link send}). */
  private unsent = 0;
  /** The rounds' launches on their way to the driver, the latest last (see {@link sendLaunches}). */
  private launching: Promise<void> | undefined;

  constructor(
    @inject(StoreToken) readonly store: Store,
    @inject(MesosDriverToken) private readonly driver: MesosDriver,
    @inject(ClockToken) readonly clock: Clock,
    @inject(IdGeneratorToken) readonly ids: IdGenerator,
    @inject(LoggerToken) readonly logger: Logger,
    @inject(EngineOptionsToken) options: EngineOptions,
    @inject(EventLog) private readonly events: EventLog,
  ) {
    this.options = {
      clusterName: options.clusterName ?? 'Unnamed',
      frameworkName: options.frameworkName ?? 'bcs-scheduler',
      frameworkUser: options.frameworkUser ?? 'root',
      tickMs: options.tickMs ?? 1000,
      reconcileIntervalMs: options.reconcileIntervalMs ?? 10 * 60_000,
      declineRefuseSeconds: options.declineRefuseSeconds ?? 5,
      failoverTimeoutSeconds: options.failoverTimeoutSeconds ?? FAILOVER_TIMEOUT_SECONDS,
      role: options.role ?? '*',
      hostname: options.hostname,
      webuiUrl: options.webuiUrl,
      allowNewFramework: options.allowNewFramework ?? false,
      executor: options.executor ?? { kind: 'default' },
      offerMaxHoldMs: options.offerMaxHoldMs ?? 30_000,
      reconcileRetry: {
        initialMs: options.reconcileRetry?.initialMs ?? 1000,
        maxMs: options.reconcileRetry?.maxMs ?? 60_000,
      },
    };
  }

  /** The in-memory state, read-only: every change is a commit. */
  get state(): StateView {
    return this.current;
  }

  /** The framework id once subscribed (stored, so it survives restarts). */
  get frameworkId(): string | undefined {
    return this.currentFrameworkId;
  }

  /** The latest offer of every agent seen (see `ClusterView.agents`). */
  get agents(): ClusterView['agents'] {
    return this.agentOffers;
  }

  /** The agent settings by inner IP, as the last write told ({@link agentSettingsChanged}). */
  get agentSettings(): ReadonlyMap<string, AgentSetting> {
    return this.settings;
  }

  /** Seconds an unusable offer is refused for. */
  get declineRefuseSeconds(): number {
    return this.options.declineRefuseSeconds;
  }

  /** How taskgroups are launched and killed. */
  get executor(): ExecutorMode {
    return this.options.executor;
  }

  /** Every offer received and not used yet, taken out of the pool (placement passes). Inside the queue. */
  takeOffers(): MesosOffer[] {
    const offers = [...this.offers.values()];
    this.offers.clear();
    this.offerReceivedAt.clear();
    return offers;
  }

  /**
   * The link to the Mesos master, for operators (`GET cluster/endpoints`): the driver's own status when it
   * has one, with the framework id; `removed` with a `reason` when the engine does not run its framework (it
   * refused to register a new one while the store holds placed taskgroups, or the master removed it).
   */
  link(): EngineLinkStatus {
    const driver = this.driver.status?.();
    const base: MesosLinkStatus = driver ?? {
      state: this.disposed ? 'closed' : this.subscribedOnce ? 'subscribed' : 'connecting',
      master: 'unknown',
      since: this.linkSince,
    };
    const frameworkId = this.currentFrameworkId ?? driver?.frameworkId;
    const withId = { ...base, ...(frameworkId === undefined ? {} : { frameworkId }) };
    if (this.refusal === undefined) return withId;
    return {
      ...withId,
      state: 'removed',
      since: this.refusal.since,
      reason: this.refusal.reason,
      ...(this.refusal.lastError === undefined ? {} : { lastError: this.refusal.lastError }),
    };
  }

  /** Loads the store and subscribes to Mesos. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.current = await SchedulerState.load(this.store, this.logger);
    await this.events.load();
    this.currentFrameworkId = await this.storedFrameworkId();
    await this.refreshAgentSettings();
    this.linkSince = this.clock.now();
    if (this.frameworkId === undefined && !this.options.allowNewFramework && this.holdsPlacedTaskGroups()) {
      this.refuse(NO_FRAMEWORK_ID_REASON);
    } else {
      await this.driver.subscribe(this.frameworkInfo(), (event) => this.receive(event));
    }
    this.scheduleTick();
  }

  /**
   * The FrameworkInfo of every SUBSCRIBE (spec/mesos-v1.md §4): the stored id when there is one, `roles` with
   * `MULTI_ROLE` (offers then carry `allocation_info`, which the master fills in on ACCEPT), `PARTITION_AWARE`
   * (TASK_UNREACHABLE, TASK_GONE, … instead of TASK_LOST) and `TASK_KILLING_STATE`.
   */
  frameworkInfo(): MesosFrameworkInfo {
    const { options } = this;
    return {
      ...(this.frameworkId === undefined ? {} : { id: { value: this.frameworkId } }),
      user: options.frameworkUser,
      name: options.frameworkName,
      roles: [options.role],
      ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
      ...(options.webuiUrl === undefined ? {} : { webui_url: options.webuiUrl }),
      failover_timeout: options.failoverTimeoutSeconds,
      checkpoint: true,
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    };
  }

  /** Whether any stored taskgroup was placed on an agent (a framework may run its tasks). */
  private holdsPlacedTaskGroups(): boolean {
    for (const { taskGroup } of this.state.allTaskGroups()) if (taskGroup.agentId !== undefined) return true;
    return false;
  }

  /** Stops running the framework for `reason` (logged once); `link()` reports it. */
  private refuse(reason: string, lastError?: string): void {
    if (this.refusal?.reason === reason) return;
    this.refusal = { reason, since: this.clock.now(), ...(lastError === undefined ? {} : { lastError }) };
    const fields = { frameworkId: this.currentFrameworkId, reason };
    this.logger.error(fields, 'not running the Mesos framework: nothing is launched, killed or deleted');
  }

  /**
   * The framework id stored at the last SUBSCRIBED. An unreadable record is logged and read as none: the
   * scheduler then registers as a new framework (the new id replaces the record) only when the store holds no
   * placed taskgroup or `allowNewFramework` is set (see `start`).
   */
  private async storedFrameworkId(): Promise<string | undefined> {
    try {
      return (await this.store.get<string>(Collections.framework, FRAMEWORK_ID_KEY))?.value;
    } catch (error) {
      if (!isBcsError(error) || error.code !== ErrorCode.Unreadable) throw error;
      const fields = { collection: Collections.framework, key: FRAMEWORK_ID_KEY, reason: UNREADABLE_REASON };
      this.logger.error(fields, 'record unreadable: read as no framework id');
      return undefined;
    }
  }

  /** Runs `work` after everything queued before it; the result is `work`'s. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.queue.then(() => {
      if (this.disposed) throw new BcsError(ErrorCode.StoreNotOpen, 'the scheduler is shutting down');
      return work();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops timers and closes the driver stream. Tasks keep running on Mesos. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    await this.launching;
    await this.updates.acknowledged();
    this.disposed = true;
    this.cancelTick?.();
    this.reconciliation?.cancel?.();
    await this.driver.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /**
   * Resolves once everything queued so far has run and the launches and acknowledgements it sent are
   * answered (tests and benchmarks).
   */
  async idle(): Promise<void> {
    while (true) {
      const current = this.queue;
      await current;
      await this.launching;
      await this.updates.acknowledged();
      if (current === this.queue) return;
    }
  }

  /** Loads the agent settings from the store (at start; afterwards writes tell {@link agentSettingsChanged}). */
  private async refreshAgentSettings(): Promise<void> {
    const quarantine = (key: string, reason: string) => {
      if (this.badSettings.has(key)) return;
      // Kept in the store, ignored, logged once: one bad record must not stop the engine (issue 9 §0).
      this.badSettings.add(key);
      this.logger.error(
        { collection: 'agentsetting', key, reason },
        'record quarantined: it cannot be loaded',
      );
    };
    const entries = await this.store.list<AgentSetting>('agentsetting', {
      onUnreadable: ({ key }) => quarantine(key, UNREADABLE_REASON),
    });
    const settings = new Map<string, AgentSetting>();
    for (const { key, value } of entries) {
      if (typeof value === 'object' && value !== null && typeof value.innerIP === 'string') {
        settings.set(value.innerIP, value);
      } else {
        quarantine(key, 'the record is not an agent setting');
      }
    }
    this.settings = settings;
  }

  /**
   * The agent-setting service wrote `settings` (`undefined`: deleted), inside this queue: the next placement
   * pass sees them. When taskgroups wait, offers are revived (Mesos holds back declined agents for a few
   * seconds), since an enabled agent or a new attribute may let them fit now.
   */
  agentSettingsChanged(settings: ReadonlyMap<string, AgentSetting | undefined>): void {
    for (const [ip, setting] of settings) {
      if (setting === undefined) this.settings.delete(ip);
      else this.settings.set(ip, setting);
    }
    if (!this.started || this.disposed || !this.hasPlaceablePending()) return;
    this.run(async () => {
      this.suppressed = false;
      await this.send({ type: 'REVIVE' });
    }).catch((error: unknown) => this.logger.error({ err: error }, 'revive failed'));
  }

  /**
   * Writes `changes`, the events they make and `extra` (other records and their events) in one batch, then
   * applies them to the in-memory state and publishes the events. Inside the queue only.
   */
  async commit(changes: Changes, extra?: CommitExtra): Promise<void> {
    if (changes.empty && extra === undefined) return;
    const events = [...(extra?.leading ?? []), ...eventsOfChanges(changes, this.current)];
    if (extra !== undefined) events.push(...extra.events);
    await this.writeChanges(changes, events, extra?.ops ?? []);
  }

  /** Writes `changes`, `ops` and `events` in one batch, then applies, publishes and tells the listeners. */
  private async writeChanges(
    changes: Changes,
    events: UnsequencedEvent[],
    ops: readonly BatchOp[],
  ): Promise<void> {
    const prepared = this.events.prepare(events);
    try {
      await this.store.batch([...changes.toBatch(), ...ops, ...(prepared?.ops ?? [])]);
    } catch (error) {
      this.events.abandon(prepared);
      throw error;
    }
    this.current.apply(changes);
    this.events.committed(prepared);
    for (const listener of this.commitListeners) listener(changes);
  }

  /**
   * Calls `listener` after every commit, inside the queue, with the changes just applied to `state` (the
   * deployment controller follows its apps this way, without waiting for a tick). The listener must not
   * block: it may only note the changes and queue work with `run`. Returns the function that unsubscribes.
   */
  onCommit(listener: (changes: Changes) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Sends a call; a failure is logged, never thrown (calls are at-most-once; reconciliation repairs). Nothing
   * is sent while the engine does not run its framework (see `refuse`).
   */
  async send(call: MesosCall): Promise<void> {
    // A KILL (or SHUTDOWN, MESSAGE…) may concern a task whose ACCEPT a round's launches have not handed to the
    // driver yet: it waits for them, and the driver keeps it behind the ACCEPTs it was handed.
    if (this.launching !== undefined && !INDEPENDENT_OF_LAUNCHES.has(call.type)) await this.launching;
    if (this.refusal !== undefined) return;
    // A reconnecting driver refuses every call until SUBSCRIBED: don't try (nor log a line per call). What
    // is lost is repaired after the re-subscribe: offers are dropped anyway, kills are re-sent by the tick,
    // unacknowledged updates are resent by the agents, launches are reconciled (unknown → relaunched).
    const link = this.driver.status?.().state;
    if (link !== undefined && link !== 'subscribed') {
      if (this.unsent++ === 0)
        this.logger.warn({ call: call.type, link }, 'mesos link down: calls are not sent until it is back');
      return;
    }
    if (this.unsent > 0) {
      this.logger.info({ unsent: this.unsent }, 'mesos link back: calls not sent while it was down');
      this.unsent = 0;
    }
    try {
      await this.driver.call(call);
    } catch (error) {
      this.logger.warn({ err: error, call: call.type }, 'mesos call failed');
      if (call.type === 'ACCEPT') this.reconcileLaunchesSoon(call);
    }
  }

  sendLaunches(launches: () => Promise<void>): void {
    const previous = this.launching;
    const current: Promise<void> = (previous === undefined ? launches() : previous.then(launches))
      .catch((error: unknown) => this.logger.error({ err: error }, 'sending launches failed'))
      .finally(() => {
        if (this.launching === current) this.launching = undefined;
      });
    this.launching = current;
  }

  /**
   * An ACCEPT was refused or got no answer while the link stayed up (a 400, a timeout, a 307 from a master
   * that just lost leadership): its launches may never have reached Mesos, and no re-subscribe will come to
   * reconcile them. Their tasks join the explicit reconciliation (one is started if none runs), whose next
   * round comes after `reconcileRetry.initialMs` and which asks again until each has answered: a task the
   * master does not know comes back TASK_GONE/UNKNOWN and is relaunched (`status-updates.ts`).
   */
  private reconcileLaunchesSoon(call: Extract<MesosCall, { type: 'ACCEPT' }>): void {
    if (this.disposed) return;
    const initialMs = this.options.reconcileRetry.initialMs;
    let reconciliation = this.reconciliation;
    if (reconciliation === undefined) {
      reconciliation = { pending: new Map(), answered: new Set(), delayMs: initialMs, cancel: undefined };
      this.reconciliation = reconciliation;
    } else if (reconciliation.pending === undefined) {
      return; // its first round is being built: it asks about every live task, these included
    } else if (reconciliation.cancel === undefined) {
      // A round is being sent; the timer it sets when done asks about these too.
      for (const [taskId, agentId] of launchedTasks(call)) reconciliation.pending.set(taskId, agentId);
      return;
    }
    for (const [taskId, agentId] of launchedTasks(call)) reconciliation.pending!.set(taskId, agentId);
    // Asked soon, not after the back-off the reconciliation had reached.
    reconciliation.cancel?.();
    reconciliation.delayMs = initialMs;
    const current = reconciliation;
    current.cancel = this.clock.setTimer(initialMs, () => {
      this.run(() => this.retryReconciliation(current)).catch((error: unknown) =>
        this.logger.error({ err: error }, 'reconciliation failed'),
      );
    });
  }

  /** Runs the app controller for `app`, persists its decision and sends its kills. */
  syncApp(app: AppState): Promise<void> {
    return this.syncApps([app]);
  }

  /**
   * Runs the app controller for each of `apps`, persists all their decisions in one batch, then sends their
   * kills and asks for a placement pass. The kills go out once the batch is durable, all at once in the
   * decisions' order (the driver keeps that order), not each after the answer to the one before: a step of a
   * rollout kills 100 taskgroups (issue 11 §6).
   */
  async syncApps(apps: Iterable<AppState>): Promise<void> {
    const decided = this.decideApps(apps);
    await this.commit(decided.changes);
    await this.actOn(decided);
  }

  /**
   * `commit(changes, extra)` then `syncApps(apps)` in ONE batch (one store round trip instead of two), with
   * the same records, events (in the same order) and calls as the two one after the other: each of `apps`
   * is decided as `changes` leaves it. `changes` may only put application records (the deployment
   * controller's inner scale or delete), which is all a decision reads of it. Inside the queue only.
   */
  async commitThenSync(changes: Changes, extra: CommitExtra, apps: readonly AppState[]): Promise<void> {
    const events = [...(extra.leading ?? []), ...eventsOfChanges(changes, this.current), ...extra.events];
    /** The state as `changes` leaves it: its application records over the current ones. */
    const after = (namespace: string, appId: string) => changes.apps.get(appKey(namespace, appId));
    const decided = this.decideApps(
      apps.map((state) => ({ ...state, app: after(state.app.namespace, state.app.id) ?? state.app })),
    );
    const current = this.current;
    events.push(
      ...eventsOfChanges(decided.changes, {
        get(namespace, appId) {
          const state = current.get(namespace, appId);
          const app = after(namespace, appId);
          return state === undefined || app === undefined ? state : { app, taskGroups: state.taskGroups };
        },
        findTaskGroup: (id) => current.findTaskGroup(id),
      }),
    );
    await this.writeChanges(new Changes().merge(changes).merge(decided.changes), events, extra.ops);
    await this.actOn(decided);
  }

  /** The app controller's decisions for `apps`, as one set of changes, with the kills and the unfilled apps. */
  private decideApps(apps: Iterable<AppState>): {
    changes: Changes;
    kills: TaskGroup[];
    unfilled: AppState[];
  } {
    const ctx = this.controllerContext();
    const changes = new Changes();
    const kills: TaskGroup[] = [];
    const unfilled: AppState[] = [];
    for (const app of apps) {
      // A quarantined application (a stored record that cannot be loaded) is never scheduled; only a delete runs.
      if (app.quarantine !== undefined && app.app.operation?.type !== 'delete') continue;
      const decision = decideApp(app, ctx);
      recordDecision(app, decision, changes);
      for (const taskGroup of decision.kill) kills.push(taskGroup);
      if (decision.more) unfilled.push(app);
    }
    return { changes, kills, unfilled };
  }

  /** After the decisions are durable: their kills, the apps left to fill, a placement pass. */
  private async actOn(decided: { kills: TaskGroup[]; unfilled: AppState[] }): Promise<void> {
    await this.sendAll(decided.kills.flatMap((taskGroup) => this.killCalls(taskGroup)));
    for (const app of decided.unfilled) this.continueFilling(app.app.namespace, app.app.id);
    this.requestPlacement();
  }

  /**
   * Decides `namespace/appId` again in a later queue turn: its gaps are filled a chunk per turn (see
   * `fillChunk`), and `setImmediate` lets requests that arrived meanwhile queue their work first, so a create
   * of 10 000 instances never holds the queue for more than one chunk. One continuation per app at a time.
   */
  private continueFilling(namespace: string, appId: string): void {
    const key = `${namespace}/${appId}`;
    if (this.filling.has(key) || this.disposed) return;
    this.filling.add(key);
    setImmediate(() => {
      if (this.disposed) return;
      this.run(async () => {
        this.filling.delete(key);
        const app = this.state.get(namespace, appId);
        if (app !== undefined) await this.syncApp(app);
      }).catch((error: unknown) => this.logger.error({ err: error, app: key }, 'filling instances failed'));
    });
  }

  /** The pure controller's inputs. */
  controllerContext(): ControllerContext {
    return {
      now: this.clock.now(),
      cluster: this.options.clusterName,
      nextNanos: () => this.ids.uniqueNanos(),
    };
  }

  /**
   * Kills a taskgroup on its agent. With the DEFAULT executor: a KILL of each of its tasks (the executor then
   * kills the whole group), with the version's `killGracePeriod` as `kill_policy` when it has one (the tasks
   * carry it too). With the BCS executor: a SHUTDOWN of its executor (id = taskgroup id), as the original.
   */
  async killTaskGroup(taskGroup: TaskGroup): Promise<void> {
    await this.sendAll(this.killCalls(taskGroup));
  }

  /** The calls that kill `taskGroup` (see `killTaskGroup`); none when it was never placed on an agent. */
  private killCalls(taskGroup: TaskGroup): MesosCall[] {
    if (taskGroup.agentId === undefined) return [];
    const agentId = { value: taskGroup.agentId };
    if (this.options.executor.kind === 'bcs') {
      return [{ type: 'SHUTDOWN', shutdown: { executor_id: { value: taskGroup.id }, agent_id: agentId } }];
    }
    const app = this.current.get(taskGroup.namespace, taskGroup.appId);
    const grace = app?.versions.get(taskGroup.versionId)?.killGracePeriod ?? 0;
    const policy =
      grace > 0 ? { kill_policy: { grace_period: { nanoseconds: Math.round(grace * 1e9) } } } : {};
    return taskGroup.tasks.map(
      (task): MesosCall => ({
        type: 'KILL',
        kill: { task_id: { value: task.id }, agent_id: agentId, ...policy },
      }),
    );
  }

  /**
   * Sends `calls` without waiting for each answer before the next call: each is handed to the driver at once,
   * in order (its FIFO sends them in that order), and this resolves once all are answered. Like `send`, never
   * throws.
   */
  private async sendAll(calls: readonly MesosCall[]): Promise<void> {
    if (calls.length === 1) return this.send(calls[0] as MesosCall);
    await Promise.all(calls.map((call) => this.send(call)));
  }

  /** Runs a placement pass soon, once (coalesces many triggers in one queue turn). */
  requestPlacement(): void {
    if (this.placementScheduled || this.disposed) return;
    this.placementScheduled = true;
    queueMicrotask(() => {
      this.run(async () => {
        this.placementScheduled = false;
        await runPlacementPass(this);
        await this.updateOfferInterest();
      }).catch((error: unknown) => this.logger.error({ err: error }, 'placement pass failed'));
    });
  }

  /** Whether any taskgroup waits for an offer now. */
  private hasPlaceablePending(): boolean {
    return this.current.hasPlaceablePending(this.clock.now());
  }

  private async updateOfferInterest(): Promise<void> {
    const wanted = this.hasPlaceablePending();
    if (wanted && this.suppressed) {
      this.suppressed = false;
      await this.send({ type: 'REVIVE' });
    } else if (!wanted && !this.suppressed) {
      this.suppressed = true;
      await this.send({ type: 'SUPPRESS' });
    }
  }

  /**
   * Queues an event from Mesos; status updates go through the buffer, which drains them in batches. Runs as
   * the event arrives, in stream order: a SUBSCRIBED starts a new reconciliation at once, and every later
   * update counts as an answer to it (spec/mesos-v1.md §8: "an update newer than the subscribe").
   */
  private receive(event: MesosEvent): void {
    if (event.type === 'MESSAGE') {
      // A health report (type 14) joins the status updates; every executor message (command answers, commit
      // reports, issue 12) also goes to its listeners, which queue their own work.
      this.onExecutorHealthMessage(event.message);
      for (const listener of this.messageListeners) listener(event.message);
      return;
    }
    if (event.type === 'UPDATE') {
      this.reconciliation?.answered.add(event.update.status.task_id.value);
      this.updates.push(event.update.status);
      return;
    }
    if (event.type === 'SUBSCRIBED') {
      this.reconciliation?.cancel?.();
      this.reconciliation = {
        pending: undefined,
        answered: new Set(),
        delayMs: this.options.reconcileRetry.initialMs,
        cancel: undefined,
      };
    }
    const receivedAt = this.clock.now();
    this.run(() => this.onEvent(event, receivedAt)).catch((error: unknown) =>
      this.logger.error({ err: error, event: event.type }, 'event handling failed'),
    );
  }

  /**
   * A BCS executor's TASK_STATUS_UPDATE MESSAGE (type 14) joins the status updates, in stream order, as the
   * RUNNING update with health it stands for (`executor-health.ts`); other MESSAGE types are not this hook's.
   * A report of a task the scheduler does not know is dropped (no orphan kill on a message).
   */
  private onExecutorHealthMessage(message: MessageBody): void {
    const status = statusOfExecutorMessage(message);
    if (status !== undefined && this.current.taskIndex.has(status.task_id.value)) this.updates.push(status);
  }

  /** Handles an event other than UPDATE, in the queue; `receivedAt` is when it arrived (epoch ms). */
  private async onEvent(event: MesosEvent, receivedAt: number): Promise<void> {
    switch (event.type) {
      case 'SUBSCRIBED':
        await this.onSubscribed(event.subscribed.framework_id.value);
        return;
      case 'OFFERS':
        for (const offer of event.offers.offers) {
          this.offers.set(offer.id.value, offer);
          this.offerReceivedAt.set(offer.id.value, receivedAt);
          const usedAtOffer = this.state.usageOn(offer.agent_id.value);
          this.agentOffers.set(offer.agent_id.value, { offer, receivedAt: this.clock.now(), usedAtOffer });
        }
        this.requestPlacement();
        return;
      case 'RESCIND':
        this.offers.delete(event.rescind.offer_id.value);
        this.offerReceivedAt.delete(event.rescind.offer_id.value);
        return;
      case 'ERROR':
        this.logger.error({ message: event.error.message }, 'mesos error');
        if (REMOVED_MESSAGE.test(event.error.message) || this.driver.status?.().state === 'removed') {
          await this.onFrameworkRemoved(event.error.message);
        }
        return;
      case 'FAILURE':
        this.logger.warn({ failure: event.failure }, 'mesos failure');
        return;
      default:
        return;
    }
  }

  /**
   * After every SUBSCRIBED, the first and each re-subscribe of a reconnecting driver:
   *
   * 1. store the framework id if it is new;
   * 2. drop the pooled offers (a new subscription's offers replace them; the cluster view is kept);
   * 3. REVIVE when taskgroups wait (the master forgets suppression and filters), else SUPPRESS at the next tick;
   * 4. reconcile every task explicitly, with retries ({@link startReconciliation});
   * 5. the first time only: resume every application's operation where the store left it.
   */
  private async onSubscribed(frameworkId: string): Promise<void> {
    if (this.currentFrameworkId !== frameworkId) {
      await this.store.put(Collections.framework, FRAMEWORK_ID_KEY, frameworkId);
      this.currentFrameworkId = frameworkId;
    }
    this.refusal = undefined;
    this.linkSince = this.clock.now();
    this.offers.clear();
    this.offerReceivedAt.clear();
    this.suppressed = false;
    if (this.hasPlaceablePending()) await this.send({ type: 'REVIVE' });
    const reconciliation = this.reconciliation;
    if (reconciliation !== undefined) await this.startReconciliation(reconciliation);
    if (!this.subscribedOnce) {
      this.subscribedOnce = true;
      await this.syncApps([...this.state.apps.values()]);
    }
    this.requestPlacement();
  }

  /**
   * The master removed the framework (its failover timeout expired, or it was torn down). Nothing is deleted:
   * the engine stops sending calls and `link()` says why, unless `allowNewFramework` lets it register a new
   * framework; reconciliation then finds the old tasks gone, and the restart policy replaces them.
   */
  private async onFrameworkRemoved(message: string): Promise<void> {
    const old = this.currentFrameworkId;
    if (!this.options.allowNewFramework) {
      this.refuse(`the master removed framework ${old ?? '(none)'}: ${message}`, message);
      return;
    }
    this.logger.error({ frameworkId: old, message }, 'the framework was removed: registering a new one');
    this.currentFrameworkId = undefined;
    await this.driver.subscribe(this.frameworkInfo(), (event) => this.receive(event));
  }

  /**
   * Builds the first round of `reconciliation`: every task the scheduler believes is on an agent (live
   * taskgroups, Lost included) and that has had no update since the SUBSCRIBED, then asks Mesos about them.
   */
  private async startReconciliation(reconciliation: Reconciliation): Promise<void> {
    if (this.reconciliation !== reconciliation) return;
    const pending = new Map<string, string>();
    for (const { task_id, agent_id } of tasksToReconcile(this.state)) {
      if (!reconciliation.answered.has(task_id.value)) pending.set(task_id.value, agent_id.value);
    }
    reconciliation.answered.clear();
    reconciliation.pending = pending;
    await this.reconcileRound(reconciliation);
  }

  /**
   * Sends an explicit RECONCILE for the unanswered tasks of `reconciliation`, {@link RECONCILE_CHUNK} per call
   * and per queue turn, then waits its back-off and asks again about those still unanswered (agents that have
   * not re-registered after a master failover do not answer). Once every task has answered: one implicit
   * RECONCILE (the master reports the tasks the scheduler does not know, which are killed), and the periodic
   * one resumes. A newer SUBSCRIBED supersedes it.
   */
  private async reconcileRound(reconciliation: Reconciliation): Promise<void> {
    const pending = reconciliation.pending!;
    if (pending.size === 0) {
      this.reconciliation = undefined;
      this.lastReconcileAt = this.clock.now();
      await this.send({ type: 'RECONCILE', reconcile: { tasks: [] } });
      return;
    }
    const tasks: { task_id: MesosId; agent_id: MesosId }[] = [];
    for (const [taskId, agentId] of pending)
      tasks.push({ task_id: { value: taskId }, agent_id: { value: agentId } });
    const sendChunk = async (offset: number): Promise<void> => {
      if (this.reconciliation !== reconciliation || this.disposed) return;
      const chunk = tasks.slice(offset, offset + RECONCILE_CHUNK);
      await this.send({ type: 'RECONCILE', reconcile: { tasks: chunk } });
      const next = offset + RECONCILE_CHUNK;
      if (next < tasks.length) {
        setImmediate(() => {
          this.run(() => sendChunk(next)).catch((error: unknown) =>
            this.logger.error({ err: error }, 'reconciliation failed'),
          );
        });
        return;
      }
      reconciliation.cancel = this.clock.setTimer(reconciliation.delayMs, () => {
        this.run(() => this.retryReconciliation(reconciliation)).catch((error: unknown) =>
          this.logger.error({ err: error }, 'reconciliation failed'),
        );
      });
    };
    await sendChunk(0);
  }

  /** Drops the answered tasks (and those no longer live) from `reconciliation` and asks about the rest again. */
  private async retryReconciliation(reconciliation: Reconciliation): Promise<void> {
    if (this.reconciliation !== reconciliation || this.disposed) return;
    reconciliation.cancel = undefined;
    const pending = reconciliation.pending!;
    for (const taskId of [...pending.keys()]) {
      const taskGroupId = this.current.taskIndex.get(taskId);
      const taskGroup =
        taskGroupId === undefined ? undefined : this.current.findTaskGroup(taskGroupId)?.taskGroup;
      if (reconciliation.answered.has(taskId) || taskGroup === undefined || !isLive(taskGroup)) {
        pending.delete(taskId);
      }
    }
    reconciliation.answered.clear();
    if (pending.size > 0) {
      this.logger.info({ unanswered: pending.size }, 'reconciling again the tasks Mesos has not reported');
    }
    reconciliation.delayMs = Math.min(reconciliation.delayMs * 2, this.options.reconcileRetry.maxMs);
    await this.reconcileRound(reconciliation);
  }

  /**
   * Calls `listener` with every executor MESSAGE event, as it arrives, outside the queue (the listener queues
   * its own work with `run`). Returns the function that unsubscribes.
   */
  onMessage(listener: (message: MessageBody) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /**
   * Sends a MESSAGE call to an executor and rejects (`BcsError`, code `Conflict`) when it was not delivered:
   * the framework does not run, the link is down, or the master refused the call. Unlike {@link send}, the
   * caller must know: a command records the task as failed (spec/bcs-behaviour.md §8.1, "non-202 → failed").
   */
  async sendMessage(message: MessageBody): Promise<void> {
    if (this.refusal !== undefined) {
      throw new BcsError(ErrorCode.Conflict, `the Mesos framework does not run: ${this.refusal.reason}`);
    }
    const link = this.driver.status?.().state;
    if (link !== undefined && link !== 'subscribed') {
      throw new BcsError(ErrorCode.Conflict, `the link to the Mesos master is ${link}`);
    }
    try {
      await this.driver.call({ type: 'MESSAGE', message });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BcsError(ErrorCode.Conflict, `the master refused the MESSAGE: ${reason}`, { cause: error });
    }
  }

  /** Declines the pooled offers held longer than `offerMaxHoldMs` (they count against the framework). */
  private async expireOffers(now: number): Promise<void> {
    const expired: MesosId[] = [];
    for (const [id, receivedAt] of this.offerReceivedAt) {
      if (now - receivedAt <= this.options.offerMaxHoldMs) break;
      const offer = this.offers.get(id);
      if (offer !== undefined) expired.push(offer.id);
      this.offers.delete(id);
      this.offerReceivedAt.delete(id);
    }
    if (expired.length === 0) return;
    await this.send({
      type: 'DECLINE',
      decline: { offer_ids: expired, filters: { refuse_seconds: this.options.declineRefuseSeconds } },
    });
  }

  private scheduleTick(): void {
    if (this.disposed) return;
    this.cancelTick = this.clock.setTimer(this.options.tickMs, () => {
      this.run(() => this.tick())
        .catch((error: unknown) => this.logger.error({ err: error }, 'tick failed'))
        .finally(() => this.scheduleTick());
    });
  }

  /**
   * Drops events past the retention window, and the store's change feed up to the log's count window
   * (nothing in core reads the feed further back; without this it grows for ever).
   */
  private async pruneEvents(): Promise<void> {
    const prune = await this.events.pruneOps();
    if (prune !== undefined) {
      await this.store.batch(prune.ops);
      this.events.committed(prune);
    }
    if (this.store.capabilities.changeFeed) {
      const through = (await this.store.revision()) - this.events.retention.maxEvents;
      if (through > this.compactedThrough) {
        await this.store.compact(through);
        this.compactedThrough = through;
      }
    }
  }

  /** Housekeeping: re-send stuck kills, expire held offers, wake back-offs, reconcile periodically. */
  private async tick(): Promise<void> {
    const now = this.clock.now();
    await resendStuckKills(this, now);
    await this.expireOffers(now);
    await this.pruneEvents();
    // Periodic implicit reconciliation, once the explicit one after the latest SUBSCRIBED is over.
    const reconciled = this.subscribedOnce && this.reconciliation === undefined;
    if (reconciled && now - this.lastReconcileAt >= this.options.reconcileIntervalMs) {
      this.lastReconcileAt = now;
      await this.send({ type: 'RECONCILE', reconcile: { tasks: [] } });
    }
    if (this.hasPlaceablePending()) this.requestPlacement();
    else await this.updateOfferInterest();
  }
}

/** task id → agent id of every task an ACCEPT launches. */
function* launchedTasks(call: Extract<MesosCall, { type: 'ACCEPT' }>): Iterable<[string, string]> {
  for (const operation of call.accept.operations) {
    for (const task of operation.launch_group.task_group.tasks)
      yield [task.task_id.value, task.agent_id.value];
  }
}
