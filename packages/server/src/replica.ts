import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { type BcsError, ErrorCode, silentLogger } from '@bcs/core';
import type { ReplicaEndpoint, SchedulerEndpoint } from '@bcs/http-koa';
import {
  campaign,
  createEtcdStore,
  currentLeader,
  Etcd3,
  type Leadership,
  listReplicas,
} from '@bcs/store-etcd';
import {
  type RunningServer,
  SERVER_DEFAULTS,
  type ServerOptions,
  startServer,
  VERSION,
} from './start-server.js';

/**
 * The exit code of a `bcs-scheduler` replica that was deposed (issue 14 §2): its leadership was lost (the
 * lease expired, etcd was unreachable for half the TTL) or a write found another replica elected. The process
 * stops at once and a supervisor restarts it; it then campaigns again as a follower. 75 is sysexits'
 * EX_TEMPFAIL: "a temporary failure; retry".
 */
export const EXIT_DEPOSED = 75;

/** Options of {@link startReplica}: the server's, with the store always etcd and elected. */
export interface ReplicaOptions extends Omit<ServerOptions, 'store' | 'etcdEndpoints'> {
  /** etcd client URLs (`http://127.0.0.1:2379`, …). */
  readonly etcdEndpoints: readonly string[];
  /** The election lease's TTL in seconds (default 10): how long a dead leader keeps the leadership. */
  readonly leaderTtlSeconds?: number;
  /**
   * The URL other replicas name for this one when it leads; default `http://host:port` as bound (published
   * on the election key once listening).
   */
  readonly advertiseUrl?: string;
  /**
   * Called once the follower listens (before the campaign), with the current leader's advertised URL
   * (undefined: none yet) and this replica's own URL.
   */
  readonly onFollowing?: (leader: string | undefined, url: string) => void;
  /**
   * Called once when this replica, having led, is deposed. By then the Mesos stream is being closed and
   * the event subscriptions ended; the caller must end the process (the command exits {@link EXIT_DEPOSED}).
   */
  readonly onDeposed: (error: BcsError, stopped: Promise<void>) => void;
  /** Stops a campaign still waiting (startReplica then rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** A replica that won the election and runs the scheduler. */
export interface RunningReplica {
  readonly server: RunningServer;
  /** The leader's term: the election key's create revision. */
  readonly term: string;
  /** Resigns the leadership, then closes the server and the etcd client. */
  close(): Promise<void>;
}

/**
 * Runs one replica of a highly available scheduler on etcd (issue 14 §2–4). It listens at once as a
 * follower, registers under `/bcs/<clusterId>/replicas/` and campaigns on `/bcs/<clusterId>/leader`. A
 * follower answers `GET …/cluster/endpoints` itself (every replica, and which leads) and every other request,
 * reads and WebSocket upgrades included, with 307 to the leader's advertised URL (same path and query: clients
 * may point at any replica), or 503 (code 1405001) while none is elected. Once elected it stops the follower listener, opens the store fenced
 * by its term, starts the server as `startServer` does (the engine loads the state, subscribes to
 * Mesos with the stored framework id, reconciles, then schedules), and publishes its URL on the election key.
 *
 * Deposition (a fenced write refused, the lease lost, etcd unreachable for ttl/2) stops it at once: the Mesos
 * driver is disposed first (no call on the stale stream), then event subscriptions end (1001: reconnect, to
 * the new leader) and `onDeposed` is called.
 */
export async function startReplica(options: ReplicaOptions): Promise<RunningReplica> {
  const clusterId = options.clusterId ?? SERVER_DEFAULTS.clusterId;
  const logger = options.logger ?? silentLogger;
  const ttlSeconds = options.leaderTtlSeconds ?? SERVER_DEFAULTS.leaderTtlSeconds;
  const host = options.host ?? SERVER_DEFAULTS.host;
  const client = new Etcd3({ ...options.etcdClient, hosts: [...options.etcdEndpoints] });
  const replicas = async (): Promise<ReplicaEndpoint[]> => {
    const { replicas: registered, leader } = await listReplicas(client, clusterId);
    return registered.flatMap(({ value }) => {
      try {
        const replica = JSON.parse(value) as SchedulerEndpoint & { url: string };
        return [{ ...replica, leader: replica.url === leader }];
      } catch {
        return [];
      }
    });
  };
  const follower = createServer((req, res) => {
    void answerAsFollower(req, res, client, clusterId, replicas).catch(() => res.destroy());
  });
  // The event stream (a WebSocket upgrade) is the leader's too: 307 there, or 503 while none leads.
  follower.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    void currentLeader(client, clusterId)
      .then((leader) =>
        socket.end(
          leader?.value
            ? `HTTP/1.1 307 Temporary Redirect\r\nLocation: ${leader.value}${req.url ?? '/'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
            : 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        ),
      )
      .catch(() => socket.destroy());
  });
  let leadership: Leadership | undefined;
  let port: number;
  let advertised: string;
  try {
    port = await listen(follower, options.port ?? SERVER_DEFAULTS.port, host);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    advertised = options.advertiseUrl ?? url;
    const self: SchedulerEndpoint & { url: string } = {
      ip: host,
      port,
      hostname: hostname(),
      scheme: advertised.startsWith('https:') ? 'https' : 'http',
      version: VERSION,
      cluster: clusterId,
      pid: process.pid,
      url: advertised,
    };
    options.onFollowing?.((await currentLeader(client, clusterId))?.value || undefined, url);
    const register = { name: randomUUID(), value: JSON.stringify(self) };
    // A follower that loses etcd (its lease, or quorum) campaigns again once etcd answers: it never led, so
    // there is nothing to stop, and a supervisor restart would only add churn.
    for (;;) {
      try {
        leadership = await campaign({
          client,
          clusterId,
          ttlSeconds,
          value: advertised,
          register,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        break;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        logger.error({ err: error }, 'campaign failed (etcd unreachable?): trying again in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  } catch (error) {
    await closeNow(follower);
    client.close();
    throw error;
  }
  await closeNow(follower);
  logger.info({ term: leadership.term }, 'elected leader');
  let server: RunningServer | undefined;
  let stopped: Promise<void> | undefined;
  const stopAtOnce = (): Promise<void> => {
    stopped ??= (async () => {
      // The Mesos stream first: nothing more may reach the master from a deposed leader.
      await server?.mesosDriver?.dispose().catch(() => undefined);
      await server?.simCluster?.dispose().catch(() => undefined);
      await server?.eventStream?.close().catch(() => undefined);
    })();
    return stopped;
  };
  let deposed = false;
  const depose = (error: BcsError): void => {
    if (deposed) return;
    deposed = true;
    logger.error({ err: error, term: leadership.term }, 'deposed: stopping');
    options.onDeposed(error, stopAtOnce());
  };
  void leadership.lost.then(depose);
  const store = createEtcdStore({
    clusterId,
    client,
    fence: { ...leadership.fence, onDeposed: depose },
  });
  try {
    const { signal: _signal, onDeposed: _onDeposed, onFollowing: _onFollowing, ...serverOptions } = options;
    server = await startServer({ ...serverOptions, host, port, store, replicas });
  } catch (error) {
    await leadership.resign();
    await store.close().catch(() => undefined);
    client.close();
    throw error;
  }
  const running = server;
  let closing: Promise<void> | undefined;
  return {
    server: running,
    term: leadership.term,
    close: () => {
      closing ??= (async () => {
        deposed = true;
        await running.close();
        await leadership.resign();
        client.close();
      })();
      return closing;
    },
  };
}

/** Listens on `host:port` (0: any free port); resolves to the port bound. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and ends every connection at once (the leader's server takes the port next). */
function closeNow(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const ENDPOINTS = /^\/(bcsapi\/)?v4\/scheduler\/mesos\/cluster\/endpoints\/?(\?.*)?$/;

/** A follower's answer: the replica list itself, 307 to the leader for everything else, 503 without one. */
async function answerAsFollower(
  req: IncomingMessage,
  res: ServerResponse,
  client: Etcd3,
  clusterId: string,
  replicas: () => Promise<ReplicaEndpoint[]>,
): Promise<void> {
  const path = req.url ?? '/';
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  if ((req.method === 'GET' || req.method === 'HEAD') && ENDPOINTS.test(path)) {
    json(200, {
      result: true,
      code: ErrorCode.Ok,
      message: 'success',
      data: { mesosscheduler: await replicas(), mesosmaster: [] },
    });
    return;
  }
  const leader = (await currentLeader(client, clusterId))?.value;
  if (leader === undefined || leader === '') {
    json(503, {
      result: false,
      code: ErrorCode.StoreNotOpen,
      message: 'this replica follows and no leader is elected yet: retry',
      data: null,
    });
    return;
  }
  json(
    307,
    {
      result: false,
      code: ErrorCode.StoreNotOpen,
      message: `this replica follows: the leader is ${leader}`,
      data: null,
    },
    { Location: `${leader}${path}` },
  );
}
