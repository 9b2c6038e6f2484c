import type { EventMessage, EventSource, Logger, SubscribeOptions } from '@bcs/core';
import type { WebSocket } from 'ws';
import { CloseCode } from './close-code.js';
import { carriesSnapshot, type Encoder } from './encoder.js';
import type { RequestedSubscription } from './handshake.js';
import type { KeepAlivePeer } from './keepalive.js';

/**
 * ws's `WebSocket.OPEN`, hard-coded so this module imports only ws's types (tRPC's `ws.ts` does the same, for
 * the same reason: the adapter works with any ws-compatible socket object).
 */
const OPEN = 1;

/** How often a connection past its bound checks whether the client has drained it. */
const DRAIN_POLL_MS = 20;

/** The counters a stream reports in `stats()`, updated by every connection. */
export interface StreamCounters {
  slowConsumerCloses: number;
  maxBufferedBytesSeen: number;
  messagesSent: number;
}

/** What a connection shares with its stream. */
export interface ConnectionContext {
  readonly events: EventSource;
  readonly encoder: Encoder;
  readonly maxBufferedBytes: number;
  readonly closeGraceMs: number;
  readonly stallTimeoutMs: number;
  readonly maxBatch: number | undefined;
  readonly logger: Logger;
  readonly counters: StreamCounters;
  /** Called once, when the socket has closed (for any reason). */
  onClosed(connection: Connection): void;
}

/**
 * One upgraded socket and its subscription. It pulls a message, sends it, and pulls the next only while the
 * socket's unsent data (`bufferedAmount`) stays within `maxBufferedBytes`: memory per connection is bounded by
 * that plus one message, and nothing is queued in userland beyond what ws itself buffers. Past the bound it
 * waits for the client to drain to half of it; a client that does not within `stallTimeoutMs` is closed as a
 * slow consumer (4008, with the position to resume from).
 */
export class Connection implements KeepAlivePeer {
  /** Answered the last ping (see keepalive.ts). A new connection counts as alive. */
  alive = true;
  /** Settles when the socket has closed. */
  readonly closed: Promise<void>;

  private readonly abort = new AbortController();
  private iterator: AsyncIterator<EventMessage> | undefined;
  /** The position the client has been sent up to: where it resumes with `since` (see {@link lastSeq}). */
  private position: number | undefined;
  /** The subscription has ended: pull nothing more. */
  private ended = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** The peer's `address:port`, for logs. */
    readonly remote: string,
    private readonly context: ConnectionContext,
  ) {
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        this.onSocketClosed(code);
        resolve();
      });
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    // Protocol errors (an oversized or malformed client frame) close the socket themselves; just note them.
    ws.on('error', (error: Error) => context.logger.debug({ err: error, remote }, 'ws-events: socket error'));
    // Client messages are not part of the protocol: no 'message' listener, ws drops them (maxPayload bounds them).
  }

  /**
   * The sequence number to resume from after this connection: the last event sent, else the snapshot or resync point,
   * else the `since` asked for, else the hello's. (Not the hello's when `since` was given: the events between
   * `since` and the hello's `seq` are still to come, and resuming from the hello would skip them.)
   */
  get lastSeq(): number {
    return this.position ?? 0;
  }

  /** Subscribes with the handshake's filter and start, and starts sending. */
  start(subscription: RequestedSubscription): void {
    this.position = subscription.since;
    const options: SubscribeOptions = {
      ...subscription,
      signal: this.abort.signal,
      ...(this.context.maxBatch === undefined ? {} : { maxBatch: this.context.maxBatch }),
    };
    try {
      this.iterator = this.context.events.subscribe(options);
    } catch (error) {
      this.fail(error);
      return;
    }
    void this.pump(this.iterator);
  }

  /** Ends the subscription and closes the socket with `code`; terminates it if the handshake takes too long. */
  shutdown(code: number, reason: string): Promise<void> {
    this.endSubscription();
    if (this.ws.readyState === OPEN) {
      try {
        this.ws.close(code, reason);
      } catch (error) {
        this.context.logger.debug({ err: error, remote: this.remote }, 'ws-events: close failed');
        this.ws.terminate();
      }
    }
    this.graceTimer ??= setTimeout(() => this.ws.terminate(), this.context.closeGraceMs);
    return this.closed;
  }

  ping(): void {
    try {
      this.ws.ping();
    } catch {
      // Not open any more: the 'close' event is on its way.
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  private async pump(iterator: AsyncIterator<EventMessage>): Promise<void> {
    try {
      while (!this.ended) {
        const next = await iterator.next();
        if (this.ended) return;
        if (next.done === true) {
          this.context.logger.info({ remote: this.remote }, 'ws-events: event source ended the subscription');
          void this.shutdown(CloseCode.GoingAway, 'event source ended');
          return;
        }
        // A snapshot is encoded in chunks, yielding between them; nothing else is pulled meanwhile (order).
        const encoded = carriesSnapshot(next.value)
          ? await this.context.encoder.encodeSnapshot(next.value)
          : undefined;
        if (this.ended) return;
        if (this.ws.readyState !== OPEN) {
          this.endSubscription();
          return;
        }
        this.send(next.value, encoded);
        if (this.ws.bufferedAmount > this.context.maxBufferedBytes && !(await this.drained())) {
          if (!this.ended) this.closeSlowConsumer();
          return;
        }
        // Let I/O and the other connections run before pulling more: a source with a long backlog resolves
        // next() at once, and without this one connection would hold the event loop until its socket filled.
        await nextMacrotask();
      }
    } catch (error) {
      if (!this.ended) this.fail(error);
    }
  }

  /**
   * Waits until the client has read the socket down to half the bound (true), or `stallTimeoutMs` passed, or
   * the connection ended (false). Polls: ws has no event for its own buffer draining.
   */
  private async drained(): Promise<boolean> {
    const { maxBufferedBytes, stallTimeoutMs } = this.context;
    const deadline = Date.now() + stallTimeoutMs;
    while (!this.ended && this.ws.readyState === OPEN) {
      if (this.ws.bufferedAmount <= maxBufferedBytes / 2) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, left)));
    }
    return false;
  }

  /** Sends `message`, as `encoded` when given (its bytes, already built), else encoded now. */
  private send(message: EventMessage, encoded?: Buffer): void {
    const { counters } = this.context;
    counters.maxBufferedBytesSeen = Math.max(counters.maxBufferedBytesSeen, this.ws.bufferedAmount);
    this.ws.send(encoded ?? this.context.encoder.encode(message), { binary: false });
    counters.messagesSent += 1;
    counters.maxBufferedBytesSeen = Math.max(counters.maxBufferedBytesSeen, this.ws.bufferedAmount);
    this.advance(message);
  }

  private advance(message: EventMessage): void {
    switch (message.type) {
      case 'hello':
        this.position ??= message.seq;
        break;
      case 'events': {
        const last = message.events.at(-1);
        if (last !== undefined) this.position = last.seq;
        break;
      }
      case 'snapshot':
      case 'resync':
        this.position = message.seq;
        break;
    }
  }

  private closeSlowConsumer(): void {
    this.context.counters.slowConsumerCloses += 1;
    this.context.logger.warn(
      {
        remote: this.remote,
        lastSeq: this.lastSeq,
        bufferedAmount: this.ws.bufferedAmount,
        maxBufferedBytes: this.context.maxBufferedBytes,
      },
      'ws-events: slow consumer closed',
    );
    // At most 28 bytes ({"lastSeq":<15 digits>}), well under the 123-byte limit of a close reason.
    void this.shutdown(CloseCode.SlowConsumer, JSON.stringify({ lastSeq: this.lastSeq }));
  }

  private fail(error: unknown): void {
    this.context.logger.error({ err: error, remote: this.remote }, 'ws-events: subscription failed');
    void this.shutdown(CloseCode.SubscriptionFailed, 'subscription failed');
  }

  /** Stops pulling and lets the source free its cursor: aborts the signal and calls `return()`. */
  private endSubscription(): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    const iterator = this.iterator;
    if (iterator?.return === undefined) return;
    const onError = (error: unknown) =>
      this.context.logger.debug({ err: error, remote: this.remote }, 'ws-events: subscription return failed');
    try {
      Promise.resolve(iterator.return()).catch(onError);
    } catch (error) {
      onError(error);
    }
  }

  private onSocketClosed(code: number): void {
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.endSubscription();
    this.context.logger.debug({ remote: this.remote, code, lastSeq: this.lastSeq }, 'ws-events: closed');
    this.context.onClosed(this);
  }
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
