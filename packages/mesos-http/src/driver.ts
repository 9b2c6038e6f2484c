import type {
  CancelTimer,
  Clock,
  Logger,
  MesosCall,
  MesosDriver,
  MesosEvent,
  MesosEventListener,
  MesosFrameworkInfo,
  MesosLinkStatus,
} from '@bcs/core';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { CallSender } from './calls.js';
import { MesosCallError } from './errors.js';
import { DEFAULT_MAX_RECORD_BYTES } from './recordio.js';
import {
  openStream,
  redirectTarget,
  type StreamFailure,
  type StreamHandle,
  schedulerEndpoint,
} from './wire.js';

/** Options of {@link MesosHttpDriver}. */
export interface MesosHttpDriverOptions {
  /** Master URLs, `http://10.0.0.1:5050`; tried in order (the next one after a failure), 307s followed. */
  readonly masters: readonly string[];
  /** Every timer (subscribe timeout, watchdog, back-off, call timeout) runs on it. */
  readonly clock: Clock;
  /** One line per link transition (info when subscribed, warn when lost, error when removed). */
  readonly logger: Logger;
  /** The jitter source, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Re-subscribe back-off with full jitter. Default 500 ms doubling to 15 000 ms. */
  readonly backoff?: BackoffOptions;
  /** The watchdog: no byte within `heartbeatFactor × heartbeat_interval_seconds` means the link is dead. Default 5. */
  readonly heartbeatFactor?: number;
  /** A SUBSCRIBE without SUBSCRIBED (connect, headers or first event) in this many ms is abandoned. Default 10 000. */
  readonly subscribeTimeoutMs?: number;
  /** A call without an answer in this many ms fails (`timeout`, 504). Default 30 000. */
  readonly callTimeoutMs?: number;
  /** 307 hops followed per SUBSCRIBE attempt. Default 5. */
  readonly maxRedirects?: number;
  /** The largest event accepted on the stream, in bytes. Default 64 MiB. */
  readonly maxRecordBytes?: number;
  /**
   * Keep-alive connections for calls. Default 1: calls reach the master in the order they were made (as the
   * Mesos C++ scheduler library does), so a SUPPRESS never overtakes the REVIVE sent before it.
   */
  readonly callConnections?: number;
  /**
   * Keep-alive connections for ACKNOWLEDGE and RECONCILE, a lane of their own: their order does not matter
   * (each names its task and uuid), and one round trip after another would cap a busy scheduler at one
   * acknowledgement per round trip (issue 10's wire benchmark: two ACKs per task, the processes taking turns).
   * Default 8.
   */
  readonly ackConnections?: number;
  /**
   * Call types that may be on the wire together, `parallelConnections` at a time, while they follow one
   * another among the calls: default ACCEPT and DECLINE (each names its own offers, used once, so neither
   * depends on another; a round of 10 000 offers was 10 000 round trips one after another). They never overlap
   * another call: a call made after them waits for their answers (a KILL never overtakes the ACCEPT that
   * launched its task), and they wait for the calls made before them (a REVIVE). List only calls that are
   * independent of one another; `[]` sends every call in order.
   */
  readonly parallelCalls?: readonly MesosCall['type'][];
  /** Keep-alive connections for `parallelCalls`. Default 8. */
  readonly parallelConnections?: number;
}

export const MESOS_HTTP_DEFAULTS = {
  heartbeatFactor: 5,
  subscribeTimeoutMs: 10_000,
  callTimeoutMs: 30_000,
  maxRedirects: 5,
  callConnections: 1,
  ackConnections: 8,
  parallelCalls: ['ACCEPT', 'DECLINE'] as readonly MesosCall['type'][],
  parallelConnections: 8,
  /** Used for the watchdog when SUBSCRIBED carries no interval (Mesos' fixed 15 s). */
  heartbeatIntervalSeconds: 15,
} as const;

/** Event types delivered to the listener (core's `MesosEvent`); others are ignored (spec/mesos-v1.md §5). */
const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'SUBSCRIBED',
  'OFFERS',
  'RESCIND',
  'UPDATE',
  'MESSAGE',
  'FAILURE',
  'ERROR',
  'HEARTBEAT',
]);

/** A message saying the master removed the framework ("Framework has been removed", a completed framework). */
const REMOVED = /framework\b.*\b(removed|completed)\b/i;

type LinkState = MesosLinkStatus['state'];

/**
 * core's `MesosDriver` over the Mesos v1 scheduler HTTP API (spec/mesos-v1.md), JSON both ways, node
 * built-ins only.
 *
 * - **Subscription.** `subscribe()` returns at once and connects in the background, for ever: a SUBSCRIBE
 *   POST on a connection of its own (no `Mesos-Stream-Id`), 307s followed, its RecordIO stream decoded on
 *   bytes. The first SUBSCRIBED gives the framework id, sent on every re-subscribe in `framework_id` and
 *   `framework_info.id`; each SUBSCRIBED (the first and every re-subscribe) reaches the listener.
 * - **Calls** go on keep-alive connections with the stream's `Mesos-Stream-Id` and `framework_id`, and resolve
 *   on 202; anything else rejects with {@link MesosCallError}. A call while not subscribed rejects at once.
 * - **A dead link** (an ERROR event, the stream closing, no byte within the watchdog, an undecodable event,
 *   a 403/503/307 answer to a call, a SUBSCRIBE that fails or hangs) means re-subscribing after an
 *   exponential back-off with full jitter (0.5 s doubling to 15 s), reset by SUBSCRIBED. A failed attempt
 *   moves on to the next master; 503 (no leader yet) included.
 * - **Removed.** An ERROR (or a 403 to SUBSCRIBE) saying the framework was removed stops the driver for good
 *   (`removed`): subscribing without the id would make a new framework and orphan every task.
 */
export class MesosHttpDriver implements MesosDriver {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #backoff: BackoffOptions;
  readonly #heartbeatFactor: number;
  readonly #subscribeTimeoutMs: number;
  readonly #maxRedirects: number;
  readonly #maxRecordBytes: number;
  readonly #masters: readonly URL[];
  readonly #calls: CallSender;
  /** The unordered lane of ACKNOWLEDGE and RECONCILE (see `ackConnections`). */
  readonly #acks: CallSender;
  /** The call types sent as parallel calls on `#calls` (see `parallelCalls`). */
  readonly #parallel: ReadonlySet<string>;

  #state: LinkState = 'connecting';
  #since: number;
  #lastError: string | undefined;
  /** Failed SUBSCRIBE attempts since the last SUBSCRIBED. */
  #attempts = 0;
  /** Link losses and failed attempts since the last SUBSCRIBED: the back-off exponent. */
  #failures = 0;
  #everSubscribed = false;
  /** The master list entry last tried, and the endpoint in use (a redirect target may be outside the list). */
  #masterIndex = 0;
  #endpoint: URL;
  /** The origin of the master in use, or last tried (after redirects): `status().master`. */
  #master: string;

  #framework: MesosFrameworkInfo | undefined;
  #listener: MesosEventListener | undefined;
  #frameworkId: string | undefined;

  /** Bumped whenever the current stream is dropped: callbacks of older streams are ignored. */
  #generation = 0;
  #stream: StreamHandle | undefined;
  #streamId: string | undefined;
  /** SUBSCRIBED arrived on the current stream. */
  #subscribed = false;
  #lastActivity = 0;
  #watchdogMs = 0;
  #cancelSubscribeTimer: CancelTimer | undefined;
  #cancelWatchdog: CancelTimer | undefined;
  #cancelRetry: CancelTimer | undefined;

  #eventsReceived = 0;

  constructor(options: MesosHttpDriverOptions) {
    if (options.masters.length === 0) throw new TypeError('mesos-http: masters must list at least one URL');
    this.#masters = options.masters.map(schedulerEndpoint);
    this.#endpoint = this.#masters[0]!;
    this.#master = this.#endpoint.origin;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? {};
    this.#heartbeatFactor = positive(
      options.heartbeatFactor,
      MESOS_HTTP_DEFAULTS.heartbeatFactor,
      'heartbeatFactor',
    );
    this.#subscribeTimeoutMs = positive(
      options.subscribeTimeoutMs,
      MESOS_HTTP_DEFAULTS.subscribeTimeoutMs,
      'subscribeTimeoutMs',
    );
    this.#maxRedirects = options.maxRedirects ?? MESOS_HTTP_DEFAULTS.maxRedirects;
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.#calls = new CallSender({
      clock: this.#clock,
      callTimeoutMs: positive(options.callTimeoutMs, MESOS_HTTP_DEFAULTS.callTimeoutMs, 'callTimeoutMs'),
      connections: positive(options.callConnections, MESOS_HTTP_DEFAULTS.callConnections, 'callConnections'),
      parallelConnections: positive(
        options.parallelConnections,
        MESOS_HTTP_DEFAULTS.parallelConnections,
        'parallelConnections',
      ),
    });
    this.#parallel = new Set(options.parallelCalls ?? MESOS_HTTP_DEFAULTS.parallelCalls);
    this.#acks = new CallSender({
      clock: this.#clock,
      callTimeoutMs: positive(options.callTimeoutMs, MESOS_HTTP_DEFAULTS.callTimeoutMs, 'callTimeoutMs'),
      connections: positive(options.ackConnections, MESOS_HTTP_DEFAULTS.ackConnections, 'ackConnections'),
    });
    this.#since = this.#clock.now();
  }

  /** Events decoded from the stream so far, every type (for tests to settle on). */
  get eventsReceived(): number {
    return this.#eventsReceived;
  }

  /** Calls sent and not answered yet (for tests to settle on). */
  get callsInFlight(): number {
    return this.#calls.pending + this.#acks.pending;
  }

  /**
   * A SUBSCRIBE attempt is open and its SUBSCRIBED has not arrived yet (for tests to settle on: the answer
   * comes over the wire, with no timer to advance). False while waiting out the back-off before the next one.
   */
  get subscribing(): boolean {
    return this.#stream !== undefined && !this.#subscribed;
  }

  /** The link now: state, master in use, since when, framework id, last error, failed attempts. */
  status(): MesosLinkStatus {
    return {
      state: this.#state,
      master: this.#master,
      since: this.#since,
      ...(this.#frameworkId === undefined ? {} : { frameworkId: this.#frameworkId }),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      attempts: this.#attempts,
    };
  }

  /**
   * Starts subscribing in the background and resolves at once; the listener gets SUBSCRIBED on each success.
   * `framework.id`, when given, is the framework to fail over to. Called once, and again only once the master
   * removed the framework (`removed`): the engine's `allowNewFramework` registers a new framework that way.
   */
  async subscribe(framework: MesosFrameworkInfo, listener: MesosEventListener): Promise<void> {
    if (this.#state === 'closed') throw new TypeError('mesos-http: the driver is disposed');
    if (this.#listener !== undefined && this.#state !== 'removed')
      throw new TypeError(
        'mesos-http: subscribe() is called once (again only after the framework was removed)',
      );
    if (this.#state === 'removed') {
      // A new registration: no back-off or failed attempts carried over from the removed framework.
      this.#everSubscribed = false;
      this.#attempts = 0;
      this.#failures = 0;
      this.#transition('connecting', undefined);
    }
    this.#framework = framework;
    this.#listener = listener;
    this.#frameworkId = framework.id?.value;
    this.#logger.info(
      { master: this.#endpoint.origin, frameworkId: this.#frameworkId },
      'mesos: subscribing',
    );
    this.#attempt();
  }

  /**
   * Sends one call with `framework_id` and the stream id; resolves on 202, else rejects with MesosCallError.
   * Calls wait in one FIFO and go out at most `callConnections` at a time, in the order they were made,
   * except that consecutive `parallelCalls` (ACCEPT, DECLINE) go out `parallelConnections` at a time
   * (ACKNOWLEDGE and RECONCILE in a lane of their own, `ackConnections` at a time, in no order); one
   * still waiting when the link drops is refused (`not-subscribed`), never sent with a stale stream id.
   */
  call(call: MesosCall): Promise<void> {
    const frameworkId = this.#frameworkId;
    if (this.#state !== 'subscribed' || frameworkId === undefined || this.#streamId === undefined) {
      return Promise.reject(this.#notSubscribed(call));
    }
    const body = JSON.stringify({ ...call, framework_id: { value: frameworkId } });
    const generation = this.#generation;
    // Asked when the call's turn comes: the stream it was made on, if still the current one.
    const target = () =>
      generation === this.#generation && this.#state === 'subscribed' && this.#streamId !== undefined
        ? { endpoint: this.#endpoint, streamId: this.#streamId }
        : undefined;
    const lane = call.type === 'ACKNOWLEDGE' || call.type === 'RECONCILE' ? this.#acks : this.#calls;
    return lane
      .send(body, call.type, target, this.#parallel.has(call.type))
      .catch((error: MesosCallError) => {
        this.#callFailed(generation, call, error);
        throw error;
      });
  }

  #notSubscribed(call: MesosCall): MesosCallError {
    return new MesosCallError(
      'not-subscribed',
      503,
      `mesos-http: ${call.type} refused: not subscribed (${this.#state})`,
    );
  }

  /** Closes the stream and every connection; the framework stays registered until its failover timeout. */
  async dispose(): Promise<void> {
    if (this.#state === 'closed') return;
    const stream = this.#stream;
    this.#dropStream();
    this.#cancelRetry?.();
    this.#transition('closed', undefined);
    await Promise.all([stream?.closed, this.#calls.dispose(), this.#acks.dispose()]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  // --- the subscription ---------------------------------------------------------------------------------

  /** One SUBSCRIBE attempt at the endpoint in use, guarded by the subscribe timeout. */
  #attempt(): void {
    this.#cancelRetry = undefined;
    if (this.#state === 'closed' || this.#state === 'removed') return;
    const generation = ++this.#generation;
    this.#master = this.#endpoint.origin;
    this.#cancelSubscribeTimer = this.#clock.setTimer(this.#subscribeTimeoutMs, () =>
      this.#lost(generation, `no SUBSCRIBED within ${this.#subscribeTimeoutMs} ms`),
    );
    this.#stream = openStream(
      this.#endpoint,
      JSON.stringify(this.#subscribeBody()),
      {
        opened: (streamId, endpoint) => {
          if (generation !== this.#generation) return;
          this.#endpoint = endpoint;
          this.#master = endpoint.origin;
          // Every call needs the stream id (spec/mesos-v1.md §1): a stream without one is of no use.
          if (streamId === undefined || streamId === '')
            return this.#lost(generation, `${endpoint.origin} answered SUBSCRIBE without a Mesos-Stream-Id`);
          this.#streamId = streamId;
          this.#lastActivity = this.#clock.now();
        },
        data: (records) => this.#receive(generation, records),
        failed: (failure) => this.#streamFailed(generation, failure),
      },
      { maxRedirects: this.#maxRedirects, maxRecordBytes: this.#maxRecordBytes },
    );
  }

  /** SUBSCRIBE, with the framework id in both places once known (spec/mesos-v1.md §4 "Re-SUBSCRIBE"). */
  #subscribeBody(): object {
    const id = this.#frameworkId;
    const framework = this.#framework!;
    if (id === undefined) return { type: 'SUBSCRIBE', subscribe: { framework_info: framework } };
    return {
      type: 'SUBSCRIBE',
      framework_id: { value: id },
      subscribe: { framework_info: { ...framework, id: { value: id } } },
    };
  }

  #receive(generation: number, records: readonly string[]): void {
    if (generation !== this.#generation) return;
    this.#lastActivity = this.#clock.now();
    for (const text of records) {
      if (generation !== this.#generation) return;
      if (text === '') continue;
      const event = parseEvent(text);
      if (event === undefined) {
        this.#lost(generation, 'an event that is not a JSON object with a type');
        return;
      }
      this.#eventsReceived++;
      this.#handle(generation, event);
    }
  }

  #handle(generation: number, event: { readonly type: string }): void {
    if (!KNOWN_EVENTS.has(event.type)) return;
    const known = event as MesosEvent;
    if (known.type === 'SUBSCRIBED') {
      this.#onSubscribed(generation, known.subscribed);
    } else if (!this.#subscribed && known.type !== 'ERROR') {
      this.#logger.debug({ type: known.type }, 'mesos: event before SUBSCRIBED ignored');
      return;
    }
    this.#deliver(known);
    if (known.type === 'ERROR' && generation === this.#generation) {
      const message = String(known.error?.message ?? '');
      if (REMOVED.test(message)) this.#removed(message);
      else this.#lost(generation, `ERROR event: ${message}`);
    }
  }

  #onSubscribed(
    generation: number,
    subscribed: Extract<MesosEvent, { type: 'SUBSCRIBED' }>['subscribed'] | undefined,
  ): void {
    const id = subscribed?.framework_id?.value;
    if (typeof id === 'string' && id !== '') this.#frameworkId = id;
    this.#cancelSubscribeTimer?.();
    this.#cancelSubscribeTimer = undefined;
    this.#subscribed = true;
    this.#everSubscribed = true;
    this.#attempts = 0;
    this.#failures = 0;
    const interval = subscribed?.heartbeat_interval_seconds;
    const seconds =
      typeof interval === 'number' && interval > 0 ? interval : MESOS_HTTP_DEFAULTS.heartbeatIntervalSeconds;
    this.#watchdogMs = seconds * this.#heartbeatFactor * 1000;
    this.#armWatchdog(generation, this.#watchdogMs);
    this.#transition('subscribed', undefined);
  }

  /** Fires when the window may have passed; re-arms for the rest when a byte came meanwhile. */
  #armWatchdog(generation: number, delayMs: number): void {
    this.#cancelWatchdog = this.#clock.setTimer(delayMs, () => {
      if (generation !== this.#generation) return;
      const silentMs = this.#clock.now() - this.#lastActivity;
      if (silentMs >= this.#watchdogMs) this.#lost(generation, `no event for ${silentMs} ms (watchdog)`);
      else this.#armWatchdog(generation, this.#watchdogMs - silentMs);
    });
  }

  #deliver(event: MesosEvent): void {
    try {
      this.#listener?.(event);
    } catch (error) {
      this.#logger.error({ err: error, type: event.type }, 'mesos: event listener threw');
    }
  }

  #streamFailed(generation: number, failure: StreamFailure): void {
    if (generation !== this.#generation) return;
    const where = failure.endpoint.origin;
    if (failure.kind === 'http' && failure.status === 403 && REMOVED.test(failure.message)) {
      this.#master = failure.endpoint.origin;
      this.#removed(failure.message);
      return;
    }
    const status = failure.status === undefined ? '' : ` ${failure.status}`;
    const text = failure.message === '' ? '' : `: ${failure.message}`;
    this.#master = failure.endpoint.origin;
    this.#lost(generation, `${failure.kind}${status} from ${where}${text}`);
  }

  /** A call answered 307, 403 or 503: the link is bad, re-subscribe (at the 307's target). */
  #callFailed(generation: number, call: MesosCall, error: MesosCallError): void {
    if (error.failure !== 'http' || generation !== this.#generation) return;
    if (error.status === 307) {
      const target = redirectTarget(error.body, this.#endpoint);
      this.#lost(generation, `${call.type} answered 307: the leader moved`, target);
    } else if (error.status === 403 || error.status === 503) {
      this.#lost(generation, `${call.type} answered ${error.status}: ${error.body}`);
    }
  }

  /**
   * The current stream (or attempt) is dead: drop it and re-subscribe after the back-off. A failed attempt
   * moves to the next master; a lost stream retries the master in use (or `redirect`) first.
   */
  #lost(generation: number, reason: string, redirect?: URL): void {
    if (generation !== this.#generation || this.#state === 'closed' || this.#state === 'removed') return;
    const wasSubscribed = this.#subscribed;
    this.#dropStream();
    if (!wasSubscribed) this.#attempts++;
    if (redirect !== undefined) this.#endpoint = redirect;
    else if (!wasSubscribed) this.#nextMaster();
    const delayMs = backoffDelay(this.#failures, this.#random, this.#backoff);
    this.#failures++;
    this.#transition(this.#everSubscribed ? 'reconnecting' : 'connecting', reason, {
      retryInMs: delayMs,
      next: this.#endpoint.origin,
    });
    this.#cancelRetry = this.#clock.setTimer(delayMs, () => this.#attempt());
  }

  #nextMaster(): void {
    if (this.#masters.length === 1) {
      this.#endpoint = this.#masters[0]!;
      return;
    }
    this.#masterIndex = (this.#masterIndex + 1) % this.#masters.length;
    this.#endpoint = this.#masters[this.#masterIndex]!;
  }

  #removed(message: string): void {
    this.#dropStream();
    this.#cancelRetry?.();
    this.#transition('removed', message);
  }

  /** Forgets the current stream: its callbacks are ignored from now on. */
  #dropStream(): void {
    this.#generation++;
    this.#stream?.close();
    this.#stream = undefined;
    this.#streamId = undefined;
    this.#subscribed = false;
    this.#cancelSubscribeTimer?.();
    this.#cancelSubscribeTimer = undefined;
    this.#cancelWatchdog?.();
    this.#cancelWatchdog = undefined;
  }

  #transition(state: LinkState, lastError: string | undefined, fields: object = {}): void {
    const changed = state !== this.#state;
    this.#state = state;
    this.#lastError = lastError;
    if (changed) this.#since = this.#clock.now();
    const line = {
      state,
      master: this.#master,
      frameworkId: this.#frameworkId,
      attempts: this.#attempts,
      ...(lastError === undefined ? {} : { reason: lastError }),
      ...fields,
    };
    if (state === 'subscribed') this.#logger.info(line, 'mesos: subscribed');
    else if (state === 'closed') this.#logger.info(line, 'mesos: driver closed');
    else if (state === 'removed')
      this.#logger.error(
        line,
        'mesos: the master removed this framework (failover timeout expired or torn down); not re-subscribing: a new framework would orphan its tasks',
      );
    else this.#logger.warn(line, changed ? `mesos: link ${state}` : 'mesos: SUBSCRIBE attempt failed');
  }
}

/** Builds a {@link MesosHttpDriver} (the factory form of the constructor). */
export function createMesosHttpDriver(options: MesosHttpDriverOptions): MesosHttpDriver {
  return new MesosHttpDriver(options);
}

function parseEvent(text: string): { readonly type: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string')
    return undefined;
  return value as { readonly type: string };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value))
    throw new TypeError(`mesos-http: ${name} must be a positive number`);
  return value;
}
