import { inject, injectable } from 'tsyringe';
import { BcsError, ErrorCode, isBcsError } from '../errors.js';
import { eventsOfChanges } from '../events/derive.js';
import { EventLog } from '../events/event-log.js';
import { type CancelTimer, type Clock, ClockToken } from '../ports/clock.js';
import { type IdGenerator, IdGeneratorToken } from '../ports/id-generator.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import {
  type MesosCall,
  type MesosDriver,
  MesosDriverToken,
  type MesosEvent,
  type MesosOffer,
} from '../ports/mesos-driver.js';
import { type Store, StoreToken } from '../ports/store.js';
import type { AgentSetting } from '../resources/agent-setting.js';
import type { ResourceAmounts } from '../resources/application.js';
import type { TaskGroup } from '../resources/taskgroup.js';
import { UNREADABLE_REASON } from '../store/unreadable.js';
import { createToken } from '../tokens.js';
import { type ControllerContext, decideApp } from './app-controller.js';
import { resendStuckKills, tasksToReconcile } from './housekeeping.js';
import { Collections, FRAMEWORK_ID_KEY } from './keys.js';
import { runPlacementPass } from './placement-pass.js';
import type {
  AppSync,
  ClockAndIds,
  ClusterView,
  CommitExtra,
  CommitFeed,
  Committer,
  EngineQueue,
  LogSource,
  MesosCalls,
  OfferPool,
  StateSource,
  StateView,
  StoreSource,
} from './ports.js';
import { type AppState, Changes, recordDecision, SchedulerState } from './state.js';
import { StatusUpdateBuffer } from './status-drain.js';

/** Settings of the scheduler engine. */
export interface EngineOptions {
  /** The Mesos cluster name embedded in ids (spec/bcs-behaviour.md §1.3). Default `Unnamed`. */
  readonly clusterName?: string;
  /** Framework name and user sent with SUBSCRIBE. */
  readonly frameworkName?: string;
  readonly frameworkUser?: string;
  /** Housekeeping period: back-offs, kill escalation, retries. Default 1000 ms. */
  readonly tickMs?: number;
  /** Implicit reconciliation period. Default 10 min. */
  readonly reconcileIntervalMs?: number;
  /** Seconds an unusable offer is refused for. Default 5. */
  readonly declineRefuseSeconds?: number;
  // Issue 10 (the contract's names; the "core" helper implements them, these declarations let the server
  // pass them meanwhile).
  /** `framework_info.failover_timeout` in seconds. Default 604 800 (a week). */
  readonly failoverTimeoutSeconds?: number;
  /** The framework's role. Default `*`. */
  readonly role?: string;
  /** `framework_info.hostname`. */
  readonly hostname?: string;
  /** `framework_info.webui_url`. */
  readonly webuiUrl?: string;
  /** Subscribe without a framework id even though the store holds taskgroups. Default false. */
  readonly allowNewFramework?: boolean;
  /** Mesos' DEFAULT executor, or the original's custom executor fetched from `uri`. Default `default`. */
  readonly executor?: { readonly kind: 'default' } | { readonly kind: 'bcs'; readonly uri: string };
  /** Milliseconds an offer is held at most before it is declined. Default 30 000. */
  readonly offerMaxHoldMs?: number;
  /** Back-off of explicit reconciliation retries after a (re)subscribe. */
  readonly reconcileRetry?: { readonly initialMs: number; readonly maxMs: number };
}

/** The engine options of issue 10, declared but not used by the engine yet. */
type PendingEngineOptions =
  | 'failoverTimeoutSeconds'
  | 'role'
  | 'hostname'
  | 'webuiUrl'
  | 'allowNewFramework'
  | 'executor'
  | 'offerMaxHoldMs'
  | 'reconcileRetry';

export const EngineOptionsToken = createToken<EngineOptions>('EngineOptions');

/** Mesos failover timeout: a week, as the original (spec/bcs-behaviour.md §13.2). */
const FAILOVER_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * The scheduler engine: keeps applications at their desired state on the Mesos cluster behind the driver.
 *
 * - **One queue.** Events from Mesos, API operations and timer ticks run one at a time, so decisions never race.
 * - **Persist, then act.** Every decision is written as one atomic store batch before any call to Mesos, so
 *   after a crash the store knows every launch that may have happened (its ids are already there).
 * - **Recovery.** On start it loads the store, subscribes with the stored framework id, reconciles every
 *   known task explicitly, then implicitly: a task Mesos does not know is Lost (and restarted by policy), a
 *   task the scheduler does not know is killed.
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
    OfferPool
{
  /** The in-memory state; replaced by the stored one at start. */
  private current = new SchedulerState();
  private currentFrameworkId: string | undefined;
  /** Offers received and not yet used by a placement pass, by offer id. */
  private readonly offers = new Map<string, MesosOffer>();
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
  private compactedThrough = 0;
  private placementScheduled = false;
  /** Called after every commit (see {@link onCommit}). */
  private readonly commitListeners = new Set<(changes: Changes) => void>();
  /** `<ns>/<app>` of applications with a fill continuation queued (see `continueFilling`). */
  private readonly filling = new Set<string>();
  /** Keys of agent-setting records that could not be read, logged once each. */
  private readonly badSettings = new Set<string>();
  /** Status updates received and not yet applied. */
  private readonly updates = new StatusUpdateBuffer(this);
  private readonly options: Required<Omit<EngineOptions, PendingEngineOptions>>;

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
      frameworkName: options.frameworkName ?? 'bcs',
      frameworkUser: options.frameworkUser ?? 'root',
      tickMs: options.tickMs ?? 1000,
      reconcileIntervalMs: options.reconcileIntervalMs ?? 10 * 60_000,
      declineRefuseSeconds: options.declineRefuseSeconds ?? 5,
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

  /** Every offer received and not used yet, taken out of the pool (placement passes). Inside the queue. */
  takeOffers(): MesosOffer[] {
    const offers = [...this.offers.values()];
    this.offers.clear();
    return offers;
  }

  /** Loads the store and subscribes to Mesos. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.current = await SchedulerState.load(this.store, this.logger);
    await this.events.load();
    this.currentFrameworkId = await this.storedFrameworkId();
    await this.refreshAgentSettings();
    await this.driver.subscribe(
      {
        ...(this.frameworkId === undefined ? {} : { id: { value: this.frameworkId } }),
        user: this.options.frameworkUser,
        name: this.options.frameworkName,
        failover_timeout: FAILOVER_TIMEOUT_SECONDS,
        checkpoint: true,
        capabilities: [{ type: 'TASK_KILLING_STATE' }],
      },
      (event) => this.receive(event),
    );
    this.scheduleTick();
  }

  /**
   * The framework id stored at the last SUBSCRIBED. An unreadable record is logged and read as none: the
   * scheduler registers as a new framework, and the new id replaces the record.
   */
  private async storedFrameworkId(): Promise<string | undefined> {
    try {
      return (await this.store.get<string>(Collections.framework, FRAMEWORK_ID_KEY))?.value;
    } catch (error) {
      if (!isBcsError(error) || error.code !== ErrorCode.Unreadable) throw error;
      const fields = { collection: Collections.framework, key: FRAMEWORK_ID_KEY, reason: UNREADABLE_REASON };
      this.logger.error(fields, 'record unreadable: registering as a new framework');
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
    this.disposed = true;
    this.cancelTick?.();
    await this.driver.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Resolves once everything queued so far has run (tests and benchmarks). */
  async idle(): Promise<void> {
    while (true) {
      const current = this.queue;
      await current;
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
    const events = eventsOfChanges(changes, this.current);
    if (extra !== undefined) events.push(...extra.events);
    const prepared = this.events.prepare(events);
    try {
      await this.store.batch([...changes.toBatch(), ...(extra?.ops ?? []), ...(prepared?.ops ?? [])]);
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

  /** Sends a call; a failure is logged, never thrown (calls are at-most-once; reconciliation repairs). */
  async send(call: MesosCall): Promise<void> {
    try {
      await this.driver.call(call);
    } catch (error) {
      this.logger.warn({ err: error, call: call.type }, 'mesos call failed');
    }
  }

  /** Runs the app controller for `app`, persists its decision and sends its kills. */
  syncApp(app: AppState): Promise<void> {
    return this.syncApps([app]);
  }

  /**
   * Runs the app controller for each of `apps`, persists all their decisions in one batch, then sends their
   * kills and asks for a placement pass.
   */
  async syncApps(apps: Iterable<AppState>): Promise<void> {
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
    await this.commit(changes);
    for (const taskGroup of kills) await this.killTaskGroup(taskGroup);
    for (const app of unfilled) this.continueFilling(app.app.namespace, app.app.id);
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

  /** SHUTDOWN of a taskgroup's executor (it stops all its tasks). */
  async killTaskGroup(taskGroup: TaskGroup): Promise<void> {
    if (taskGroup.agentId === undefined) return;
    await this.send({
      type: 'SHUTDOWN',
      shutdown: { executor_id: { value: taskGroup.id }, agent_id: { value: taskGroup.agentId } },
    });
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
    const now = this.clock.now();
    for (const taskGroups of this.state.pending.values()) {
      for (const taskGroup of taskGroups.values()) if ((taskGroup.notBefore ?? 0) <= now) return true;
    }
    return false;
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

  /** Queues an event from Mesos; status updates go through the buffer, which drains them in batches. */
  private receive(event: MesosEvent): void {
    if (event.type === 'UPDATE') {
      this.updates.push(event.update.status);
      return;
    }
    this.run(() => this.onEvent(event)).catch((error: unknown) =>
      this.logger.error({ err: error, event: event.type }, 'event handling failed'),
    );
  }

  private async onEvent(event: MesosEvent): Promise<void> {
    switch (event.type) {
      case 'SUBSCRIBED':
        await this.onSubscribed(event.subscribed.framework_id.value);
        return;
      case 'OFFERS':
        for (const offer of event.offers.offers) {
          this.offers.set(offer.id.value, offer);
          const usedAtOffer = this.state.usageOn(offer.agent_id.value);
          this.agentOffers.set(offer.agent_id.value, { offer, receivedAt: this.clock.now(), usedAtOffer });
        }
        this.requestPlacement();
        return;
      case 'RESCIND':
        this.offers.delete(event.rescind.offer_id.value);
        return;
      case 'ERROR':
        this.logger.error({ message: event.error.message }, 'mesos error');
        return;
      case 'FAILURE':
        this.logger.warn({ failure: event.failure }, 'mesos failure');
        return;
      default:
        return;
    }
  }

  private async onSubscribed(frameworkId: string): Promise<void> {
    if (this.currentFrameworkId !== frameworkId) {
      await this.store.put(Collections.framework, FRAMEWORK_ID_KEY, frameworkId);
      this.currentFrameworkId = frameworkId;
    }
    this.suppressed = false;
    await this.reconcileExplicitly();
    // Resume every application's operation where the store left it.
    await this.syncApps([...this.state.apps.values()]);
    this.requestPlacement();
  }

  /** Asks Mesos for the state of every task the scheduler believes is on an agent. */
  private async reconcileExplicitly(): Promise<void> {
    const tasks = tasksToReconcile(this.state);
    if (tasks.length > 0) await this.send({ type: 'RECONCILE', reconcile: { tasks } });
    this.lastReconcileAt = this.clock.now();
    // Implicit reconciliation follows once the explicit answers had a tick to arrive.
    this.clock.setTimer(this.options.tickMs, () => {
      this.run(() => this.send({ type: 'RECONCILE', reconcile: { tasks: [] } })).catch(() => undefined);
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

  /** Housekeeping: re-send stuck kills, wake back-offs, reconcile periodically. */
  private async tick(): Promise<void> {
    const now = this.clock.now();
    await resendStuckKills(this, now);
    await this.pruneEvents();
    if (now - this.lastReconcileAt >= this.options.reconcileIntervalMs) {
      this.lastReconcileAt = now;
      await this.send({ type: 'RECONCILE', reconcile: { tasks: [] } });
    }
    if (this.hasPlaceablePending()) this.requestPlacement();
    else await this.updateOfferInterest();
  }
}
