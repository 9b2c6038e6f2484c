#!/usr/bin/env node
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '@bcs/core';
import { MesosSimServer, SimulatedCluster } from '@bcs/mesos-sim';
import { createLevelStore } from '@bcs/store-level';
import { pino } from 'pino';
import { parseSimFlags, SIM_USAGE, type SimCliConfig } from '../sim-cli-config.js';
import { closeOnSignals } from './on-signals.js';

/**
 * `bcs-mesos-sim`: the simulated Mesos master and agents of @bcs/mesos-sim behind Mesos' v1 scheduler HTTP API,
 * as a process of its own, with its state in LevelDB (`<data-dir>/sim-cluster`, the layout the embedded
 * simulator uses). Prints `listening on http://HOST:PORT` once per master when all listen; SIGTERM or SIGINT
 * closes the listeners and the store, then exits 0. Bad flags exit 2; a failure to start exits 1.
 */

async function main(): Promise<void> {
  let config: SimCliConfig;
  try {
    config = parseSimFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bcs-mesos-sim: ${(error as Error).message}\n${SIM_USAGE}\n`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(`${SIM_USAGE}\n`);
    return;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'bcs-mesos-sim' } }, pino.destination(2));
  let close: () => Promise<void>;
  let urls: readonly string[];
  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await chmod(config.dataDir, 0o700);
    const store = createLevelStore({ location: join(config.dataDir, 'sim-cluster') });
    await store.open();
    try {
      // The server keeps the call log (GET /admin/calls); the cluster need not keep a second one.
      const cluster = new SimulatedCluster({
        clock: systemClock,
        agents: config.agents,
        seed: config.seed,
        store,
        recordCalls: false,
        logger,
      });
      const ports =
        config.port === 0 ? undefined : Array.from({ length: config.masters }, (_, i) => config.port + i);
      const server = await MesosSimServer.start({
        cluster,
        clock: systemClock,
        masters: config.masters,
        host: config.host,
        heartbeatSeconds: config.heartbeatSeconds,
        seed: config.seed,
        recordCalls: config.recordCalls,
        logger,
        ...(ports === undefined ? {} : { ports }),
      });
      urls = server.urls;
      close = async () => {
        await server.close();
        await cluster.dispose();
        await store.close();
      };
      logger.info({ agents: cluster.agents().length, frameworkId: cluster.frameworkId }, 'cluster loaded');
    } catch (error) {
      await store.close();
      throw error;
    }
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.stderr.write(`bcs-mesos-sim: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  closeOnSignals(logger, close);
  // Announced only once the signal handlers are in place: a supervisor may SIGTERM right after reading it.
  for (const url of urls) process.stdout.write(`listening on ${url}\n`);
}

await main();
