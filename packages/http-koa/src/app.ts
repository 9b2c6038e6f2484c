import { BcsError, ErrorCode, type Logger, silentLogger } from '@bcs/core';
import type Router from '@koa/router';
import Koa from 'koa';
import type { DependencyContainer } from 'tsyringe';
import { DEFAULT_BODY_LIMIT } from './body.js';
import { type HttpAuthOptions, requireToken } from './middleware/auth.js';
import { requireClusterId } from './middleware/cluster-header.js';
import { errorHandler } from './middleware/error-handler.js';
import { type HostCheck, requireAllowedHost } from './middleware/host-check.js';
import { DEFAULT_MAX_URL_LENGTH, limitUrlLength } from './middleware/request-limits.js';
import { requestLog } from './middleware/request-log.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { createOpenApiRoutes } from './openapi/route.js';
import type { ReplicaEndpoint, SchedulerEndpoint } from './routes/cluster.js';
import { createV4Routes, V4_PREFIXES } from './routes/index.js';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** A container on which `registerCore` has run (use a child container, never tsyringe's global one). */
  readonly container: DependencyContainer;
  /** The cluster id every request's `BCS-ClusterID` header must equal, e.g. `BCS-LOCAL-00001`. */
  readonly clusterId: string;
  /** Request lines and unexpected errors go here. Default: dropped. */
  readonly logger?: Logger;
  /** The largest request body accepted, in bytes. Default 1 MiB; larger bodies get HTTP 413. */
  readonly bodyLimit?: number;
  /** The Mesos cluster name shown as applications' `ClusterId`. Default: taken from taskgroup ids. */
  readonly clusterName?: string;
  /** This scheduler's address for `GET /cluster/endpoints` (read per request: the port may be bound later). */
  readonly endpoint?: () => SchedulerEndpoint | undefined;
  /** Every replica of a highly available scheduler, for `GET /cluster/endpoints` (listed instead of `endpoint`). */
  readonly replicas?: () => Promise<readonly ReplicaEndpoint[]>;
  /**
   * Which `Host` headers are served (DNS-rebinding defence, `createHostCheck`); others get 403, code
   * 1405234. Default: every host (an app you mount decides for itself; `startServer` passes one).
   */
  readonly hostCheck?: HostCheck;
  /** The longest request target (path and query) served; longer ones get 414. Default 8192. */
  readonly maxUrlLength?: number;
  /**
   * Bearer-token authentication on every route but the public ones (`GET /ui/*`, the OpenAPI document):
   * 401 (code 1405401) without a known token, 403 (1405403) beyond its role or namespaces (`requireToken`).
   * Default: none, every request is served.
   */
  readonly auth?: HttpAuthOptions;
}

/** The v4 REST API as a koa application you can mount or listen on. */
export interface HttpApp extends AsyncDisposable {
  readonly koa: Koa;
  /** A Node `http` request listener: `http.createServer(app.callback())`. */
  callback(): ReturnType<Koa['callback']>;
  /** Releases what the app holds (nothing today but listeners); the store and server stay yours. */
  dispose(): Promise<void>;
}

/**
 * Builds the v4 REST API over core's services in `options.container`, under both `/v4/scheduler/mesos` and
 * `/bcsapi/v4/scheduler/mesos`. Middleware order: request log (outermost) → error mapping → Host check (when
 * given) → URL length → token check (with `auth`) → cluster header
 * (v4 paths only) → routes, each family with its own 405 for a known path with another method; a request no
 * route answered becomes a 404.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  if (options.container === undefined) throw new TypeError('createHttpApp: options.container is required');
  if (typeof options.clusterId !== 'string' || options.clusterId === '') {
    throw new TypeError('createHttpApp: options.clusterId must be a non-empty string');
  }
  const logger = options.logger ?? silentLogger;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const koa = new Koa();
  koa.on('error', (error: unknown) => logger.error({ err: error }, 'unexpected error'));
  // Outermost, so it logs the status and code the client actually got (errors are already mapped below it).
  koa.use(requestLog(logger));
  koa.use(errorHandler());
  if (options.hostCheck !== undefined) koa.use(requireAllowedHost(options.hostCheck));
  koa.use(limitUrlLength(options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH));
  if (options.auth !== undefined) koa.use(requireToken(options.auth, options.container));
  // Runs after everything downstream: a request no route answered becomes a 404 envelope. (It cannot be the
  // last middleware: @koa/router's allowedMethods must see the unanswered request first to answer 405.)
  koa.use(async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null) {
      throw new BcsError(ErrorCode.NotFound, `no route for ${ctx.method} ${ctx.path}`);
    }
  });
  const checkCluster = requireClusterId(options.clusterId);
  koa.use((ctx, next) =>
    V4_PREFIXES.some((p) => ctx.path.startsWith(`${p}/`)) ? checkCluster(ctx, next) : next(),
  );
  // The routers under the first prefix describe the API (the others serve the same routes).
  const described: Router[] = [];
  for (const prefix of V4_PREFIXES) {
    const deps = {
      container: options.container,
      bodyLimit,
      prefix,
      ...(options.clusterName === undefined ? {} : { clusterName: options.clusterName }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
    };
    for (const router of createV4Routes(deps)) {
      if (prefix === V4_PREFIXES[0]) described.push(router);
      koa.use(router.routes());
      koa.use(router.allowedMethods({ throw: true }));
    }
  }
  koa.use(
    createOpenApiRoutes(() => {
      const version = options.endpoint?.()?.version;
      return buildOpenApiDocument(described, V4_PREFIXES, version === undefined ? {} : { version });
    }).routes(),
  );
  const dispose = async () => {
    koa.removeAllListeners();
  };
  return { koa, callback: () => koa.callback(), dispose, [Symbol.asyncDispose]: dispose };
}
