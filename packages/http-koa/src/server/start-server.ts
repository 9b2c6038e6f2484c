import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  DeploymentController,
  type Logger,
  type MesosDriver,
  registerCore,
  SchedulerEngine,
  type Store,
  silentLogger,
  systemClock,
} from '@bcs/core';
import { createLevelStore } from '@bcs/store-level';
import { SimulatedCluster } from '@bcs/testing/cluster';
import { container as rootContainer } from 'tsyringe';
import { createHttpApp, type HttpApp } from '../app.js';
import type { SchedulerEndpoint } from '../routes/cluster.js';

/** The version reported by `GET /cluster/endpoints`. */
const VERSION = '0.0.0';

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
  /** Largest accepted request body in bytes. Default 1 MiB. */
  readonly bodyLimit?: number;
  readonly logger?: Logger;
  /** Bring your own store instead of LevelDB in `dataDir` (it is opened, and closed on `close()`). */
  readonly store?: Store;
}

/** A running server. */
export interface RunningServer extends AsyncDisposable {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly app: HttpApp;
  readonly server: Server;
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
} as const;

/**
 * The composition root: LevelDB store in `dataDir`, core, and the v4 HTTP app on `host:port`.
 * This module (the `@bcs/http-koa/server` entry) is the one place http-koa imports another adapter.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? SERVER_DEFAULTS.host;
  const dataDir = options.dataDir ?? SERVER_DEFAULTS.dataDir;
  const logger = options.logger ?? silentLogger;
  let store = options.store;
  if (store === undefined) {
    await mkdir(dataDir, { recursive: true });
    store = createLevelStore({ location: join(dataDir, 'store') });
  }
  await store.open();
  const cluster = await openCluster(options, dataDir);
  const driver = options.driver ?? cluster?.driver;
  const clusterId = options.clusterId ?? SERVER_DEFAULTS.clusterId;
  const container = registerCore(rootContainer.createChildContainer(), {
    store,
    logger,
    ...(driver === undefined ? {} : { driver, engine: { clusterName: clusterId } }),
  });
  const engine = driver === undefined ? undefined : container.resolve(SchedulerEngine);
  await engine?.start();
  // Deployments' rolling updates are driven by their own 1 s tick, once the engine has loaded the store.
  const deployments = engine === undefined ? undefined : container.resolve(DeploymentController);
  deployments?.start();
  let endpoint: SchedulerEndpoint | undefined;
  const app = createHttpApp({
    container,
    clusterId,
    clusterName: clusterId,
    endpoint: () => endpoint,
    logger,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  const server = createServer(app.callback());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? SERVER_DEFAULTS.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    deployments?.dispose();
    await engine?.dispose();
    await cluster?.close();
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  endpoint = {
    ip: host,
    port,
    hostname: hostname(),
    scheme: 'http',
    version: VERSION,
    cluster: clusterId,
    pid: process.pid,
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.dispose();
      deployments?.dispose();
      await engine?.dispose();
      await container.dispose();
      await cluster?.close();
      await store.close();
    })();
    return closing;
  };
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    store,
    app,
    server,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The simulated cluster of `--sim-agents`, persisted in its own LevelDB next to the scheduler's. */
async function openCluster(
  options: ServerOptions,
  dataDir: string,
): Promise<{ driver: MesosDriver; close(): Promise<void> } | undefined> {
  const agents = options.simAgents ?? SERVER_DEFAULTS.simAgents;
  if (options.driver !== undefined || agents <= 0) return undefined;
  const simStore = createLevelStore({ location: join(dataDir, 'sim-cluster') });
  await simStore.open();
  const cluster = new SimulatedCluster({ clock: systemClock, agents, store: simStore, seed: 1 });
  await cluster.open();
  return {
    driver: cluster,
    async close() {
      await cluster.dispose();
      await simStore.close();
    },
  };
}
