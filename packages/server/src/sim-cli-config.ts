import { resolve } from 'node:path';

/** The flags of `bcs-mesos-sim` (see {@link SIM_USAGE}). */
export const SIM_USAGE = `usage: bcs-mesos-sim [--agents N] [--port PORT] [--masters 1|3] [--data-dir DIR] [--seed N]
                     [--heartbeat-seconds S] [--host HOST] [--log-level LEVEL] [--no-record-calls]
  --agents N             simulated agents (default 3, at most ${100_000})
  --port PORT            the first master's port; master i listens on PORT+i; 0 = ephemeral (default 5050)
  --masters 1|3          masters (default 1); only the leader serves, the others answer 307 to it
  --data-dir DIR         where the cluster state persists across restarts (default ./.bcs-mesos-sim)
  --seed N               seeds ids, uuids and shuffles (default 1)
  --heartbeat-seconds S  HEARTBEAT interval announced in SUBSCRIBED and kept (default 15)
  --host HOST            listen address (default 127.0.0.1; the admin endpoints answer loopback only)
  --log-level LEVEL      fatal, error, warn, info, debug (default info; logs go to stderr)
  --record-calls BOOL    keep every call body for GET /admin/calls, true or false (default true; a
                         long-running simulator should turn it off: the log otherwise grows for ever)
  --no-record-calls      the same as --record-calls false (GET /admin/calls then answers [])`;

export interface SimCliConfig {
  readonly help: boolean;
  readonly agents: number;
  readonly port: number;
  readonly masters: 1 | 3;
  readonly dataDir: string;
  readonly seed: number;
  readonly heartbeatSeconds: number;
  readonly host: string;
  readonly logLevel: string;
  /** Keep every call body for `GET /admin/calls` (`--record-calls`, `--no-record-calls`). */
  readonly recordCalls: boolean;
}

/** Parses the flags (`--name value` or `--name=value`); throws with a message naming the flag and the rule. */
export function parseSimFlags(argv: readonly string[]): SimCliConfig {
  const values = new Map<string, string>();
  let help = false;
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--no-record-calls') {
      values.set('record-calls', 'false');
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unexpected argument ${arg}`);
    const name = match[1]!;
    if (!FLAGS.has(name)) throw new Error(`unknown flag --${name}`);
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be an integer`);
    const n = Number(text);
    if (n < min || n > max) throw new Error(`--${name} must be between ${min} and ${max}`);
    return n;
  };
  const masters = int('masters', 1, 1, 3);
  if (masters === 2) throw new Error('--masters must be 1 or 3');
  const port = int('port', 5050, 0, 65535);
  if (port !== 0 && port + masters - 1 > 65535) throw new Error('--port: every master needs a port ≤ 65535');
  const heartbeat = values.get('heartbeat-seconds');
  const heartbeatSeconds = heartbeat === undefined ? 15 : Number(heartbeat);
  if (!(heartbeatSeconds > 0) || !Number.isFinite(heartbeatSeconds) || heartbeatSeconds > 3600)
    throw new Error('--heartbeat-seconds must be a number > 0 and ≤ 3600');
  const logLevel = values.get('log-level') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'silent'].includes(logLevel))
    throw new Error('--log-level must be fatal, error, warn, info, debug or silent');
  const host = values.get('host') ?? '127.0.0.1';
  if (host === '') throw new Error('--host must not be empty');
  const record = values.get('record-calls') ?? 'true';
  if (record !== 'true' && record !== 'false') throw new Error('--record-calls must be true or false');
  const dataDir = values.get('data-dir') ?? './.bcs-mesos-sim';
  if (dataDir === '') throw new Error('--data-dir must not be empty');
  return {
    help,
    agents: int('agents', 3, 1, 100_000),
    port,
    masters: masters as 1 | 3,
    dataDir: resolve(dataDir),
    seed: int('seed', 1, 0, 0xffff_ffff),
    heartbeatSeconds,
    host,
    logLevel,
    recordCalls: record === 'true',
  };
}

const FLAGS = new Set([
  'agents',
  'port',
  'masters',
  'data-dir',
  'seed',
  'heartbeat-seconds',
  'host',
  'log-level',
  'record-calls',
]);
