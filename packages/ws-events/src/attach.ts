import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type Authenticate,
  ErrorCode,
  type EventSource,
  httpStatusOf,
  type Logger,
  redactAccessToken,
  silentLogger,
} from '@bcs/core';
import { WebSocketServer } from 'ws';
import { CloseCode } from './close-code.js';
import { Connection, type ConnectionContext, type StreamCounters } from './connection.js';
import { createEncoder } from './encoder.js';
import { checkHandshake, type HandshakeVerdict, writeRefusal } from './handshake.js';
import { startKeepAlive } from './keepalive.js';

/** The paths served by default: the v4 API's, with and without the BCS API gateway prefix. */
export const DEFAULT_EVENT_PATHS: readonly string[] = [
  '/v4/scheduler/mesos/events',
  '/bcsapi/v4/scheduler/mesos/events',
];

/**
 * The largest client frame accepted, in bytes. Clients send nothing in this protocol; the bound keeps what
 * they might send cheap (ws closes the socket with 1009 past it).
 */
const MAX_CLIENT_PAYLOAD = 4096;

/** Options of {@link attachEventStream}. */
export interface EventStreamOptions {
  /** The HTTP server to serve on. Not owned: the stream adds an `upgrade` listener and removes it on close. */
  readonly server: Server;
  /** Where subscriptions come from: core's `EventService`, or a fake. */
  readonly events: EventSource;
  /** This scheduler's cluster id; clients must send it (`BCS-ClusterID` header or `clusterId` query). */
  readonly clusterId: string;
  /** Paths to serve (query string ignored). Default {@link DEFAULT_EVENT_PATHS}. */
  readonly paths?: readonly string[];
  /** Ms between pings. A peer that did not pong since the previous ping is terminated. Default 30 000. */
  readonly pingIntervalMs?: number;
  /**
   * Per-connection bound, in bytes, on data sent but not yet written out (`ws.bufferedAmount`). Past it the
   * stream stops pulling events for that connection until the client drains to half of it. Default 1 MiB.
   */
  readonly maxBufferedBytes?: number;
  /**
   * Ms a connection may stay past `maxBufferedBytes` before it is closed as a slow consumer (4008). A burst
   * that the client reads within this time costs it nothing; a client that stopped reading is let go. 0 closes
   * at once. Default 10 000.
   */
  readonly stallTimeoutMs?: number;
  /** Ms to wait for a close handshake the server started before terminating the socket. Default 5 000. */
  readonly closeGraceMs?: number;
  /** Most events in one `events` message, passed to `subscribe`. Default: the source's (core: 500). */
  readonly maxBatch?: number;
  /**
   * Ms a subscriber that has caught up waits before it pulls the next events: what is committed meanwhile goes
   * out in one message. Bounds the messages per subscriber to about 1,000 / `flushIntervalMs` per second
   * whatever the commit rate, at the price of up to this much latency. 0: pull as soon as the message is
   * handed to the socket (one message per commit). Default 10.
   */
  readonly flushIntervalMs?: number;
  /** core's Logger port (pino-compatible: fields first). Default: silent. */
  readonly logger?: Logger;
  /**
   * False (default): upgrade requests for other paths are left to other `upgrade` listeners. True: they are
   * answered 404 (code 1405202) in the v4 envelope.
   */
  readonly exclusive?: boolean;
  /**
   * Browser origins (`https://console.example`, scheme, host and port) that may subscribe besides the
   * server's own (an `Origin` whose host:port is the request's `Host`); `*` allows every origin. A handshake
   * without `Origin` (not a browser) is accepted. Others are refused with 403, code 1405234. Default none.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Whether an upgrade's `Host` header may be served (DNS-rebinding defence; http-koa's `createHostCheck`).
   * Refused with 403, code 1405234. Default: every host.
   */
  readonly checkHost?: (host: string | undefined) => boolean;
  /**
   * Bearer-token authentication: the token from `Authorization: Bearer <token>` or, for browsers, the
   * `access_token` query parameter, turned into its principal (`undefined`: unknown). No or an unknown token
   * is refused with 401 (code 1405401); a token limited to namespaces only receives their events, and a
   * `namespace` filter naming another is refused with 403 (code 1405403). Default: no authentication.
   */
  readonly authenticate?: Authenticate;
}

/** Counters of a stream since it was attached. */
export interface EventStreamStats {
  /** Open connections now. */
  readonly connections: number;
  /** Connections closed with 4008: their unsent data stayed past `maxBufferedBytes` for `stallTimeoutMs`. */
  readonly slowConsumerCloses: number;
  /** The largest `bufferedAmount` seen on any connection, in bytes: at most `maxBufferedBytes` plus one message. */
  readonly maxBufferedBytesSeen: number;
  /** WebSocket messages sent, over all connections. */
  readonly messagesSent: number;
}

/** A stream attached to a server. */
export interface EventStream extends AsyncDisposable {
  stats(): EventStreamStats;
  /**
   * Closes every connection with 1001 "server shutting down" (terminating any that do not finish the close
   * handshake within `closeGraceMs`), ends their subscriptions, and removes the `upgrade` listener. Resolves
   * when every socket has closed. Idempotent: later calls return the same promise. The server stays open.
   */
  close(): Promise<void>;
  /** Same as {@link close} (the house `dispose()` convention). */
  dispose(): Promise<void>;
}

interface ResolvedOptions {
  readonly paths: readonly string[];
  readonly pingIntervalMs: number;
  readonly maxBufferedBytes: number;
  readonly closeGraceMs: number;
  readonly stallTimeoutMs: number;
  readonly flushIntervalMs: number;
  readonly logger: Logger;
  readonly exclusive: boolean;
}

/**
 * Serves live scheduler events over WebSocket on `options.server`: checks each upgrade request (path, cluster
 * id, subscription parameters; refusals are plain HTTP responses with the v4 envelope), then streams the
 * subscription's messages as JSON text, one message per WebSocket message. See the README for the protocol.
 * Throws a `TypeError` on missing or invalid options.
 */
export function attachEventStream(options: EventStreamOptions): EventStream {
  const resolved = resolveOptions(options);
  const { server, events, clusterId } = options;
  const { logger } = resolved;
  const rules = {
    paths: resolved.paths,
    clusterId,
    exclusive: resolved.exclusive,
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.checkHost === undefined ? {} : { checkHost: options.checkHost }),
    ...(options.authenticate === undefined ? {} : { authenticate: options.authenticate }),
  };
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw new TypeError('@bcs/ws-events: option "authenticate" must be a function');
  }
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_CLIENT_PAYLOAD,
    perMessageDeflate: false,
  });
  const connections = new Set<Connection>();
  const counters: StreamCounters = { slowConsumerCloses: 0, maxBufferedBytesSeen: 0, messagesSent: 0 };
  const context: ConnectionContext = {
    events,
    encoder: createEncoder(),
    maxBufferedBytes: resolved.maxBufferedBytes,
    closeGraceMs: resolved.closeGraceMs,
    stallTimeoutMs: resolved.stallTimeoutMs,
    maxBatch: options.maxBatch,
    nextFlush: flushTicker(resolved.flushIntervalMs),
    logger,
    counters,
    onClosed: (connection) => connections.delete(connection),
  };
  let closing: Promise<void> | undefined;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const verdict = decide(request);
    if (verdict.kind === 'ignore') return;
    const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    // The target as logged: an `access_token` in the query is never written to the log.
    const url = redactAccessToken(request.url ?? '/');
    if (verdict.kind === 'refuse') {
      logger.debug({ remote, url, code: verdict.code }, 'ws-events: upgrade refused');
      writeRefusal(socket, verdict.status, verdict.code, verdict.message);
      return;
    }
    try {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const connection = new Connection(ws, remote, context);
        if (closing !== undefined) {
          void connection.shutdown(CloseCode.GoingAway, 'server shutting down');
          return;
        }
        connections.add(connection);
        logger.debug(
          { remote, url, ...(verdict.principal === undefined ? {} : { user: verdict.principal.name }) },
          'ws-events: connected',
        );
        connection.start(verdict.subscription);
      });
    } catch (error) {
      // ws throws only on misuse (the same socket upgraded twice, e.g. by a second listener).
      logger.error({ err: error, remote }, 'ws-events: upgrade failed');
      socket.destroy();
    }
  };

  const decide = (request: IncomingMessage): HandshakeVerdict => {
    try {
      return checkHandshake(request, rules);
    } catch (error) {
      logger.error(
        { err: error, url: redactAccessToken(request.url ?? '/') },
        'ws-events: handshake check failed',
      );
      const code = ErrorCode.Internal;
      return { kind: 'refuse', status: httpStatusOf[code], code, message: 'internal error' };
    }
  };

  server.on('upgrade', onUpgrade);
  const keepAlive = startKeepAlive(
    resolved.pingIntervalMs,
    () => connections,
    (connection) =>
      logger.info({ remote: connection.remote }, 'ws-events: no pong since the last ping, terminated'),
  );

  const close = (): Promise<void> => {
    closing ??= (async () => {
      server.off('upgrade', onUpgrade);
      keepAlive.stop();
      await Promise.all(
        [...connections].map((connection) =>
          connection.shutdown(CloseCode.GoingAway, 'server shutting down'),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    })();
    return closing;
  };

  return {
    stats: () => ({ connections: connections.size, ...counters }),
    close,
    dispose: close,
    [Symbol.asyncDispose]: close,
  };
}

function resolveOptions(options: EventStreamOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new TypeError(`@bcs/ws-events: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('options are required');
  if (options.server === undefined || typeof options.server.on !== 'function') {
    fail('option "server" (an http.Server) is required');
  }
  if (options.events === undefined || typeof options.events.subscribe !== 'function') {
    fail('option "events" (an EventSource) is required');
  }
  if (typeof options.clusterId !== 'string' || options.clusterId === '') {
    fail('option "clusterId" (a non-empty string) is required');
  }
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0) fail(`option "${name}" must be a positive number`);
    return value;
  };
  const nonNegative = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < 0) fail(`option "${name}" must be a number ≥ 0`);
    return value;
  };
  if (options.maxBatch !== undefined) positive('maxBatch', options.maxBatch, 0);
  const paths = options.paths ?? DEFAULT_EVENT_PATHS;
  if (paths.length === 0 || paths.some((path) => !path.startsWith('/'))) {
    fail('option "paths" must list at least one path, each starting with "/"');
  }
  return {
    paths,
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, 30_000),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes, 1024 * 1024),
    closeGraceMs: positive('closeGraceMs', options.closeGraceMs, 5_000),
    stallTimeoutMs: nonNegative('stallTimeoutMs', options.stallTimeoutMs, 10_000),
    flushIntervalMs: nonNegative('flushIntervalMs', options.flushIntervalMs, 10),
    logger: options.logger ?? silentLogger,
    exclusive: options.exclusive ?? false,
  };
}

/**
 * The stream's flushes: the promise of the next one, shared by every connection that waits for it (one timer
 * for all of them, started by the first that waits; unref'd, so it never keeps the process up).
 */
function flushTicker(intervalMs: number): () => Promise<void> {
  let next: Promise<void> | undefined;
  return () => {
    next ??= new Promise<void>((resolve) => {
      const done = () => {
        next = undefined;
        resolve();
      };
      if (intervalMs === 0) setImmediate(done);
      else setTimeout(done, intervalMs).unref();
    });
    return next;
  };
}
