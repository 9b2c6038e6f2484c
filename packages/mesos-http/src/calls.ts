import { type ClientRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Clock } from '@bcs/core';
import { MesosCallError } from './errors.js';
import { post, readText, redirectTarget } from './wire.js';

/** Where a call goes when its turn comes: the stream's endpoint and id, or undefined when not subscribed. */
export interface CallTarget {
  readonly endpoint: URL;
  readonly streamId: string;
}

export interface CallSenderOptions {
  readonly clock: Clock;
  /** A call with no answer this long after it went on the wire fails (`timeout`, 504). */
  readonly callTimeoutMs: number;
  /** Ordered calls on the wire at once (keep-alive connections). */
  readonly connections: number;
  /**
   * Parallel calls (`send(…, parallel = true)`) on the wire at once. Default 1. Consecutive parallel calls in
   * the FIFO go out together, up to this many; an ordered call waits until every call queued before it is
   * answered, and a parallel call waits for the ordered calls queued before it.
   */
  readonly parallelConnections?: number;
}

interface Waiting {
  readonly body: string;
  readonly label: string;
  readonly target: () => CallTarget | undefined;
  readonly parallel: boolean;
  readonly resolve: () => void;
  readonly reject: (error: MesosCallError) => void;
}

/**
 * Sends the driver's calls: one FIFO, at most `connections` POSTs on the wire at once on keep-alive agents,
 * so calls reach the master in the order they were made with `connections` = 1. Calls sent as `parallel`
 * (ACCEPT and DECLINE of distinct offers, which do not depend on one another) go out up to
 * `parallelConnections` at a time while they follow one another in the FIFO, and never overlap an ordered
 * call: one made after them waits for their answers, one made before them is answered first. The FIFO is the sender's own
 * (Node's agent queue dequeues in O(n): a burst of 20 000 calls queued there slowed down quadratically).
 *
 * Each call's target is asked when its turn comes: a call whose stream is gone by then is refused
 * (`not-subscribed`), never sent with a stale stream id.
 */
export class CallSender {
  readonly #clock: Clock;
  readonly #callTimeoutMs: number;
  readonly #connections: number;
  readonly #agents: { readonly http: HttpAgent; readonly https: HttpsAgent };
  readonly #requests = new Set<ClientRequest>();
  /** Waiting calls, oldest at `#head`. */
  #queue: (Waiting | undefined)[] = [];
  #head = 0;
  #sending = 0;
  /** Of `#sending`, the parallel calls. */
  #sendingParallel = 0;
  readonly #parallelConnections: number;
  #pending = 0;
  #closed = false;

  constructor(options: CallSenderOptions) {
    this.#clock = options.clock;
    this.#callTimeoutMs = options.callTimeoutMs;
    this.#connections = options.connections;
    this.#parallelConnections = options.parallelConnections ?? 1;
    const agent = { keepAlive: true, maxSockets: Math.max(options.connections, this.#parallelConnections) };
    this.#agents = { http: new HttpAgent(agent), https: new HttpsAgent(agent) };
  }

  /** Calls waiting or on the wire. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues one call (`label` names it in errors). Resolves on 202; rejects with {@link MesosCallError}: the
   * master's status (a 307's `Location`, resolved, as `body`), `network`, `timeout`, `closed`, or
   * `not-subscribed` when `target()` gives nothing at its turn. A `parallel` call may be on the wire with the
   * parallel calls next to it in the FIFO (see the class).
   */
  send(body: string, label: string, target: () => CallTarget | undefined, parallel = false): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#pending++;
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ body, label, target, parallel, resolve, reject });
      this.#pump();
    }).finally(() => {
      this.#pending--;
    });
  }

  /** Refuses waiting calls, fails those on the wire (`closed`), and closes every connection. */
  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const req of this.#requests) req.destroy();
    this.#pump();
    const agents = [this.#agents.http, this.#agents.https];
    const sockets = agents.flatMap((agent) => [
      ...Object.values(agent.sockets).flat(),
      ...Object.values(agent.freeSockets).flat(),
    ]);
    for (const agent of agents) agent.destroy();
    await Promise.all(
      sockets.map((socket) =>
        socket === undefined || socket.closed ? undefined : new Promise((r) => socket.once('close', r)),
      ),
    );
  }

  /** The call at the FIFO's head may go on the wire now (see the class). */
  #mayGo(waiting: Waiting): boolean {
    if (this.#closed) return true;
    const ordered = this.#sending - this.#sendingParallel;
    return waiting.parallel
      ? ordered === 0 && this.#sendingParallel < this.#parallelConnections
      : this.#sendingParallel === 0 && ordered < this.#connections;
  }

  #pump(): void {
    while (this.#head < this.#queue.length && this.#mayGo(this.#queue[this.#head]!)) {
      const waiting = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      if (this.#closed) {
        waiting.reject(closedError());
        continue;
      }
      const target = waiting.target();
      if (target === undefined) {
        waiting.reject(
          new MesosCallError('not-subscribed', 503, `mesos-http: ${waiting.label} refused: not subscribed`),
        );
        continue;
      }
      this.#sending++;
      if (waiting.parallel) this.#sendingParallel++;
      const done = () => {
        this.#sending--;
        if (waiting.parallel) this.#sendingParallel--;
      };
      this.#post(target, waiting.body).then(
        () => {
          done();
          waiting.resolve();
          this.#pump();
        },
        (error: MesosCallError) => {
          done();
          waiting.reject(error);
          this.#pump();
        },
      );
    }
  }

  /** One POST; resolves on 202. */
  #post({ endpoint, streamId }: CallTarget, body: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const agent = endpoint.protocol === 'https:' ? this.#agents.https : this.#agents.http;
      const req = post(
        endpoint,
        {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Mesos-Stream-Id': streamId,
          'Content-Length': String(Buffer.byteLength(body)),
        },
        agent,
      );
      this.#requests.add(req);
      let settled = false;
      let answered = false;
      const settle = (error?: MesosCallError) => {
        if (settled) return;
        settled = true;
        cancelTimeout();
        this.#requests.delete(req);
        if (error === undefined) resolve();
        else reject(error);
      };
      const cancelTimeout = this.#clock.setTimer(this.#callTimeoutMs, () => {
        settle(new MesosCallError('timeout', 504, `mesos-http: no answer within ${this.#callTimeoutMs} ms`));
        req.destroy();
      });
      req.on('response', (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        if (status === 202) {
          res.resume();
          return settle();
        }
        if (status === 307) {
          res.resume();
          const location = redirectTarget(res.headers.location, endpoint)?.href ?? '';
          return settle(
            new MesosCallError('http', 307, 'mesos-http: master answered 307', { body: location }),
          );
        }
        void readText(res).then((text) =>
          settle(
            new MesosCallError('http', status, `mesos-http: master answered ${status}: ${text}`, {
              body: text,
            }),
          ),
        );
      });
      req.on('error', (error) =>
        settle(
          this.#closed
            ? closedError(error)
            : new MesosCallError('network', 503, `mesos-http: ${error.message}`, { cause: error }),
        ),
      );
      req.on('close', () => {
        if (!answered)
          settle(
            this.#closed
              ? closedError()
              : new MesosCallError('closed', 503, 'mesos-http: the connection closed before an answer'),
          );
      });
      req.end(body);
    });
  }
}

function closedError(cause?: unknown): MesosCallError {
  return new MesosCallError('closed', 503, 'mesos-http: the driver was disposed', {
    ...(cause === undefined ? {} : { cause }),
  });
}
