// The Reflect polyfill loads first, once per entry point, before any decorated class of core.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { Logger } from '@bcs/core';
import { startServer } from '@bcs/server';

/**
 * Starts the v4 REST API and the WebSocket event stream from code: LevelDB in a data directory, scheduling on
 * a simulated 3-agent Mesos cluster. Prints the API URL and the events URL once it answers; SIGINT or SIGTERM
 * closes it cleanly and exits 0. Bad arguments exit 2, a failure to start exits 1.
 *
 *   node examples/server/dist/main.js [--port N] [--data-dir DIR] [--host IP] [--cluster-id ID]
 *
 * Environment: PORT, DATA_DIR, CLUSTER_ID, LOG_LEVEL (debug, info, warn, error, silent; default info).
 */

const USAGE = 'usage: main.js [--port N (0: any free port)] [--data-dir DIR] [--host IP] [--cluster-id ID]';

/** The settings: flag, else environment variable, else default. */
interface Settings {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly logLevel: string;
}

function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({
    // `pnpm start -- --flag` may pass the `--` through.
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string' },
      'cluster-id': { type: 'string' },
    },
    strict: true,
  });
  const portText = values.port ?? env.PORT ?? '8899';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535)
    throw new TypeError(`port must be 0-65535, got "${portText}"`);
  return {
    host: values.host ?? '127.0.0.1',
    port,
    dataDir: values['data-dir'] ?? env.DATA_DIR ?? './data-example',
    clusterId: values['cluster-id'] ?? env.CLUSTER_ID ?? 'BCS-LOCAL-00001',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`server: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const server = await startServer({
    host: settings.host,
    port: settings.port,
    dataDir: settings.dataDir,
    clusterId: settings.clusterId,
    simAgents: 3,
    logger: consoleLogger(settings.logLevel),
  }).catch((error: unknown) => {
    console.error(`server: failed to start: ${(error as Error).message}`);
    process.exit(1);
  });

  // Install the signal handlers before announcing the URL: a supervisor may signal right after reading it.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`server: ${signal}, shutting down`);
    // A second signal while closing means "now".
    process.once(signal, () => process.exit(1));
    // Should everything not be closed 10 s after close(), say so and fail; unref'd, so it never keeps us up.
    setTimeout(() => {
      console.error('server: still running 10 s after close; something was left open');
      process.exit(1);
    }, 10_000).unref();
    server.close().then(
      // No process.exit(): once the server, the stream, the scheduler and the stores are closed, Node exits 0.
      () => console.log('server: closed'),
      (error: unknown) => {
        console.error(`server: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const events = `${server.url.replace(/^http/, 'ws')}/v4/scheduler/mesos/events`;
  console.log(`server: data in ${settings.dataDir}, cluster id ${settings.clusterId}`);
  console.log(`listening on ${server.url}`);
  console.log(`events on ${events} (header BCS-ClusterID: ${settings.clusterId})`);
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * core's Logger port on stderr, one line per entry: `level message key=value …`. Entries below `level` are
 * dropped; `silent` drops all. (The `bcs-scheduler` command uses pino; any logger with this shape works.)
 */
function consoleLogger(level: string): Logger {
  const min = level === 'silent' ? LEVELS.length : Math.max(0, LEVELS.indexOf(level as never));
  const at =
    (index: number) =>
    (fields: object, message = ''): void => {
      if (index < min) return;
      const pairs = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${value instanceof Error ? value.message : JSON.stringify(value)}`);
      process.stderr.write(`${LEVELS[index]} ${message} ${pairs.join(' ')}\n`);
    };
  return { debug: at(0), info: at(1), warn: at(2), error: at(3) };
}

await main();
