import { parseArgs } from 'node:util';
import { SERVER_DEFAULTS } from './start-server.js';

/** The `bcs-scheduler` command's settings after flags and environment are merged. */
export interface CliConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly simAgents: number;
  readonly logLevel: string;
  readonly help: boolean;
}

/** Each flag, the environment variable that sets it when the flag is absent, and its help text. */
export const CLI_FLAGS = {
  host: { env: 'BCS_HOST', help: `interface to listen on (default ${SERVER_DEFAULTS.host})` },
  port: { env: 'BCS_PORT', help: `TCP port, 0 for any free one (default ${SERVER_DEFAULTS.port})` },
  'data-dir': { env: 'BCS_DATA_DIR', help: `LevelDB data directory (default ${SERVER_DEFAULTS.dataDir})` },
  'cluster-id': {
    env: 'BCS_CLUSTER_ID',
    help: `required BCS-ClusterID header (default ${SERVER_DEFAULTS.clusterId})`,
  },
  'sim-agents': {
    env: 'BCS_SIM_AGENTS',
    help: `agents of the simulated local Mesos cluster, 0 for none (default ${SERVER_DEFAULTS.simAgents})`,
  },
  'log-level': {
    env: 'BCS_LOG_LEVEL',
    help: 'pino level: debug, info, warn, error or silent (default info)',
  },
} as const;

/** `bcs-scheduler --help`. */
export function usage(): string {
  const lines = Object.entries(CLI_FLAGS).map(([flag, d]) => `  --${flag.padEnd(12)} ${d.help}  [$${d.env}]`);
  return ['usage: bcs-scheduler [flags]', '', ...lines, '  --help         this text'].join('\n');
}

/**
 * Merges flags over environment over defaults. Throws a `TypeError` naming the flag for an unknown flag,
 * a port outside 0–65535, a negative or non-integer agent count, or an empty value.
 */
export function parseCliConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliConfig {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'cluster-id': { type: 'string' },
      'sim-agents': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const pick = (flag: keyof typeof CLI_FLAGS): string | undefined => {
    const value = values[flag] ?? env[CLI_FLAGS[flag].env];
    if (value !== undefined && value.trim() === '') throw new TypeError(`--${flag} must not be empty`);
    return value;
  };
  const integer = (flag: keyof typeof CLI_FLAGS, fallback: number, max: number): number => {
    const raw = pick(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n > max)
      throw new TypeError(`--${flag} must be an integer from 0 to ${max}`);
    return n;
  };
  const logLevel = pick('log-level') ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new TypeError('--log-level must be one of trace, debug, info, warn, error, fatal, silent');
  }
  return {
    host: pick('host') ?? SERVER_DEFAULTS.host,
    port: integer('port', SERVER_DEFAULTS.port, 65535),
    dataDir: pick('data-dir') ?? SERVER_DEFAULTS.dataDir,
    clusterId: pick('cluster-id') ?? SERVER_DEFAULTS.clusterId,
    simAgents: integer('sim-agents', SERVER_DEFAULTS.simAgents, 100_000),
    logLevel,
    help: values.help === true,
  };
}
