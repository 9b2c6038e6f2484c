import {
  BcsError,
  ErrorCode,
  type MesosCall,
  type MesosDriver,
  type MesosEvent,
  type MesosEventListener,
  type MesosFrameworkInfo,
  type MesosLinkStatus,
  type MesosOffer,
  type MesosTaskState,
  type MesosTaskStatus,
  TERMINAL_TASK_STATES,
} from '@bcs/core';
import { removeAgent } from './agent-loss.js';
import { createAgent } from './agents.js';
import { type CallEffects, checkCall, dispatchCall } from './calls.js';
import { groupOf, resolveSettings, type SimContext, type SimSettings } from './context.js';
import { EventStream } from './event-stream.js';
import {
  EmulatedExecutors,
  EXECUTOR_MESSAGE_LOG_LIMIT,
  type ExecutorMessageRecord,
  type ExecutorProgram,
} from './executor.js';
import { frameworkFrom, HEARTBEAT_MS, subscribedBody } from './framework.js';
import { forgetTask } from './groups.js';
import { type ClusterState, emptyState } from './model.js';
import { dropAllOffers, rescindOffer, runOfferRound } from './offers.js';
import { metaRecord, restoreState, SimPersistence } from './persistence.js';
import { Prng } from './prng.js';
import { enqueueUpdate, executorStatus, resendHeads } from './status-updates.js';
import { armStep } from './task-lifecycle.js';
import { Timeline } from './timeline.js';
import type {
  SimAgentSpec,
  SimAgentView,
  SimMessage,
  SimTaskView,
  SimulatedClusterOptions,
} from './types.js';
import { agentView, taskView } from './views.js';

const HEARTBEAT: MesosEvent = { type: 'HEARTBEAT' };
/** The longest delay a `setTimeout`-backed clock takes without firing at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A deterministic Mesos master with agents, implementing {@link MesosDriver} at the level of the v1 JSON calls
 * and events (no HTTP). It hosts one framework and emulates the default executor; spec/mesos-v1.md is its
 * acceptance spec and the package README lists its rules and defaults.
 *
 * - Time comes only from `options.clock` and randomness only from a PRNG seeded by `options.seed`, so the same
 *   seed, calls and clock advances replay the same events.
 * - Events reach the listener on a later microtask, in order, never inside `call()`.
 * - `dispose()` closes the stream and stops the cluster's clock timer; the cluster's state (agents,
 *   executors, tasks, unacknowledged updates) survives, and a later `subscribe()` resumes it: steps that fell
 *   due meanwhile then run at once.
 */
export class SimulatedCluster implements MesosDriver {
  readonly #clock: SimulatedClusterOptions['clock'];
  readonly #prng: Prng;
  readonly #timeline: Timeline;
  readonly #settings: SimSettings;
  readonly #persistence: SimPersistence | undefined;
  readonly #calls: MesosCall[] = [];
  readonly #recordCalls: boolean;
  /** Delivered MESSAGE calls, the newest `#messageLimit` (older ones are dropped in chunks). */
  #messages: SimMessage[] = [];
  readonly #messageLimit: number;
  readonly #ctx: SimContext;
  readonly #effects: CallEffects;
  readonly #executors: EmulatedExecutors;
  #state: ClusterState;
  #stream: EventStream | undefined;
  #persisting = false;
  #opening: Promise<void> | undefined;
  /** The link as `status()` reports it: its state and since when (epoch ms). */
  #link: { state: MesosLinkStatus['state']; since: number; lastError?: string };
  #failover: (() => void) | undefined;

  constructor(options: SimulatedClusterOptions) {
    this.#settings = resolveSettings(options);
    this.#clock = options.clock;
    this.#recordCalls = options.recordCalls ?? true;
    this.#messageLimit = options.executorMessageLimit ?? EXECUTOR_MESSAGE_LOG_LIMIT;
    this.#prng = new Prng(options.seed ?? 1);
    this.#timeline = new Timeline(options.clock);
    this.#persistence =
      options.store === undefined ? undefined : new SimPersistence(options.store, options.logger);
    this.#state = emptyState(this.#prng.uuidText());
    this.#ctx = this.#createContext();
    this.#link = { state: 'connecting', since: options.clock.now() };
    this.#effects = {
      revive: () => this.#revive(),
      teardown: () => this.#teardown(),
      delivered: (message) => {
        this.#messages.push(message);
        // Trim a quarter past the limit at once, so a long run pays O(1) per message on average.
        if (this.#messages.length > this.#messageLimit + Math.ceil(this.#messageLimit / 4)) {
          this.#messages = this.#messages.slice(-this.#messageLimit);
        }
        this.#executors.receive(message);
      },
    };
    this.#executors = new EmulatedExecutors(this.#ctx, options.executorMessageLimit);
    const agents = options.agents ?? 1;
    if (typeof agents === 'number') {
      if (!Number.isInteger(agents) || agents < 0)
        throw new RangeError('SimulatedCluster: agents must be ≥ 0');
      for (let i = 0; i < agents; i++) this.addAgent();
    } else {
      for (const spec of agents) this.addAgent(spec);
    }
  }

  /** The master's id (a UUID from the seeded PRNG); offer, agent and framework ids start with it. */
  get masterId(): string {
    return this.#state.masterId;
  }

  /** The id of the registered framework, if any. */
  get frameworkId(): string | undefined {
    return this.#state.framework?.id;
  }

  /** Every call received, in order, as passed (rejected ones included); empty with `recordCalls: false`. */
  get calls(): readonly MesosCall[] {
    return this.#calls;
  }

  /**
   * With a `store`: loads the persisted cluster, or writes the initial one when the store holds none. Without:
   * does nothing. Idempotent; `subscribe()` calls it too.
   */
  open(): Promise<void> {
    this.#opening ??= this.#load();
    return this.#opening;
  }

  /**
   * Subscribes the framework: SUBSCRIBED (a new id `<masterId>-0000`, `-0001`, … or `framework.id`), HEARTBEAT,
   * every unacknowledged update head again, then OFFERS from the first round (due at once, i.e. on the
   * clock's next tick) and every `offerIntervalMs`. Subscribing again ends the previous stream with ERROR
   * "Framework failed over"; a torn-down id gets ERROR "Framework has been removed". A framework with another
   * id replaces the registered one, whose tasks are removed (the simulator hosts one framework).
   */
  async subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void> {
    await this.open();
    this.#cancelFailover();
    this.#endStream({ type: 'ERROR', error: { message: 'Framework failed over' } });
    const stream = new EventStream(listener);
    const requested = framework.id?.value;
    if (requested !== undefined && this.#state.removedFrameworks.has(requested)) {
      stream.end({ type: 'ERROR', error: { message: 'Framework has been removed' } });
      this.#setLink('removed', 'Framework has been removed');
      return;
    }
    const id = requested ?? `${this.masterId}-${String(this.#state.counters.framework++).padStart(4, '0')}`;
    if (this.#state.framework !== undefined && this.#state.framework.id !== id) this.#removeFramework();
    this.#state.framework = frameworkFrom(id, framework);
    this.#ctx.touchMeta();
    for (const agent of this.#state.agents.values()) agent.filter = undefined;
    this.#stream = stream;
    this.#setLink('subscribed');
    stream.push({ type: 'SUBSCRIBED', subscribed: subscribedBody(this.masterId, id) });
    stream.push(HEARTBEAT);
    resendHeads(this.#ctx);
    this.#timeline.resume();
    this.#startLoops(stream);
  }

  /**
   * Handles one call (it takes effect before this returns; its events come later). Rejects with `BcsError`
   * (status 403, code `Internal`) when no framework is subscribed, and (status 400, code `ParameterError`)
   * where Mesos answers 400: an unknown type, a missing body or id, a malformed ACKNOWLEDGE uuid.
   */
  async call(call: MesosCall): Promise<void> {
    if (this.#recordCalls) this.#calls.push(call);
    if (this.#stream === undefined || this.#state.framework === undefined)
      throw new BcsError(ErrorCode.Internal, 'simulated-cluster: Framework is not subscribed', {
        status: 403,
      });
    const problem = checkCall(call);
    if (problem !== undefined)
      throw new BcsError(ErrorCode.ParameterError, `simulated-cluster: ${problem}`, { status: 400 });
    dispatchCall(this.#ctx, call, this.#effects);
  }

  /**
   * Closes the stream (queued events are dropped), cancels a pending failover timeout and waits for pending
   * store writes. The framework stays registered however long the cluster stays disposed: this is the
   * in-process scheduler stopping, not a lost connection (see `disconnect()`). Idempotent.
   */
  async dispose(): Promise<void> {
    this.#cancelFailover();
    this.#endStream();
    this.#setLink('closed');
    if (this.#persisting) await this.#persistence?.flushed();
  }

  /**
   * The subscription's connection was lost without TEARDOWN (over HTTP: the SUBSCRIBE response's socket
   * closed). The stream ends (queued events are dropped) and the framework's `failover_timeout` starts on the
   * clock (0 or absent: at once, as in Mesos): unless it subscribes again before then, the framework is
   * removed with its tasks and executors, and a later SUBSCRIBE with its id gets ERROR "Framework has been
   * removed". Unlike `dispose()`, the agents keep running meanwhile: task steps happen on time and their
   * updates wait, unacknowledged, for the next SUBSCRIBE. Also arms the timeout for a framework loaded from the
   * store and not subscribed yet. No-op without a registered framework; calling it again restarts the timeout.
   */
  disconnect(): void {
    this.#endStream();
    const framework = this.#state.framework;
    if (framework === undefined) return;
    // The agents keep running: tasks progress and their updates queue up, to be sent on the next SUBSCRIBE.
    this.#timeline.resume();
    this.#cancelFailover();
    const seconds = framework.info.failover_timeout;
    const ms = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    const deadline = this.#clock.now() + ms;
    const id = framework.id;
    // setTimeout-backed clocks overflow above 2^31 - 1 ms (24.8 days): wait in steps.
    const wait = (): void => {
      const left = deadline - this.#clock.now();
      const cancel = this.#clock.setTimer(Math.min(Math.max(left, 0), MAX_TIMER_MS), () => {
        if (this.#failover !== cancel) return;
        if (this.#clock.now() < deadline) return wait();
        this.#failover = undefined;
        if (this.#stream === undefined && this.#state.framework?.id === id) this.#removeFramework();
      });
      this.#failover = cancel;
    };
    wait();
  }

  /** True while a framework is subscribed (its stream is open). */
  get subscribed(): boolean {
    return this.#stream !== undefined;
  }

  /** Same as `dispose()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /**
   * The link as a driver reports it (`master` is `in-process`): `subscribed` from SUBSCRIBED on, `removed`
   * after a subscribe with a torn-down id, `closed` after `dispose()`, `connecting` before the first subscribe.
   */
  status(): MesosLinkStatus {
    const frameworkId = this.#state.framework?.id;
    return {
      state: this.#link.state,
      master: 'in-process',
      since: this.#link.since,
      ...(frameworkId === undefined ? {} : { frameworkId }),
      ...(this.#link.lastError === undefined ? {} : { lastError: this.#link.lastError }),
    };
  }

  #setLink(state: MesosLinkStatus['state'], lastError?: string): void {
    this.#link = { state, since: this.#clock.now(), ...(lastError === undefined ? {} : { lastError }) };
  }

  /** Every agent, in id order of creation. */
  agents(): SimAgentView[] {
    return [...this.#state.agents.values()].map(agentView);
  }

  /** Every task the master tracks (live, or terminal with the terminal update unacknowledged). */
  tasks(): SimTaskView[] {
    return [...this.#state.tasks.values()].map(taskView);
  }

  /** The offers sent and neither accepted, declined nor rescinded. */
  outstandingOffers(): MesosOffer[] {
    return [...this.#state.offers.values()].map((offer) => offer.body);
  }

  /**
   * MESSAGE calls delivered to executors, in order: the newest `executorMessageLimit` (default
   * {@link EXECUTOR_MESSAGE_LOG_LIMIT}), like the emulated executors' own log.
   */
  messages(): SimMessage[] {
    return this.#messages.slice(-this.#messageLimit);
  }

  /**
   * Programs the emulated BCS executor of taskgroup (executor id) `target`, or with `'*'` the default of every
   * executor; `undefined` clears. Only groups launched with a CUSTOM executor answer MESSAGEs (see
   * `ExecutorProgram` and the package README). Not persisted. Throws `RangeError` for an invalid program.
   */
  programExecutor(target: string, program: ExecutorProgram | undefined): void {
    this.#executors.program(target, program);
  }

  /** Every message an emulated (CUSTOM) executor received, decoded, in order (not persisted). */
  executorMessages(): readonly ExecutorMessageRecord[] {
    return this.#executors.messages();
  }

  /**
   * Adds an agent (defaults as in {@link SimAgentSpec}) and returns its id. A subscribed framework gets an
   * offer for it on the clock's next tick.
   */
  addAgent(spec?: SimAgentSpec): string {
    const agent = createAgent(this.masterId, this.#state.counters.agent, spec);
    this.#state.counters.agent++;
    this.#state.agents.set(agent.id, agent);
    this.#ctx.touchAgent(agent.id);
    const stream = this.#stream;
    if (stream !== undefined) {
      this.#timeline.at(this.#clock.now(), () => {
        if (this.#stream === stream && this.#state.agents.get(agent.id) === agent)
          runOfferRound(this.#ctx, [agent]);
      });
    }
    return agent.id;
  }

  /**
   * Removes an agent (by id, else by hostname): RESCIND of its offer, FAILURE, TASK_LOST (REASON_AGENT_REMOVED,
   * no uuid) for its non-terminal tasks, in a seeded order. Throws `RangeError` for an unknown agent.
   */
  loseAgent(agentIdOrHostname: string): void {
    const agents = this.#state.agents;
    const agent =
      agents.get(agentIdOrHostname) ?? [...agents.values()].find((a) => a.hostname === agentIdOrHostname);
    if (agent === undefined) throw new RangeError(`SimulatedCluster: no agent ${agentIdOrHostname}`);
    removeAgent(this.#ctx, agent);
  }

  /** Rescinds every outstanding offer; the resources are offered again in the next round. */
  rescindAll(): void {
    for (const offer of [...this.#state.offers.values()]) rescindOffer(this.#ctx, offer);
  }

  /**
   * Queues an executor update for a tracked task (with a fresh uuid unless `extra.uuid` is given), delivered
   * through the task's ACK-gated queue. A terminal state cancels the task's pending step (its script) but
   * kills nothing else; FAILED marks the executor as failed. Throws `RangeError` for an unknown task or one
   * already terminal.
   */
  injectStatus(taskId: string, state: MesosTaskState, extra: Partial<MesosTaskStatus> = {}): void {
    const task = this.#state.tasks.get(taskId);
    if (task === undefined) throw new RangeError(`SimulatedCluster: no task ${taskId}`);
    if (TERMINAL_TASK_STATES.has(task.state))
      throw new RangeError(`SimulatedCluster: task ${taskId} is terminal`);
    if (TERMINAL_TASK_STATES.has(state)) task.next = undefined;
    const group = groupOf(this.#ctx, task);
    if (state === 'TASK_FAILED' && group !== undefined) group.failed = true;
    enqueueUpdate(this.#ctx, task, executorStatus(this.#ctx, task, state, extra));
  }

  #createContext(): SimContext {
    const cluster = this;
    return {
      clock: this.#clock,
      prng: this.#prng,
      timeline: this.#timeline,
      settings: this.#settings,
      get state() {
        return cluster.#state;
      },
      emit: (event) => this.#stream?.push(event),
      subscribed: () => this.#stream !== undefined,
      touchMeta: () => {
        if (this.#persisting) this.#persistence?.markMeta(() => metaRecord(this.#state, this.#prng.state));
      },
      touchAgent: (agentId) => {
        if (!this.#persisting) return;
        this.#persistence?.markAgent(agentId, () => this.#state.agents.get(agentId));
        this.#ctx.touchMeta();
      },
      touchGroup: ({ agentId, executorId }) => {
        if (!this.#persisting) return;
        this.#persistence?.markGroup(agentId, executorId, () =>
          this.#state.agents.get(agentId)?.groups.get(executorId),
        );
        this.#ctx.touchMeta();
      },
    };
  }

  async #load(): Promise<void> {
    const persistence = this.#persistence;
    if (persistence === undefined) return;
    const loaded = await persistence.load();
    if (loaded !== undefined) {
      this.#state = restoreState(loaded);
      this.#prng.state = loaded.meta.prng;
    }
    this.#persisting = true;
    if (loaded === undefined) {
      for (const agent of this.#state.agents.values()) this.#ctx.touchAgent(agent.id);
      this.#ctx.touchMeta();
      await persistence.flushed();
    }
    for (const task of this.#state.tasks.values()) armStep(this.#ctx, task);
  }

  /** Offer rounds (the first due now) and heartbeats, for as long as `stream` is the current one. */
  #startLoops(stream: EventStream): void {
    const round = (at: number): void =>
      this.#timeline.at(at, () => {
        if (this.#stream !== stream) return;
        runOfferRound(this.#ctx);
        round(at + this.#settings.offerIntervalMs);
      });
    const beat = (at: number): void =>
      this.#timeline.at(at, () => {
        if (this.#stream !== stream) return;
        stream.push(HEARTBEAT);
        beat(at + HEARTBEAT_MS);
      });
    const now = this.#clock.now();
    round(now);
    beat(now + HEARTBEAT_MS);
  }

  /** Ends the current stream: with `last`, queued events and `last` are still delivered; without, dropped. */
  #endStream(last?: MesosEvent): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    if (last === undefined) stream.close();
    else stream.end(last);
    this.#stream = undefined;
    dropAllOffers(this.#ctx);
    this.#timeline.pause();
  }

  /** REVIVE: clears suppression and every filter, and offers on the next tick. */
  #revive(): void {
    const framework = this.#state.framework;
    if (framework !== undefined) framework.suppressed = false;
    for (const agent of this.#state.agents.values()) agent.filter = undefined;
    const stream = this.#stream;
    this.#timeline.at(this.#clock.now(), () => {
      if (this.#stream === stream) runOfferRound(this.#ctx);
    });
  }

  /** TEARDOWN: the framework and its tasks are removed; the stream closes without an event. */
  #teardown(): void {
    this.#removeFramework();
    this.#stream?.end();
    this.#stream = undefined;
    this.#setLink('removed', 'Framework has been torn down');
    this.#timeline.pause();
  }

  #cancelFailover(): void {
    const cancel = this.#failover;
    this.#failover = undefined;
    cancel?.();
  }

  /** Removes the registered framework: its tasks and executors go silently and its id is dead. */
  #removeFramework(): void {
    const framework = this.#state.framework;
    if (framework === undefined) return;
    for (const task of [...this.#state.tasks.values()]) forgetTask(this.#ctx, task, false);
    this.#state.removedFrameworks.add(framework.id);
    this.#state.framework = undefined;
    dropAllOffers(this.#ctx);
    this.#ctx.touchMeta();
  }
}
