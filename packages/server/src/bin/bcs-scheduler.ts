#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { type Logger, pino } from 'pino';
import { loadTokenFile, TokenFileError, type TokenTable } from '../auth-tokens.js';
import { isLoopbackHost, parseCliConfig, usage } from '../cli-config.js';
import { EXIT_DEPOSED, startReplica } from '../replica.js';
import { startServer } from '../start-server.js';
import { closeOnSignals } from './on-signals.js';

/**
 * `bcs-scheduler`: the v4 REST API on LevelDB. Prints `listening on http://HOST:PORT` once it answers;
 * SIGTERM or SIGINT closes the listener, finishes open requests and closes the store, then exits 0.
 * Bad flags exit 2; a failure to start (port taken, data dir locked by another process) exits 1.
 *
 * With `--store etcd://…` it is one replica of a highly available scheduler: it prints `following leader URL`
 * and answers as a follower (307 to the leader) while it campaigns, and prints `listening on …` once elected. A deposed leader stops at
 * once and exits 75 (EXIT_DEPOSED) for its supervisor to restart it.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseCliConfig>;
  try {
    config = parseCliConfig(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`bcs-scheduler: ${(error as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  // A bad tokens file is a bad flag: refuse to start, naming its line (never a token).
  let tokens: TokenTable | undefined;
  if (config.authTokens !== undefined) {
    try {
      tokens = await loadTokenFile(config.authTokens);
    } catch (error) {
      if (!(error instanceof TokenFileError)) throw error;
      process.stderr.write(`bcs-scheduler: --auth-tokens ${error.message}\n`);
      process.exit(2);
    }
  }
  const logger = pino({ level: config.logLevel, base: { service: 'bcs-scheduler' } });
  if (tokens !== undefined) {
    logger.info({ tokens: tokens.size() }, 'authentication on (--auth-tokens)');
    reloadOnHangup(config.authTokens!, tokens, logger);
  } else if (!isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      '--insecure-no-auth: listening on a non-loopback host without authentication; anyone who reaches the port may do anything',
    );
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const {
      eventBufferBytes,
      eventStallSeconds,
      maxInstances,
      mesosMasters,
      executor,
      failoverTimeoutSeconds,
      mesosRole,
      reconcileIntervalSeconds,
      newFramework,
      leaderTtlSeconds,
      advertiseUrl,
      etcdTls,
      etcdAuth,
      commandTimeoutSeconds,
      healthMaxConcurrent,
      authTokens: _tokensFile,
      insecureNoAuth: _insecure,
      tls,
      ...rest
    } = config;
    const etcdClient = {
      ...(etcdTls === undefined
        ? {}
        : {
            credentials: {
              rootCertificate: readFileSync(etcdTls.ca),
              ...(etcdTls.cert === undefined || etcdTls.key === undefined
                ? {}
                : { certChain: readFileSync(etcdTls.cert), privateKey: readFileSync(etcdTls.key) }),
            },
          }),
      ...(etcdAuth === undefined ? {} : { auth: etcdAuth }),
    };
    const options = {
      ...rest,
      etcdClient,
      mesosMasters,
      engine: {
        executor,
        failoverTimeoutSeconds,
        role: mesosRole,
        reconcileIntervalMs: reconcileIntervalSeconds * 1000,
        allowNewFramework: newFramework,
      },
      limits: { maxInstances },
      commands: { timeoutMs: commandTimeoutSeconds * 1000 },
      healthChecks: { maxConcurrent: healthMaxConcurrent },
      eventStream: { maxBufferedBytes: eventBufferBytes, stallTimeoutMs: eventStallSeconds * 1000 },
      logger,
      ...(tokens === undefined ? {} : { auth: { authenticate: tokens.authenticate } }),
      ...(tls === undefined ? {} : { tls: { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } }),
    };
    if (config.etcdEndpoints.length === 0) server = await startServer(options);
    else {
      // SIGTERM or SIGINT while following: stop campaigning (the lease is revoked, the registration with it).
      const following = new AbortController();
      const stopFollowing = (signal: string) => {
        logger.info({ signal }, 'shutting down (following)');
        following.abort(new Error(signal));
      };
      process.once('SIGTERM', stopFollowing);
      process.once('SIGINT', stopFollowing);
      const replica = await startReplica({
        ...options,
        signal: following.signal,
        etcdEndpoints: config.etcdEndpoints,
        leaderTtlSeconds,
        ...(advertiseUrl === undefined ? {} : { advertiseUrl }),
        onFollowing: (leader, url) =>
          process.stdout.write(
            `following leader ${leader ?? '(none yet)'}; on ${url} until elected (307 to the leader)\n`,
          ),
        onDeposed: (error, stopped) => {
          process.stderr.write(`bcs-scheduler: deposed, exiting ${EXIT_DEPOSED}: ${error.message}\n`);
          // Stop at once: the Mesos stream and the event subscriptions close first, bounded by a second.
          const exit = () => process.exit(EXIT_DEPOSED);
          setTimeout(exit, 1_000).unref();
          void stopped.then(exit, exit);
        },
      });
      process.off('SIGTERM', stopFollowing);
      process.off('SIGINT', stopFollowing);
      if (following.signal.aborted) {
        await replica.close();
        process.exit(0);
      }
      server = { ...replica.server, close: replica.close };
    }
  } catch (error) {
    if (error instanceof Error && /^SIG(TERM|INT)$/.test(error.message)) process.exit(0);
    logger.fatal({ err: error }, 'failed to start');
    process.stderr.write(`bcs-scheduler: failed to start: ${describeStartError(error, config.dataDir)}\n`);
    process.exit(1);
  }
  if (server.mesosDriver !== undefined) {
    logger.info({ masters: config.mesosMasters }, 'mesos: using the v1 HTTP API (no simulated cluster)');
  }
  if (server.eventStream !== undefined) {
    logger.info({ path: '/v4/scheduler/mesos/events' }, 'event stream ready (WebSocket)');
  }
  closeOnSignals(logger, () => server.close());
  // Announced only once the signal handlers are in place: a supervisor may SIGTERM right after reading it.
  process.stdout.write(`listening on ${server.url}\n`);
}

/**
 * SIGHUP re-reads the tokens file: a valid one replaces the tokens at once (requests in flight keep the
 * principal they had); an invalid one is logged with its line and the old tokens stay. Open WebSocket
 * subscriptions keep the access they were opened with.
 */
function reloadOnHangup(path: string, tokens: TokenTable, logger: Logger): void {
  process.on('SIGHUP', () => {
    loadTokenFile(path).then(
      (next) => {
        tokens.replace(next);
        logger.info({ tokens: next.size() }, 'auth tokens reloaded (SIGHUP)');
      },
      (error: unknown) =>
        logger.error(
          { reason: error instanceof TokenFileError ? error.message : String(error) },
          'auth tokens not reloaded (SIGHUP): the old ones stay',
        ),
    );
  });
}

/** Explains a start failure in one line; a LevelDB lock means another process has the data dir open. */
function describeStartError(error: unknown, dataDir: string): string {
  const chain: { message?: unknown; code?: unknown }[] = [];
  for (let e = error as { cause?: unknown } | undefined; e && chain.length < 10; e = e.cause as typeof e) {
    chain.push(e as { message?: unknown; code?: unknown });
  }
  const text = String(chain[0]?.message ?? error);
  const locked = chain.some((e) => e.code === 'LEVEL_LOCKED' || /\block\b/i.test(String(e.message)));
  return locked ? `data dir ${dataDir} is in use by another process (${text})` : text;
}

await main();
