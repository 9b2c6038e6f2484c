import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BcsError,
  type CancelTimer,
  type Clock,
  type Logger,
  type MesosEvent,
  type MesosTaskState,
  silentLogger,
} from '@bcs/core';
import { Prng } from '../prng.js';
import type { SimulatedCluster } from '../simulated-cluster.js';
import { EXECUTOR_ADMIN_MAX_BODY, executorAdmin } from './admin-executor.js';
import { encodeRecord, splitAtRandom } from './recordio.js';

/** Options of {@link MesosSimServer}. */
export interface MesosSimServerOptions {
  /** The state; the server only adds the wire. */
  readonly cluster: SimulatedCluster;
  /** Heartbeats, the recovery window after a leader switch or restart (and the cluster's failover timeout). */
  readonly clock: Clock;
  /** 1 (default) or more; only the leader serves, the others answer 307 to it. */
  readonly masters?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** One per master; 0 = ephemeral (the default). */
  readonly ports?: readonly number[];
  /** `heartbeat_interval_seconds` in SUBSCRIBED, and how often HEARTBEAT is written (default 15). */
  readonly heartbeatSeconds?: number;
  /** Strict schema check of each call body: a message means 400 with it. */
  readonly checkCall?: (body: unknown) => string | undefined;
  /** Strict schema check of each event written: a message makes the write throw (tests see it as uncaught). */
  readonly checkEvent?: (event: unknown) => string | undefined;
  readonly logger?: Logger;
  /** Seeds stream ids and re-chunking boundaries (default 1). */
  readonly seed?: number;
  /** Keep every call received for `GET /admin/calls` (default true). */
  readonly recordCalls?: boolean;
  /** Largest request body accepted; larger ones get 413 (default 16 MiB). */
  readonly maxBodyBytes?: number;
}

/** Faults a test (or `POST /admin/faults`) injects into the simulator's wire. */
export interface SimFaults {
  /** Stops heartbeats and events on the current stream (the socket stays open; what is not written is lost). */
  silence(on: boolean): void;
  /** Destroys the subscription's socket: the framework is disconnected (its failover timeout starts). */
  dropStream(): void;
  /** The next master leads; the stream is dropped; the new leader answers 503 for `recoveringMs` (1000). */
  switchLeader(options?: { recoveringMs?: number }): void;
  /** The same leader restarts: the stream is dropped; 503 for `recoveringMs` (1000). */
  restartMaster(options?: { recoveringMs?: number }): void;
  /** Every UPDATE is written twice. */
  duplicateUpdates(on: boolean): void;
  /** The cluster's `loseAgent`: RESCIND, FAILURE, TASK_LOST (TASK_GONE when partition-aware). */
  loseAgent(agentId: string): void;
  /** Stream bytes are written in random-size chunks at random (seeded) boundaries. */
  rechunk(on: boolean): void;
}

const SCHEDULER_PATH = '/api/v1/scheduler';
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const DEFAULT_RECOVERING_MS = 1000;
/** The states an executor reports (`POST /admin/status`). */
const EXECUTOR_STATES: ReadonlySet<string> = new Set<MesosTaskState>([
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
]);

interface Subscription {
  readonly id: string;
  readonly res: ServerResponse;
  frameworkId: string | undefined;
  /** Ended by the server (ERROR, TEARDOWN, close): its socket closing is not a lost connection. */
  ended: boolean;
  silent: boolean;
  pending: Buffer[];
  flushScheduled: boolean;
  heartbeat: CancelTimer | undefined;
}

class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The simulated master's HTTP face: Mesos' v1 scheduler API (`POST /api/v1/scheduler`, JSON, RecordIO stream)
 * over a {@link SimulatedCluster}, with one listener per master, fault injection and admin endpoints. The
 * package README ("HTTP face") lists the rules it enforces.
 */
export class MesosSimServer {
  readonly #cluster: SimulatedCluster;
  readonly #clock: Clock;
  readonly #host: string;
  readonly #heartbeatMs: number;
  readonly #checkCall: MesosSimServerOptions['checkCall'];
  readonly #checkEvent: MesosSimServerOptions['checkEvent'];
  readonly #logger: Logger;
  readonly #prng: Prng;
  readonly #recordCalls: boolean;
  readonly #maxBody: number;
  readonly #servers: Server[] = [];
  readonly #calls: unknown[] = [];
  /** The `Mesos-Stream-Id` header of each recorded call (null: none), index for index with `#calls`. */
  readonly #callStreams: (string | null)[] = [];
  #ports: number[] = [];
  #leader = 0;
  #recoveringUntil = Number.NEGATIVE_INFINITY;
  #current: Subscription | undefined;
  #eventsWritten = 0;
  #duplicate = false;
  #rechunk = false;
  #closing = false;
  readonly faults: SimFaults;

  private constructor(options: MesosSimServerOptions) {
    this.#cluster = options.cluster;
    this.#clock = options.clock;
    this.#host = options.host ?? '127.0.0.1';
    const heartbeatSeconds = options.heartbeatSeconds ?? 15;
    if (!(heartbeatSeconds > 0) || !Number.isFinite(heartbeatSeconds))
      throw new RangeError('MesosSimServer: heartbeatSeconds must be > 0');
    this.#heartbeatMs = heartbeatSeconds * 1000;
    this.#checkCall = options.checkCall;
    this.#checkEvent = options.checkEvent;
    this.#logger = options.logger ?? silentLogger;
    this.#prng = new Prng(options.seed ?? 1);
    this.#recordCalls = options.recordCalls ?? true;
    this.#maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.faults = {
      silence: (on) => {
        if (this.#current !== undefined) this.#current.silent = on;
      },
      dropStream: () => this.#dropStream('dropStream'),
      switchLeader: (o) => {
        this.#dropStream('switchLeader');
        this.#leader = (this.#leader + 1) % this.#servers.length;
        this.#recover(o?.recoveringMs);
        this.#logger.info({ leader: this.leaderUrl }, 'mesos-sim: leader switched');
      },
      restartMaster: (o) => {
        this.#dropStream('restartMaster');
        this.#recover(o?.recoveringMs);
      },
      duplicateUpdates: (on) => {
        this.#duplicate = on;
      },
      loseAgent: (agentId) => this.#cluster.loseAgent(agentId),
      rechunk: (on) => {
        this.#rechunk = on;
      },
    };
  }

  /** Opens the cluster and listens on one port per master (127.0.0.1 and ephemeral ports by default). */
  static async start(options: MesosSimServerOptions): Promise<MesosSimServer> {
    const masters = options.masters ?? 1;
    if (!Number.isInteger(masters) || masters < 1)
      throw new RangeError('MesosSimServer: masters must be ≥ 1');
    if (options.ports !== undefined && options.ports.length !== masters)
      throw new RangeError('MesosSimServer: ports needs one port per master');
    const server = new MesosSimServer(options);
    await options.cluster.open();
    try {
      for (let i = 0; i < masters; i++) await server.#listen(i, options.ports?.[i] ?? 0);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** `http://host:port` per master, in order. */
  get urls(): readonly string[] {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return this.#ports.map((port) => `http://${host}:${port}`);
  }

  /** The leading master's URL. */
  get leaderUrl(): string {
    return this.urls[this.#leader]!;
  }

  /** RecordIO records written to subscription streams so far (duplicates included). */
  get eventsWritten(): number {
    return this.#eventsWritten;
  }

  /** Every call body received on `/api/v1/scheduler` (parsed, rejected ones included), in order. */
  get calls(): readonly unknown[] {
    return this.#calls;
  }

  /** Stops listening and destroys every connection; the cluster is left as it is (dispose it yourself). */
  async close(): Promise<void> {
    this.#closing = true;
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) this.#endSubscription(current, true);
    await Promise.all(
      this.#servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  async #listen(index: number, port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(index, req, res).catch((error: unknown) => {
        this.#logger.error({ err: error }, 'mesos-sim: request failed');
        if (!res.headersSent) reply(res, 500, String((error as Error)?.message ?? error));
        else res.destroy();
      });
    });
    this.#servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#ports[index] = (server.address() as AddressInfo).port;
  }

  async #handle(index: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/admin/')) return this.#admin(path, req, res);
    if (path !== SCHEDULER_PATH) return reply(res, 404, 'Not found');
    try {
      if (req.method !== 'POST') throw new Reject(405, 'Expecting POST', { Allow: 'POST' });
      if (index !== this.#leader) {
        const port = this.#ports[this.#leader];
        const wildcard = this.#host === '0.0.0.0' || this.#host === '::';
        const host = wildcard ? '127.0.0.1' : this.#host.includes(':') ? `[${this.#host}]` : this.#host;
        throw new Reject(307, '', { Location: `//${host}:${port}${SCHEDULER_PATH}` });
      }
      if (this.#clock.now() < this.#recoveringUntil) throw new Reject(503, 'Master is recovering');
      const type = req.headers['content-type'];
      if (type === undefined) throw new Reject(400, "Expecting 'Content-Type' to be present");
      if (mediaType(type) !== 'application/json')
        throw new Reject(415, `Expecting 'Content-Type' of application/json, got '${type}'`);
      const call = parseCall(await readBody(req, this.#maxBody));
      if (this.#recordCalls) {
        this.#calls.push(call);
        const stream = req.headers['mesos-stream-id'];
        this.#callStreams.push(typeof stream === 'string' ? stream : null);
      }
      const problem = this.#checkCall?.(call);
      if (problem !== undefined) throw new Reject(400, `Failed to validate scheduler::Call: ${problem}`);
      if (call.type === 'SUBSCRIBE') return await this.#subscribe(req, res, call);
      await this.#call(req, call);
      res.writeHead(202).end();
    } catch (error) {
      if (!(error instanceof Reject)) throw error;
      if (error.status === 413) {
        res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        res.end(error.message, () => req.destroy());
        return;
      }
      reply(res, error.status, error.message, error.headers);
    }
  }

  async #subscribe(req: IncomingMessage, res: ServerResponse, call: CallBody): Promise<void> {
    if (req.headers['mesos-stream-id'] !== undefined)
      throw new Reject(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    const accept = req.headers.accept;
    if (accept !== undefined && !accepts(accept))
      throw new Reject(406, `Expecting 'Accept' to allow application/json, got '${accept}'`);
    const subscribe = call.subscribe as { framework_info?: unknown } | undefined;
    const info = subscribe?.framework_info as { id?: { value?: unknown }; user?: unknown } | undefined;
    if (info === null || typeof info !== 'object' || typeof info.user !== 'string')
      throw new Reject(400, 'Expecting subscribe.framework_info with a user');
    const requested = (call.framework_id as { value?: unknown } | undefined)?.value;
    if (requested !== undefined && requested !== info.id?.value)
      throw new Reject(400, "'framework_id' differs from 'subscribe.framework_info.id'");
    const subscription: Subscription = {
      id: this.#prng.uuidText(),
      res,
      frameworkId: undefined,
      ended: false,
      silent: false,
      pending: [],
      flushScheduled: false,
      heartbeat: undefined,
    };
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Mesos-Stream-Id': subscription.id,
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    res.on('close', () => this.#lost(subscription));
    // The previous subscription (if any) gets ERROR "Framework failed over" from the cluster and ends itself.
    this.#current = subscription;
    await this.#cluster.subscribe(info as never, (event) => this.#onEvent(subscription, event));
    // The socket closed while the cluster was still opening: that subscription has nobody listening.
    if (subscription.ended && this.#current === undefined && !this.#closing && this.#cluster.subscribed)
      this.#cluster.disconnect();
  }

  async #call(req: IncomingMessage, call: CallBody): Promise<void> {
    const frameworkId = (call.framework_id as { value?: unknown } | undefined)?.value;
    if (typeof frameworkId !== 'string' || frameworkId === '')
      throw new Reject(400, "Expecting 'framework_id' to be present");
    if (frameworkId !== this.#cluster.frameworkId) throw new Reject(403, 'Framework cannot be found');
    const current = this.#current;
    if (current === undefined || current.frameworkId !== frameworkId || !this.#cluster.subscribed)
      throw new Reject(403, 'Framework is not subscribed');
    const streamId = req.headers['mesos-stream-id'];
    if (streamId === undefined)
      throw new Reject(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (streamId !== current.id)
      throw new Reject(400, `The stream ID '${String(streamId)}' included in this request didn't match`);
    try {
      await this.#cluster.call(call as never);
    } catch (error) {
      if (error instanceof BcsError) throw new Reject(error.status, error.message);
      throw error;
    }
    if (call.type === 'TEARDOWN') {
      // The cluster closed its stream; end ours once what it queued before has been written.
      setImmediate(() => {
        if (this.#current === current) this.#current = undefined;
        this.#endSubscription(current, false);
      });
    }
  }

  #onEvent(subscription: Subscription, event: MesosEvent): void {
    if (subscription.ended) return;
    if (event.type === 'HEARTBEAT') return; // the server writes its own, every heartbeatSeconds
    if (event.type === 'SUBSCRIBED') {
      subscription.frameworkId = event.subscribed.framework_id.value;
      this.#write(subscription, this.#subscribedEvent(event));
      this.#write(subscription, { type: 'HEARTBEAT' });
      this.#armHeartbeat(subscription);
      this.#logger.info({ frameworkId: subscription.frameworkId }, 'mesos-sim: framework subscribed');
      return;
    }
    if (event.type === 'ERROR') {
      // Mesos closes the connection after ERROR (failed over, removed): this one is not a lost connection.
      this.#write(subscription, event);
      if (this.#current === subscription) this.#current = undefined;
      this.#endSubscription(subscription, false);
      return;
    }
    if (subscription.silent) return;
    this.#write(subscription, event);
    if (event.type === 'UPDATE' && this.#duplicate) this.#write(subscription, event);
  }

  #subscribedEvent(event: MesosEvent & { type: 'SUBSCRIBED' }): MesosEvent {
    const port = this.#ports[this.#leader] ?? 5050;
    const info = (event.subscribed as { master_info?: Record<string, unknown> }).master_info;
    return {
      ...event,
      subscribed: {
        ...event.subscribed,
        heartbeat_interval_seconds: this.#heartbeatMs / 1000,
        ...(info === undefined
          ? {}
          : {
              master_info: {
                ...info,
                port,
                pid: `master@127.0.0.1:${port}`,
                address: { ...(info.address as object), port },
              },
            }),
      },
    } as MesosEvent;
  }

  #armHeartbeat(subscription: Subscription): void {
    subscription.heartbeat = this.#clock.setTimer(this.#heartbeatMs, () => {
      if (subscription.ended) return;
      if (!subscription.silent) this.#write(subscription, { type: 'HEARTBEAT' });
      this.#armHeartbeat(subscription);
    });
  }

  #write(subscription: Subscription, event: MesosEvent): void {
    const problem = this.#checkEvent?.(event);
    if (problem !== undefined) throw new Error(`mesos-sim: invalid ${event.type} event: ${problem}`);
    if (subscription.res.destroyed || subscription.res.writableEnded) return;
    const bytes = encodeRecord(JSON.stringify(event));
    this.#eventsWritten++;
    if (!this.#rechunk && subscription.pending.length === 0) {
      subscription.res.write(bytes);
      return;
    }
    subscription.pending.push(bytes);
    if (!subscription.flushScheduled) {
      subscription.flushScheduled = true;
      setImmediate(() => this.#flush(subscription));
    }
  }

  /** Writes pending bytes as separate HTTP chunks cut at seeded random points (several records per flush). */
  #flush(subscription: Subscription): void {
    subscription.flushScheduled = false;
    if (subscription.pending.length === 0) return;
    const bytes = Buffer.concat(subscription.pending);
    subscription.pending = [];
    if (subscription.res.destroyed || subscription.res.writableEnded) return;
    // 1–48-byte pieces, or up to 1/256 of a big flush (an OFFERS of 10 000 agents is 7 MB): ≤ ~512 writes.
    const maxPiece = Math.max(48, Math.ceil(bytes.length / 256));
    for (const piece of splitAtRandom(bytes, (n) => this.#prng.below(n), maxPiece))
      subscription.res.write(piece);
  }

  #endSubscription(subscription: Subscription, destroy: boolean): void {
    if (subscription.ended) return;
    subscription.ended = true;
    subscription.heartbeat?.();
    subscription.heartbeat = undefined;
    if (destroy) {
      subscription.res.destroy();
      return;
    }
    this.#flush(subscription);
    if (!subscription.res.destroyed) subscription.res.end();
  }

  /** The SUBSCRIBE response's socket closed. Unless the server ended it, the framework is disconnected. */
  #lost(subscription: Subscription): void {
    const unexpected = !subscription.ended;
    this.#endSubscription(subscription, true);
    if (this.#current !== subscription) return;
    this.#current = undefined;
    if (unexpected && !this.#closing) {
      this.#logger.warn({ frameworkId: subscription.frameworkId }, 'mesos-sim: framework disconnected');
      this.#cluster.disconnect();
    }
  }

  #dropStream(reason: string): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    this.#logger.info({ reason }, 'mesos-sim: stream dropped');
    this.#endSubscription(current, true);
    this.#cluster.disconnect();
  }

  #recover(recoveringMs = DEFAULT_RECOVERING_MS): void {
    if (!(recoveringMs >= 0) || !Number.isFinite(recoveringMs))
      throw new RangeError('MesosSimServer: recoveringMs must be ≥ 0');
    this.#recoveringUntil = this.#clock.now() + recoveringMs;
  }

  async #admin(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, 'admin endpoints answer loopback only');
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/admin/calls') return json(res, 200, this.#calls);
    if (method === 'GET' && path === '/admin/call-streams') return json(res, 200, this.#callStreams);
    if (method === 'GET' && path === '/admin/tasks') return json(res, 200, this.#cluster.tasks());
    if (method === 'GET' && path === '/admin/state') {
      return json(res, 200, {
        leader: this.leaderUrl,
        recovering: this.#clock.now() < this.#recoveringUntil,
        frameworkId: this.#cluster.frameworkId ?? null,
        subscribed: this.#current?.frameworkId !== undefined && this.#cluster.subscribed,
        agents: this.#cluster.agents().length,
        tasks: this.#cluster.tasks().length,
        eventsWritten: this.#eventsWritten,
      });
    }
    if (method === 'POST' && path === '/admin/status') {
      let body: { taskId?: unknown; state?: unknown; message?: unknown };
      try {
        body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
      } catch {
        return json(res, 400, { error: 'body: expecting JSON {taskId, state, message?}' });
      }
      if (typeof body?.taskId !== 'string') return json(res, 400, { error: 'taskId: expecting a string' });
      if (typeof body.state !== 'string' || !EXECUTOR_STATES.has(body.state))
        return json(res, 400, { error: `state: expecting one of ${[...EXECUTOR_STATES].join(', ')}` });
      try {
        this.#cluster.injectStatus(body.taskId, body.state as MesosTaskState, {
          ...(typeof body.message === 'string' ? { message: body.message } : {}),
        });
      } catch (error) {
        return json(res, 404, { error: `taskId: ${(error as Error).message}` });
      }
      return json(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/admin/faults') {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
      } catch {
        return json(res, 400, { error: 'body: expecting JSON {fault, ...}' });
      }
      const problem = this.#applyFault(body);
      return problem === undefined
        ? json(res, 200, { ok: true })
        : json(res, problem.status, { error: problem.error });
    }
    const executor = await executorAdmin(this.#cluster, method, path, () =>
      readBody(req, EXECUTOR_ADMIN_MAX_BODY),
    );
    if (executor !== undefined) return json(res, executor.status, executor.body);
    return json(res, 404, { error: `no admin endpoint ${method} ${path}` });
  }

  #applyFault(body: Record<string, unknown>): { status: number; error: string } | undefined {
    const on = body?.on;
    const needOn = (apply: (value: boolean) => void) => {
      if (typeof on !== 'boolean') return { status: 400, error: 'on: expecting a boolean' };
      apply(on);
      return undefined;
    };
    const recovering = body?.recoveringMs;
    if (recovering !== undefined && (typeof recovering !== 'number' || !(recovering >= 0)))
      return { status: 400, error: 'recoveringMs: expecting a number ≥ 0' };
    const options = recovering === undefined ? {} : { recoveringMs: recovering };
    switch (body?.fault) {
      case 'silence':
        return needOn((v) => this.faults.silence(v));
      case 'duplicateUpdates':
        return needOn((v) => this.faults.duplicateUpdates(v));
      case 'rechunk':
        return needOn((v) => this.faults.rechunk(v));
      case 'dropStream':
        this.faults.dropStream();
        return undefined;
      case 'switchLeader':
        this.faults.switchLeader(options);
        return undefined;
      case 'restartMaster':
        this.faults.restartMaster(options);
        return undefined;
      case 'loseAgent': {
        if (typeof body.agentId !== 'string') return { status: 400, error: 'agentId: expecting a string' };
        try {
          this.faults.loseAgent(body.agentId);
        } catch {
          return { status: 404, error: `agentId: no agent ${body.agentId}` };
        }
        return undefined;
      }
      default:
        return {
          status: 400,
          error:
            'fault: expecting silence, dropStream, switchLeader, restartMaster, duplicateUpdates, loseAgent or rechunk',
        };
    }
  }
}

type CallBody = Record<string, unknown> & { type: string };

function parseCall(body: Buffer): CallBody {
  let call: unknown;
  try {
    call = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Reject(400, `Failed to parse body into JSON: ${(error as Error).message}`);
  }
  if (call === null || typeof call !== 'object' || Array.isArray(call))
    throw new Reject(400, 'Expecting a JSON object');
  if (typeof (call as { type?: unknown }).type !== 'string')
    throw new Reject(400, "Expecting 'type' to be present");
  return call as CallBody;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new Reject(413, `Request body exceeds ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).off('error', onError);
      req.pause();
      reject(new Reject(413, `Request body exceeds ${limit} bytes`));
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    const onError = (error: Error): void => reject(error);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function mediaType(header: string): string {
  return header.split(';')[0]!.trim().toLowerCase();
}

function accepts(header: string): boolean {
  return header.split(',').some((part) => {
    const type = mediaType(part);
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function reply(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(message);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
