import { chmod, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  type CommandTrackerOptions,
  createScheduler,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_INSTANCES,
  type EngineOptions,
  type EventRetention,
  type HealthCheckOptions,
  type Logger,
  type MesosDriver,
  type Outbound,
  type Scheduler,
  type SchedulerLimits,
  type Store,
  silentLogger,
  systemClock,
} from '@bcs/core';
import {
  answerClientErrors,
  createHostCheck,
  createHttpApp,
  type HttpApp,
  type HttpAuthOptions,
  MAX_HEADER_SIZE,
  type ReplicaEndpoint,
  type SchedulerEndpoint,
} from '@bcs/http-koa';
import { MesosHttpDriver, type MesosHttpDriverOptions } from '@bcs/mesos-http';
import { SimulatedCluster } from '@bcs/mesos-sim';
import { createHttpOutbound } from '@bcs/outbound-http';
import { createEtcdStore, type EtcdClientOptions } from '@bcs/store-etcd';
import { createLevelStore } from '@bcs/store-level';
import { attachEventStream, type EventStream, type EventStreamOptions } from '@bcs/ws-events';
import { container as rootContainer } from 'tsyringe';

/** The version reported by `GET /cluster/endpoints`. */
export const VERSION = '0.0.0';

/** Options of {@link startServer}; the defaults are the `bcs-scheduler` command's. */
export interface ServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 8899. */
  readonly port?: number;
  /** Where the LevelDB store lives (created if missing). Default `./data`. */
  readonly dataDir?: string;
  /** The `BCS-ClusterID` requests must carry. Default `BCS-LOCAL-00001`. */
  readonly clusterId?: string;
  /**
   * Agents of the simulated local Mesos cluster (default 3); 0 runs without a cluster (applications answer
   * 503). The
   * cluster keeps its state in `<dataDir>/sim-cluster`, as real agents keep running while a scheduler restarts.
   */
  readonly simAgents?: number;
  /** Bring your own Mesos driver instead of the simulated cluster. */
  readonly driver?: MesosDriver;
  /**
   * Master URLs of a real Mesos cluster (`http://host:5050`): the scheduler runs on `MesosHttpDriver` (the
   * Mesos v1 scheduler HTTP API) instead of the simulated cluster. Ignored when `driver` is given.
   */
  readonly mesosMasters?: readonly string[];
  /** Settings of that driver besides the masters (timeouts, back-off); clock and logger are the server's. */
  readonly mesosHttp?: Omit<MesosHttpDriverOptions, 'masters' | 'clock' | 'logger'>;
  /**
   * The framework and engine settings of the command's Mesos flags: failover timeout, role, executor,
   * `allowNewFramework` and the implicit reconciliation period. Unset ones keep the engine's defaults.
   */
  readonly engine?: Pick<
    EngineOptions,
    | 'failoverTimeoutSeconds'
    | 'role'
    | 'hostname'
    | 'webuiUrl'
    | 'executor'
    | 'allowNewFramework'
    | 'reconcileIntervalMs'
  >;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  readonly logger?: Logger;
  /** Bring your own store instead of LevelDB in `dataDir` (it is opened, and closed on `close()`). */
  readonly store?: Store;
  /**
   * etcd client URLs (`http://127.0.0.1:2379`): the store is `@bcs/store-etcd` under `/bcs/<clusterId>/`
   * instead of LevelDB in `dataDir` (the simulated cluster keeps its state in `dataDir`). Ignored when `store`
   * is given; empty or absent: LevelDB.
   */
  readonly etcdEndpoints?: readonly string[];
  /**
   * etcd3 client options besides `hosts` for `etcdEndpoints`: `credentials` (TLS: `rootCertificate`,
   * `certChain`, `privateKey`), `auth` (`username`, `password`).
   */
  readonly etcdClient?: Omit<EtcdClientOptions, 'hosts'>;
  /** How much event history is kept for resuming subscribers (count, age). */
  readonly events?: EventRetention;
  /** Limits an operator may raise: the most instances of one application or deployment (default 10,000). */
  readonly limits?: SchedulerLimits;
  /** The command tracker's answer timeout (`timeoutMs`, 1 s to 24 h; default 10 minutes). */
  readonly commands?: Pick<CommandTrackerOptions, 'timeoutMs'>;
  /** Remote health checks: `maxConcurrent` in flight at once (1 to 256; default 64). */
  readonly healthChecks?: HealthCheckOptions;
  /** Settings of the WebSocket event stream (keep-alive, slow-consumer bound). */
  readonly eventStream?: Pick<
    EventStreamOptions,
    'pingIntervalMs' | 'maxBufferedBytes' | 'stallTimeoutMs' | 'closeGraceMs'
  >;
  /**
   * Host names (no port) clients may use besides the listen address, `localhost` and IP addresses; others
   * get 403 (DNS-rebinding defence). Listening on `0.0.0.0`/`::` with none given, every Host is served.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Browser origins that may open the WebSocket event stream besides the server's own (`*` for any). A
   * client without `Origin` (not a browser) is always accepted. Default none.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * How the scheduler calls out (admission webhooks). Default: `createHttpOutbound()` from
   * `@bcs/outbound-http` (Node's https, each webhook's `caBundle` as its only trust).
   */
  readonly outbound?: Outbound;
  /**
   * Every replica of a highly available scheduler (`startReplica`), for `GET /cluster/endpoints`; absent:
   * the endpoints list this server alone.
   */
  readonly replicas?: () => Promise<readonly ReplicaEndpoint[]>;
  /**
   * Bearer-token authentication of every route and of the event stream (`createTokenTable`/`loadTokenFile`
   * give an `authenticate`). Absent: none. The `bcs-scheduler` command refuses a non-loopback host without
   * it unless `--insecure-no-auth`; `startServer` itself does not check.
   */
  readonly auth?: HttpAuthOptions;
  /** Serve HTTPS and WSS with this certificate (chain) and private key, PEM. Absent: plain HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** A running server. */
export interface RunningServer extends AsyncDisposable {
  /** `http://host:port` (`https://` with `tls`), with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly app: HttpApp;
  readonly server: Server;
  readonly scheduler: Scheduler;
  /** The WebSocket event stream at `/v4/scheduler/mesos/events` (absent without a Mesos cluster). */
  readonly eventStream: EventStream | undefined;
  /** The simulated cluster of `simAgents` (absent with a driver of your own or 0 agents). */
  readonly simCluster: SimulatedCluster | undefined;
  /** The Mesos HTTP driver of `mesosMasters` (absent otherwise): its `status()` is the link to the master. */
  readonly mesosDriver: MesosHttpDriver | undefined;
  /** Stops accepting connections, ends open ones, then closes the store. Idempotent. */
  close(): Promise<void>;
}

/** The defaults of {@link ServerOptions}. */
export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8899,
  dataDir: './data',
  clusterId: 'BCS-LOCAL-00001',
  simAgents: 3,
  eventRetention: 100_000,
  eventMaxAgeSeconds: 86_400,
  eventBufferBytes: 1024 * 1024,
  eventStallSeconds: 10,
  maxInstances: DEFAULT_MAX_INSTANCES,
  /** A week, as the original (spec/bcs-behaviour.md §13.2). */
  failoverTimeoutSeconds: 604_800,
  mesosRole: '*',
  reconcileIntervalSeconds: 600,
  /** The leader election lease with `--store etcd://` (issue 14: 10 s). */
  leaderTtlSeconds: 10,
  /** The command tracker's answer timeout, as core's default (10 minutes). */
  commandTimeoutSeconds: DEFAULT_COMMAND_TIMEOUT_MS / 1000,
  /** Remote health checks in flight at once, as core's default. */
  healthMaxConcurrent: 64,
} as const;

/**
 * The composition root: LevelDB store in `dataDir`, core, the simulated cluster (or, with `mesosMasters`, the
 * Mesos HTTP driver), and the v4 HTTP app on `host:port`. This package (`@bcs/server`) is the one place the
 * adapters meet.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? SERVER_DEFAULTS.host;
  const dataDir = options.dataDir ?? SERVER_DEFAULTS.dataDir;
  const logger = options.logger ?? silentLogger;
  let store = options.store;
  if (store === undefined) {
    // The data dir holds credentials (image pull passwords): the owner's alone, whatever the umask. The
    // stores inside make their own directories 0700 and files 0600.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    store =
      options.etcdEndpoints !== undefined && options.etcdEndpoints.length > 0
        ? createEtcdStore({
            clusterId: options.clusterId ?? SERVER_DEFAULTS.clusterId,
            etcd: { ...options.etcdClient, hosts: [...options.etcdEndpoints] },
          })
        : createLevelStore({ location: join(dataDir, 'store') });
  }
  await store.open();
  const mesosDriver = createHttpDriver(options, logger);
  const cluster = mesosDriver === undefined ? await openCluster(options, dataDir, logger) : undefined;
  const driver = options.driver ?? mesosDriver ?? cluster?.driver;
  const clusterId = options.clusterId ?? SERVER_DEFAULTS.clusterId;
  const engine: EngineOptions = {
    clusterName: clusterId,
    ...(mesosDriver === undefined
      ? {}
      : {
          hostname: hostname(),
          ...webuiUrl(host, options.port, options.tls === undefined ? 'http' : 'https'),
        }),
    ...options.engine,
  };
  const scheduler = await createScheduler({
    container: rootContainer.createChildContainer(),
    store,
    logger,
    outbound: options.outbound ?? createHttpOutbound(),
    ...(driver === undefined ? {} : { driver, engine }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.commands === undefined ? {} : { commands: options.commands }),
    ...(options.healthChecks === undefined ? {} : { healthChecks: options.healthChecks }),
  }).catch(async (error: unknown) => {
    // The driver may already be subscribing in the background: stop it, or it would retry for ever.
    await mesosDriver?.dispose();
    throw error;
  });
  const { container } = scheduler;
  let endpoint: SchedulerEndpoint | undefined;
  const hostCheck = createHostCheck({
    listenHost: host,
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
  });
  const app = createHttpApp({
    hostCheck,
    container,
    clusterId,
    clusterName: clusterId,
    endpoint: () => endpoint,
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    logger,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  });
  // A larger head than Node's 16 KiB default, so a long URL gets the app's 414 envelope; past it, 431 in
  // the envelope too (answerClientErrors), not Node's bare response. With `tls` the same over HTTPS.
  const scheme = options.tls === undefined ? 'http' : 'https';
  const server: Server =
    options.tls === undefined
      ? createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app.callback())
      : createHttpsServer(
          { maxHeaderSize: MAX_HEADER_SIZE, cert: options.tls.cert, key: options.tls.key },
          app.callback(),
        );
  answerClientErrors(server);
  const eventStream = scheduler.scheduling
    ? attachEventStream({
        server,
        events: scheduler.events,
        clusterId,
        logger,
        exclusive: true,
        checkHost: hostCheck,
        allowedOrigins: options.allowedOrigins ?? [],
        ...(options.auth === undefined ? {} : { authenticate: options.auth.authenticate }),
        ...options.eventStream,
      })
    : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? SERVER_DEFAULTS.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await eventStream?.close();
    await scheduler.close();
    await mesosDriver?.dispose();
    await cluster?.close();
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  endpoint = {
    ip: host,
    port,
    hostname: hostname(),
    scheme,
    version: VERSION,
    cluster: clusterId,
    pid: process.pid,
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Upgraded sockets keep the server open until the stream closes them (1001).
      await eventStream?.close();
      await closed;
      await app.dispose();
      await scheduler.close();
      await mesosDriver?.dispose();
      await cluster?.close();
      await store.close();
    })();
    return closing;
  };
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${displayHost}:${port}`,
    port,
    store,
    app,
    server,
    scheduler,
    eventStream,
    simCluster: cluster?.driver,
    mesosDriver,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * FrameworkInfo `webui_url`: this server's v4 API, so the Mesos UI links to it. Only for a fixed port (port 0
 * is chosen at listen, after the framework subscribed); a wildcard listen address is named by the host name.
 */
function webuiUrl(host: string, port: number | undefined, scheme: string): { webuiUrl?: string } {
  const fixed = port ?? SERVER_DEFAULTS.port;
  if (fixed === 0) return {};
  const name = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  return { webuiUrl: `${scheme}://${name}:${fixed}/v4/scheduler/mesos` };
}

/** The real Mesos driver of `--mesos-master` (none with a driver of one's own or no masters). */
function createHttpDriver(options: ServerOptions, logger: Logger): MesosHttpDriver | undefined {
  const masters = options.mesosMasters ?? [];
  if (options.driver !== undefined || masters.length === 0) return undefined;
  return new MesosHttpDriver({ ...options.mesosHttp, masters, clock: systemClock, logger });
}

/** The simulated cluster of `--sim-agents`, persisted in its own LevelDB next to the scheduler's. */
async function openCluster(
  options: ServerOptions,
  dataDir: string,
  logger: Logger,
): Promise<{ driver: SimulatedCluster; close(): Promise<void> } | undefined> {
  const agents = options.simAgents ?? SERVER_DEFAULTS.simAgents;
  if (options.driver !== undefined || agents <= 0) return undefined;
  const simStore = createLevelStore({ location: join(dataDir, 'sim-cluster') });
  await simStore.open();
  // recordCalls: false. The record of every call (each ACCEPT with its TaskInfos) is for tests; a server that
  // kept it grew by every launch, kill and acknowledgement for as long as it ran.
  const cluster = new SimulatedCluster({
    clock: systemClock,
    agents,
    store: simStore,
    seed: 1,
    recordCalls: false,
    logger,
  });
  await cluster.open();
  return {
    driver: cluster,
    async close() {
      await cluster.dispose();
      await simStore.close();
    },
  };
}
