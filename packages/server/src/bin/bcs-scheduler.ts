#!/usr/bin/env node
import 'reflect-metadata';
import { pino } from 'pino';
import { parseCliConfig, usage } from '../cli-config.js';
import { startServer } from '../start-server.js';
import { closeOnSignals } from './on-signals.js';

/**
 * `bcs-scheduler`: the v4 REST API on LevelDB. Prints `listening on http://HOST:PORT` once it answers;
 * SIGTERM or SIGINT closes the listener, finishes open requests and closes the store, then exits 0.
 * Bad flags exit 2; a failure to start (port taken, data dir locked by another process) exits 1.
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
  const logger = pino({ level: config.logLevel, base: { service: 'bcs-scheduler' } });
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
      ...rest
    } = config;
    server = await startServer({
      ...rest,
      mesosMasters,
      engine: {
        executor,
        failoverTimeoutSeconds,
        role: mesosRole,
        reconcileIntervalMs: reconcileIntervalSeconds * 1000,
        allowNewFramework: newFramework,
      },
      limits: { maxInstances },
      eventStream: { maxBufferedBytes: eventBufferBytes, stallTimeoutMs: eventStallSeconds * 1000 },
      logger,
    });
  } catch (error) {
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
