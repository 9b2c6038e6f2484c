import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFINITION_LIMITS } from '@bcs/core';
import { schedulerEndpoint } from '@bcs/mesos-http';
import { SERVER_DEFAULTS } from './start-server.js';

/** The `bcs-scheduler` command's settings after flags and environment are merged. */
export interface CliConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly clusterId: string;
  readonly simAgents: number;
  readonly logLevel: string;
  /** Event history kept for resuming subscribers. */
  readonly events: { readonly maxEvents: number; readonly maxAgeMs: number };
  /** Bytes a WebSocket subscriber may fall behind before the stream waits for it. */
  readonly eventBufferBytes: number;
  /** Seconds a subscriber may stay that far behind before it is closed (4008). */
  readonly eventStallSeconds: number;
  /** Extra Host names served (comma-separated flag); empty: the listen address, localhost and IPs only. */
  readonly allowedHosts: readonly string[];
  /** Browser origins allowed on the WebSocket besides the server's own (comma-separated flag). */
  readonly allowedOrigins: readonly string[];
  /** The most instances one application or deployment may have. */
  readonly maxInstances: number;
  /** Master URLs of a real Mesos cluster (`--mesos-master`); empty: the simulated cluster. */
  readonly mesosMasters: readonly string[];
  /** The executor taskgroups launch with: Mesos' DEFAULT one, or the original's custom one from `uri`. */
  readonly executor: { readonly kind: 'default' } | { readonly kind: 'bcs'; readonly uri: string };
  /** `framework_info.failover_timeout`, seconds. */
  readonly failoverTimeoutSeconds: number;
  /** The framework's Mesos role. */
  readonly mesosRole: string;
  /** Seconds between implicit reconciliations. */
  readonly reconcileIntervalSeconds: number;
  /** Subscribe as a new framework even though the store holds taskgroups (`--new-framework`). */
  readonly newFramework: boolean;
  /** etcd client URLs of `--store etcd://…` (the store in etcd); empty: LevelDB in `dataDir`. */
  readonly etcdEndpoints: readonly string[];
  /**
   * With `--store etcd://`: TLS to etcd, as PEM file paths (`--etcd-ca`, and `--etcd-cert` with `--etcd-key`
   * for a client certificate); undefined: plain TCP.
   */
  readonly etcdTls: { readonly ca: string; readonly cert?: string; readonly key?: string } | undefined;
  /** With `--store etcd://`: etcd user (`--etcd-user`) and password (`BCS_ETCD_PASSWORD` only: never a flag). */
  readonly etcdAuth: { readonly username: string; readonly password: string } | undefined;
  /** With `--store etcd://`: seconds of the leader election lease (`--leader-ttl`). */
  readonly leaderTtlSeconds: number;
  /** With `--store etcd://`: the URL other replicas send clients to while this one leads (`--advertise-url`). */
  readonly advertiseUrl: string | undefined;
  /** Seconds a command sent to the instances may wait for an answer before it becomes `timeout`. */
  readonly commandTimeoutSeconds: number;
  /** Remote health checks in flight at once. */
  readonly healthMaxConcurrent: number;
  /** The tokens file (`--auth-tokens`); undefined: no authentication (then only on a loopback host). */
  readonly authTokens: string | undefined;
  /** Serve HTTPS and WSS with this certificate chain and key (PEM file paths); undefined: plain HTTP. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** `--insecure-no-auth`: listen on a non-loopback host without `--auth-tokens` (logged as a warning). */
  readonly insecureNoAuth: boolean;
  readonly help: boolean;
}

/** Bounds of the Mesos flags. */
export const MESOS_FLAG_LIMITS = {
  masters: 16,
  uriLength: 2048,
  roleLength: 255,
  /** A year, Mesos' own cap on durations it keeps. */
  failoverTimeoutSeconds: 365 * 86_400,
  reconcileIntervalSeconds: 7 * 86_400,
} as const;

/** Bounds of the core flags, as core bounds them (command tracker: 1 s to 24 h; health checks: 1 to 256). */
export const CORE_FLAG_LIMITS = {
  commandTimeoutSeconds: { min: 1, max: 86_400 },
  healthMaxConcurrent: { min: 1, max: 256 },
} as const;

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
  'event-retention': {
    env: 'BCS_EVENT_RETENTION',
    help: `events kept for resuming subscribers (default ${SERVER_DEFAULTS.eventRetention})`,
  },
  'event-max-age': {
    env: 'BCS_EVENT_MAX_AGE',
    help: `seconds an event is kept at most (default ${SERVER_DEFAULTS.eventMaxAgeSeconds})`,
  },
  'event-buffer': {
    env: 'BCS_EVENT_BUFFER',
    help: `bytes a WebSocket subscriber may lag; past it the stream waits for it (default ${SERVER_DEFAULTS.eventBufferBytes})`,
  },
  'event-stall': {
    env: 'BCS_EVENT_STALL',
    help: `seconds a subscriber may stay past --event-buffer before it is closed, 4008 (default ${SERVER_DEFAULTS.eventStallSeconds})`,
  },
  'allowed-hosts': {
    env: 'BCS_ALLOWED_HOSTS',
    help: 'comma-separated Host names served besides the listen address, localhost and IP addresses; others get 403 (default none; on 0.0.0.0 without it, any)',
  },
  'allowed-origins': {
    env: 'BCS_ALLOWED_ORIGINS',
    help: "comma-separated browser origins (https://console.example) allowed on the WebSocket besides the server's own, * for any (default none)",
  },
  'max-instances': {
    env: 'BCS_MAX_INSTANCES',
    help: `most instances of one application or deployment, 1 to ${DEFINITION_LIMITS.instancesCeiling} (default ${SERVER_DEFAULTS.maxInstances})`,
  },
  'mesos-master': {
    env: 'BCS_MESOS_MASTER',
    help: 'comma-separated Mesos master URLs (http://host:5050); the scheduler then uses the real v1 HTTP API instead of the simulated cluster (default none)',
  },
  executor: {
    env: 'BCS_EXECUTOR',
    help: "executor of taskgroups: 'default' (Mesos' DEFAULT executor, LAUNCH_GROUP) or 'bcs' (the original's custom executor, needs --executor-uri) (default default)",
  },
  'executor-uri': {
    env: 'BCS_EXECUTOR_URI',
    help: 'URI the agents fetch the bcs executor from (required with --executor bcs)',
  },
  'failover-timeout': {
    env: 'BCS_FAILOVER_TIMEOUT',
    help: `seconds Mesos keeps the framework's tasks after the scheduler disconnects, 1 to ${MESOS_FLAG_LIMITS.failoverTimeoutSeconds} (default ${SERVER_DEFAULTS.failoverTimeoutSeconds})`,
  },
  'mesos-role': {
    env: 'BCS_MESOS_ROLE',
    help: `the framework's Mesos role (default ${SERVER_DEFAULTS.mesosRole})`,
  },
  'reconcile-interval': {
    env: 'BCS_RECONCILE_INTERVAL',
    help: `seconds between implicit reconciliations, 1 to ${MESOS_FLAG_LIMITS.reconcileIntervalSeconds} (default ${SERVER_DEFAULTS.reconcileIntervalSeconds})`,
  },
  'new-framework': {
    env: 'BCS_NEW_FRAMEWORK',
    help: 'subscribe as a new framework even though the store holds taskgroups (their tasks are orphaned); true or false (default false)',
  },
  store: {
    env: 'BCS_STORE',
    help: 'where the state lives: level (LevelDB in --data-dir), level:DIR (the same, DIR as --data-dir) or etcd://host:port[,host:port...] (etcd v3, under /bcs/<cluster-id>/) (default level)',
  },
  'etcd-ca': {
    env: 'BCS_ETCD_CA',
    help: "with --store etcd://: PEM file of the CA that signed the etcd servers' certificates: TLS to etcd",
  },
  'etcd-cert': {
    env: 'BCS_ETCD_CERT',
    help: 'with --etcd-ca: PEM file of the client certificate etcd asks for (with --etcd-key)',
  },
  'etcd-key': { env: 'BCS_ETCD_KEY', help: 'with --etcd-cert: PEM file of its private key' },
  'etcd-user': {
    env: 'BCS_ETCD_USER',
    help: 'with --store etcd://: etcd user name (its password only from $BCS_ETCD_PASSWORD)',
  },
  'leader-ttl': {
    env: 'BCS_LEADER_TTL',
    help: `with --store etcd://: seconds of the leader election lease, 1 to 300; a dead leader is replaced after it (default ${SERVER_DEFAULTS.leaderTtlSeconds})`,
  },
  'advertise-url': {
    env: 'BCS_ADVERTISE_URL',
    help: "with --store etcd://: this replica's URL as other replicas name it when it leads (default http://HOST:PORT as bound)",
  },
  'command-timeout': {
    env: 'BCS_COMMAND_TIMEOUT',
    help: `seconds a command to the instances waits for an answer before it is timeout, ${CORE_FLAG_LIMITS.commandTimeoutSeconds.min} to ${CORE_FLAG_LIMITS.commandTimeoutSeconds.max} (default ${SERVER_DEFAULTS.commandTimeoutSeconds})`,
  },
  'health-max-concurrent': {
    env: 'BCS_HEALTH_MAX_CONCURRENT',
    help: `remote health checks (HTTP, TCP) in flight at once; the others wait their turn, ${CORE_FLAG_LIMITS.healthMaxConcurrent.min} to ${CORE_FLAG_LIMITS.healthMaxConcurrent.max} (default ${SERVER_DEFAULTS.healthMaxConcurrent})`,
  },
  'auth-tokens': {
    env: 'BCS_AUTH_TOKENS',
    help: 'tokens file (JSON lines {"token","name","role":"read|write|admin","namespaces"?}): every request needs Authorization: Bearer <token> (default none: no authentication, loopback hosts only)',
  },
  'tls-cert': {
    env: 'BCS_TLS_CERT',
    help: 'PEM file of the server certificate (chain): serve HTTPS and WSS (with --tls-key)',
  },
  'tls-key': { env: 'BCS_TLS_KEY', help: 'with --tls-cert: PEM file of its private key' },
  'insecure-no-auth': {
    env: 'BCS_INSECURE_NO_AUTH',
    help: 'listen on a non-loopback --host without --auth-tokens: anyone who reaches the port may do anything; true or false (default false)',
  },
  'log-level': {
    env: 'BCS_LOG_LEVEL',
    help: 'pino level: debug, info, warn, error or silent (default info)',
  },
} as const;

/** `bcs-scheduler --help`. */
export function usage(): string {
  const lines = Object.entries(CLI_FLAGS).map(([flag, d]) => `  --${flag.padEnd(18)} ${d.help}  [$${d.env}]`);
  return ['usage: bcs-scheduler [flags]', '', ...lines, `  --${'help'.padEnd(18)} this text`].join('\n');
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
      'event-retention': { type: 'string' },
      'event-max-age': { type: 'string' },
      'event-buffer': { type: 'string' },
      'event-stall': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'max-instances': { type: 'string' },
      'mesos-master': { type: 'string' },
      executor: { type: 'string' },
      'executor-uri': { type: 'string' },
      'failover-timeout': { type: 'string' },
      'mesos-role': { type: 'string' },
      'reconcile-interval': { type: 'string' },
      'new-framework': { type: 'boolean' },
      store: { type: 'string' },
      'etcd-ca': { type: 'string' },
      'etcd-cert': { type: 'string' },
      'etcd-key': { type: 'string' },
      'etcd-user': { type: 'string' },
      'leader-ttl': { type: 'string' },
      'advertise-url': { type: 'string' },
      'command-timeout': { type: 'string' },
      'health-max-concurrent': { type: 'string' },
      'auth-tokens': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'insecure-no-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const pick = (
    flag: Exclude<keyof typeof CLI_FLAGS, 'new-framework' | 'insecure-no-auth'>,
  ): string | undefined => {
    const value = values[flag] ?? env[CLI_FLAGS[flag].env];
    if (value !== undefined && value.trim() === '') throw new TypeError(`--${flag} must not be empty`);
    return value;
  };
  const integer = (flag: Parameters<typeof pick>[0], fallback: number, max: number, min = 0): number => {
    const raw = pick(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n > max || n < min)
      throw new TypeError(`--${flag} must be an integer from ${min} to ${max}`);
    return n;
  };
  const list = (flag: Parameters<typeof pick>[0]): string[] =>
    (pick(flag) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const logLevel = pick('log-level') ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new TypeError('--log-level must be one of trace, debug, info, warn, error, fatal, silent');
  }
  const store = storeFlag(pick('store'), pick('data-dir'));
  const host = pick('host') ?? SERVER_DEFAULTS.host;
  const authTokens = pick('auth-tokens');
  const insecureNoAuth =
    values['insecure-no-auth'] === true || bool(env[CLI_FLAGS['insecure-no-auth'].env], 'insecure-no-auth');
  if (authTokens === undefined && !insecureNoAuth && !isLoopbackHost(host)) {
    throw new TypeError(
      `--host ${host} is not a loopback address: give --auth-tokens, or --insecure-no-auth to serve it without authentication`,
    );
  }
  const tls = tlsFiles(pick('tls-cert'), pick('tls-key'));
  if (tls !== undefined && store.etcdEndpoints.length > 0) {
    throw new TypeError(
      '--tls-cert is not supported with --store etcd:// yet (the follower listener is HTTP)',
    );
  }
  return {
    host,
    port: integer('port', SERVER_DEFAULTS.port, 65535),
    dataDir: store.dataDir ?? pick('data-dir') ?? SERVER_DEFAULTS.dataDir,
    clusterId: pick('cluster-id') ?? SERVER_DEFAULTS.clusterId,
    simAgents: integer('sim-agents', SERVER_DEFAULTS.simAgents, 100_000),
    logLevel,
    events: {
      maxEvents: integer('event-retention', SERVER_DEFAULTS.eventRetention, 100_000_000, 1),
      maxAgeMs: integer('event-max-age', SERVER_DEFAULTS.eventMaxAgeSeconds, 365 * 86_400, 1) * 1000,
    },
    eventBufferBytes: integer('event-buffer', SERVER_DEFAULTS.eventBufferBytes, 1024 ** 3, 1024),
    eventStallSeconds: integer('event-stall', SERVER_DEFAULTS.eventStallSeconds, 3600),
    allowedHosts: list('allowed-hosts'),
    allowedOrigins: origins(list('allowed-origins')),
    maxInstances: integer(
      'max-instances',
      SERVER_DEFAULTS.maxInstances,
      DEFINITION_LIMITS.instancesCeiling,
      1,
    ),
    mesosMasters: masters(list('mesos-master')),
    executor: executor(pick('executor'), pick('executor-uri')),
    failoverTimeoutSeconds: integer(
      'failover-timeout',
      SERVER_DEFAULTS.failoverTimeoutSeconds,
      MESOS_FLAG_LIMITS.failoverTimeoutSeconds,
      1,
    ),
    mesosRole: role(pick('mesos-role') ?? SERVER_DEFAULTS.mesosRole),
    reconcileIntervalSeconds: integer(
      'reconcile-interval',
      SERVER_DEFAULTS.reconcileIntervalSeconds,
      MESOS_FLAG_LIMITS.reconcileIntervalSeconds,
      1,
    ),
    newFramework:
      values['new-framework'] === true || bool(env[CLI_FLAGS['new-framework'].env], 'new-framework'),
    etcdEndpoints: store.etcdEndpoints,
    etcdTls: etcdTls(pick('etcd-ca'), pick('etcd-cert'), pick('etcd-key')),
    etcdAuth: etcdAuth(pick('etcd-user'), env.BCS_ETCD_PASSWORD),
    leaderTtlSeconds: integer('leader-ttl', SERVER_DEFAULTS.leaderTtlSeconds, 300, 1),
    advertiseUrl: advertiseUrl(pick('advertise-url')),
    commandTimeoutSeconds: integer(
      'command-timeout',
      SERVER_DEFAULTS.commandTimeoutSeconds,
      CORE_FLAG_LIMITS.commandTimeoutSeconds.max,
      CORE_FLAG_LIMITS.commandTimeoutSeconds.min,
    ),
    healthMaxConcurrent: integer(
      'health-max-concurrent',
      SERVER_DEFAULTS.healthMaxConcurrent,
      CORE_FLAG_LIMITS.healthMaxConcurrent.max,
      CORE_FLAG_LIMITS.healthMaxConcurrent.min,
    ),
    authTokens,
    tls,
    insecureNoAuth,
    help: values.help === true,
  };
}

/** `--etcd-ca`, `--etcd-cert`, `--etcd-key`: the CA alone, or with a client certificate and its key. */
function etcdTls(
  ca: string | undefined,
  cert: string | undefined,
  key: string | undefined,
): CliConfig['etcdTls'] {
  if ((cert === undefined) !== (key === undefined))
    throw new TypeError('--etcd-cert and --etcd-key go together');
  if (ca === undefined) {
    if (cert !== undefined) throw new TypeError('--etcd-cert needs --etcd-ca');
    return undefined;
  }
  return cert === undefined || key === undefined ? { ca } : { ca, cert, key };
}

/** `--etcd-user` with `$BCS_ETCD_PASSWORD` (a password on the command line would show in `ps`). */
function etcdAuth(username: string | undefined, password: string | undefined): CliConfig['etcdAuth'] {
  if (username === undefined) {
    if (password !== undefined && password !== '')
      throw new TypeError('--etcd-user: $BCS_ETCD_PASSWORD is set without a user');
    return undefined;
  }
  if (password === undefined || password === '')
    throw new TypeError('--etcd-user needs its password in $BCS_ETCD_PASSWORD');
  return { username, password };
}

/** `--advertise-url`: an absolute http(s) URL without query or fragment, kept without a trailing slash. */
function advertiseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError('--advertise-url must be an absolute http:// or https:// URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '')
    throw new TypeError('--advertise-url must be an http:// or https:// URL without query or fragment');
  return value.replace(/\/+$/, '');
}

/** The most etcd endpoints `--store etcd://…` takes. */
const MAX_ETCD_ENDPOINTS = 16;

// `--store`: `level`, `level:DIR` (DIR is the data dir; a different --data-dir is an error) or
// `etcd://host:port[,host:port…]` (client URLs http://host:port, at most MAX_ETCD_ENDPOINTS).
function storeFlag(
  value: string | undefined,
  dataDir: string | undefined,
): { dataDir?: string; etcdEndpoints: string[] } {
  if (value === undefined || value === 'level') return { etcdEndpoints: [] };
  if (value.startsWith('level:')) {
    const dir = value.slice('level:'.length);
    if (dir === '') throw new TypeError('--store level:DIR needs a directory');
    if (dataDir !== undefined && dataDir !== dir)
      throw new TypeError('--store level:DIR and --data-dir name different directories');
    return { dataDir: dir, etcdEndpoints: [] };
  }
  if (!value.startsWith('etcd://'))
    throw new TypeError('--store must be level, level:DIR or etcd://host:port[,host:port...]');
  const hosts = value
    .slice('etcd://'.length)
    .split(',')
    .map((item) => item.trim());
  if (hosts.length > MAX_ETCD_ENDPOINTS)
    throw new TypeError(`--store etcd://: at most ${MAX_ETCD_ENDPOINTS} endpoints`);
  return {
    etcdEndpoints: hosts.map((host) => {
      let url: URL | undefined;
      try {
        url = new URL(`http://${host}`);
      } catch {
        url = undefined;
      }
      if (url === undefined || host === '' || url.port === '' || `${url.host}` !== host.toLowerCase())
        throw new TypeError(`--store etcd://: ${JSON.stringify(host)} must be host:port`);
      return url.origin;
    }),
  };
}

// Each master is http(s)://host:port (no path), at most MESOS_FLAG_LIMITS.masters of them.
function masters(items: string[]): string[] {
  if (items.length > MESOS_FLAG_LIMITS.masters)
    throw new TypeError(`--mesos-master: at most ${MESOS_FLAG_LIMITS.masters} masters`);
  return items.map((item) => {
    try {
      return schedulerEndpoint(item).origin;
    } catch {
      throw new TypeError(`--mesos-master: ${JSON.stringify(item)} must be http(s)://host:port`);
    }
  });
}

function executor(kind: string | undefined, uri: string | undefined): CliConfig['executor'] {
  if (kind === undefined || kind === 'default') {
    if (uri !== undefined) throw new TypeError('--executor-uri needs --executor bcs');
    return { kind: 'default' };
  }
  if (kind !== 'bcs') throw new TypeError("--executor must be 'default' or 'bcs'");
  if (uri === undefined) throw new TypeError('--executor bcs needs --executor-uri');
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (url === undefined || uri.length > MESOS_FLAG_LIMITS.uriLength || /\s/.test(uri))
    throw new TypeError(
      `--executor-uri must be an absolute URI (http://..., hdfs://...) of at most ${MESOS_FLAG_LIMITS.uriLength} characters`,
    );
  return { kind: 'bcs', uri };
}

// A Mesos role (spec/mesos-v1.md §4): `*`, or a `/`-path whose components are not empty, `.`, `..` or `*`,
// do not start with `-`, and have no whitespace.
function role(value: string): string {
  const valid =
    value === '*' ||
    (value.length <= MESOS_FLAG_LIMITS.roleLength &&
      value
        .split('/')
        .every(
          (part) => part !== '' && part !== '.' && part !== '..' && part !== '*' && !/^-|\s/.test(part),
        ));
  if (!valid)
    throw new TypeError(
      `--mesos-role must be * or a /-path of names (not ., .., *, no leading -, no whitespace), at most ${MESOS_FLAG_LIMITS.roleLength} characters`,
    );
  return value;
}

// The environment's form of a boolean flag.
function bool(value: string | undefined, flag: 'new-framework' | 'insecure-no-auth'): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new TypeError(`--${flag} ($${CLI_FLAGS[flag].env}) must be true or false`);
}

/**
 * Whether the server listening on `host` is reachable from this machine only: `localhost` (and names under
 * `.localhost`), an address in 127.0.0.0/8, `::1`, or an IPv4-mapped 127.x (`::ffff:127.0.0.1`). `0.0.0.0`
 * and `::` (every interface) are not.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  if (family === 4) return name.startsWith('127.');
  if (family === 6)
    return name === '::1' || /^(0{0,4}:){0,5}:?ffff:127\./.test(name) || /^0*:(0*:){6}0*1$/.test(name);
  return false;
}

/** `--tls-cert` with `--tls-key`: both or neither. */
function tlsFiles(cert: string | undefined, key: string | undefined): CliConfig['tls'] {
  if ((cert === undefined) !== (key === undefined))
    throw new TypeError('--tls-cert and --tls-key go together');
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

// Each origin is `*` or scheme://host[:port] with nothing after it; returned as URL origins (lower case, no
// default port).
function origins(items: string[]): string[] {
  return items.map((item) => {
    if (item === '*') return item;
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      !/^https?:$/.test(url.protocol) ||
      url.pathname !== '/' ||
      url.search !== '' ||
      url.hash !== '' ||
      url.username !== ''
    ) {
      throw new TypeError(`--allowed-origins: ${JSON.stringify(item)} must be * or scheme://host[:port]`);
    }
    return url.origin;
  });
}
