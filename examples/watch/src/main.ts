import { parseArgs } from 'node:util';
// Types only: at run time this client needs nothing but `ws`.
import type { DomainEvent, EventMessage, TaskGroupSnapshot } from '@bcs/core';
import WebSocket from 'ws';

/**
 * A WebSocket client of the scheduler's event stream: the live status of every taskgroup of one namespace.
 * It starts from the current state (a `snapshot`), applies each event to its table and prints one line
 * per change, `#seq app/taskgroup from → to host`. It remembers the last sequence number it applied; when the
 * connection drops it reconnects with `since=<that>` after a back-off, so it misses nothing and sees nothing
 * twice. SIGINT or SIGTERM closes it and exits 0; `--exit-when-running N` exits 0 once N taskgroups are
 * Running. A refused handshake (wrong cluster id, bad namespace) exits 1, bad arguments exit 2.
 *
 *   node examples/watch/dist/main.js [--url URL] [--namespace NS] [--cluster-id ID] [--exit-when-running N]
 *
 * Environment: BCS_URL, NAMESPACE, CLUSTER_ID, EXIT_WHEN_RUNNING.
 */

const USAGE =
  'usage: main.js [--url http://127.0.0.1:8899] [--namespace defaultGroup] [--cluster-id BCS-LOCAL-00001] ' +
  '[--exit-when-running N]';

/** The stream's path under the server URL (also served under `/bcsapi`). */
const EVENTS_PATH = '/v4/scheduler/mesos/events';

/** Reconnection back-off: doubles from the first to the last after each failed attempt; reset by a `hello`. */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 5_000;

interface Settings {
  /** The server's base URL, `http(s)://host:port`; the client turns it into `ws(s)://…`. */
  readonly url: string;
  readonly namespace: string;
  readonly clusterId: string;
  /** Exit 0 once this many taskgroups are Running (absent: run until a signal). */
  readonly exitWhenRunning: number | undefined;
}

function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Settings {
  const { values } = parseArgs({
    // `pnpm start -- --flag` may pass the `--` through.
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      url: { type: 'string' },
      namespace: { type: 'string' },
      'cluster-id': { type: 'string' },
      'exit-when-running': { type: 'string' },
    },
    strict: true,
  });
  const count = values['exit-when-running'] ?? env.EXIT_WHEN_RUNNING;
  if (count !== undefined && !/^[1-9]\d*$/.test(count)) {
    throw new TypeError(`--exit-when-running must be a whole number ≥ 1, got "${count}"`);
  }
  const url = values.url ?? env.BCS_URL ?? 'http://127.0.0.1:8899';
  if (!/^(http|ws)s?:\/\//.test(url))
    throw new TypeError(`--url must start with http:// or ws://, got "${url}"`);
  return {
    url: url.replace(/\/+$/, ''),
    namespace: values.namespace ?? env.NAMESPACE ?? 'defaultGroup',
    clusterId: values['cluster-id'] ?? env.CLUSTER_ID ?? 'BCS-LOCAL-00001',
    exitWhenRunning: count === undefined ? undefined : Number(count),
  };
}

/** What the table keeps per taskgroup. */
interface Row {
  readonly application: string;
  readonly status: string;
  readonly host: string | undefined;
}

/** One namespace's taskgroups, kept current from the stream, with reconnection and resume. */
class Watcher {
  private readonly table = new Map<string, Row>();
  /** The sequence number of the last event or resync applied: where a new connection resumes. */
  private lastSeq: number | undefined;
  private socket: WebSocket | undefined;
  private backoffMs = BACKOFF_FIRST_MS;
  private retry: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly settings: Settings) {}

  /** Opens a connection: from the current state the first time, from the last seq applied after that. */
  connect(): void {
    const { url, namespace, clusterId } = this.settings;
    // The first connection asks for a snapshot of the current state, then the events after it; a reconnection
    // resumes after the last event applied (`since=0` would replay the whole retained history instead).
    const query = new URLSearchParams({
      namespace,
      kinds: 'taskgroup.status',
      ...(this.lastSeq === undefined ? { snapshot: 'true' } : { since: String(this.lastSeq) }),
    });
    const endpoint = `${url.replace(/^http/, 'ws')}${EVENTS_PATH}`;
    log(
      this.lastSeq === undefined
        ? `connecting to ${endpoint} (namespace ${namespace})`
        : `reconnecting with since=${this.lastSeq}`,
    );
    const socket = new WebSocket(`${endpoint}?${query}`, { headers: { 'BCS-ClusterID': clusterId } });
    this.socket = socket;
    socket.on('message', (data) => {
      let message: EventMessage;
      try {
        message = JSON.parse(String(data)) as EventMessage;
      } catch {
        log(`ignored a message that is not JSON: ${String(data).slice(0, 80)}`);
        return;
      }
      this.onMessage(message);
    });
    let refused = false;
    socket.on('unexpected-response', (_request, response) => {
      // The handshake was answered with plain HTTP: the v4 envelope says why.
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        refused = true;
        const status = response.statusCode ?? 0;
        log(`handshake refused: HTTP ${status} ${body}`);
        // A 4xx will be refused again (wrong cluster id, bad namespace): give up. Anything else: retry.
        if (status >= 400 && status < 500) this.stop(1);
        socket.terminate();
      });
    });
    // Connection errors (ECONNREFUSED while the server is down) are followed by 'close', which retries. After a
    // refusal, terminate() reports "closed before the connection was established": already explained.
    socket.on('error', (error) => {
      if (!refused && !this.stopping) log(`connection error: ${error.message}`);
    });
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
  }

  /** Closes the connection (code 1000) and exits with `code` once nothing is left open. */
  stop(code: number): void {
    if (this.stopping) return;
    this.stopping = true;
    process.exitCode = code;
    clearTimeout(this.retry);
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    socket.close(1000, 'client exiting');
    // A server that never answers the close handshake must not keep us alive.
    setTimeout(() => socket.terminate(), 2_000).unref();
  }

  private onMessage(message: EventMessage): void {
    switch (message.type) {
      case 'hello':
        this.backoffMs = BACKOFF_FIRST_MS;
        log(`connected: the log is at #${message.seq} (oldest retained #${message.oldest})`);
        return;
      case 'snapshot':
        this.applySnapshot(message.seq, 'current state', message.snapshot.taskgroups);
        break;
      case 'resync':
        // History this client needed is gone (retention, or a server whose log was reset).
        this.applySnapshot(message.seq, `resync: ${message.reason}`, message.snapshot.taskgroups);
        break;
      case 'events':
        for (const event of message.events) this.applyEvent(event);
        break;
    }
    this.checkRunning();
  }

  /** Replaces the whole table by the snapshot: the state at `seq`, from which events continue. */
  private applySnapshot(seq: number, why: string, taskgroups: readonly TaskGroupSnapshot[]): void {
    this.table.clear();
    for (const tg of taskgroups) {
      this.table.set(tg.taskgroup, { application: tg.application, status: tg.status, host: tg.host });
    }
    this.lastSeq = seq;
    log(
      `${why.startsWith('resync') ? 'resync' : 'snapshot'} at #${seq} (${why}): ${this.table.size} taskgroups`,
    );
    for (const [id, row] of this.table) {
      console.log(`  ${row.application}/${id} ${row.status} ${row.host ?? '-'}`);
    }
  }

  private applyEvent(event: DomainEvent): void {
    if (event.kind !== 'taskgroup.status') return;
    if (event.to === null) {
      this.table.delete(event.taskgroup);
    } else {
      this.table.set(event.taskgroup, { application: event.application, status: event.to, host: event.host });
    }
    this.lastSeq = event.seq;
    const health = event.healthy === false ? ' (unhealthy)' : '';
    console.log(
      `#${event.seq} ${event.application}/${event.taskgroup} ${event.from ?? 'none'} → ` +
        `${event.to ?? 'removed'} ${event.host ?? '-'}${health}`,
    );
  }

  private checkRunning(): void {
    const wanted = this.settings.exitWhenRunning;
    if (wanted === undefined || this.stopping) return;
    const running = [...this.table.values()].filter((row) => row.status === 'Running').length;
    if (running < wanted) return;
    log(`${running} taskgroups Running in ${this.settings.namespace} (wanted ${wanted}): exiting`);
    this.stop(0);
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket || this.stopping) return;
    log(`disconnected: ${describeClose(code, reason)}; retrying in ${this.backoffMs} ms`);
    this.retry = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
  }
}

/** The close codes of the stream (see @bcs/ws-events' CloseCode), in words. */
function describeClose(code: number, reason: string): string {
  switch (code) {
    case 1001:
      return 'the server is shutting down (1001)';
    case 1006:
      return 'connection lost (1006)';
    case 4008:
      return `too slow, the server closed the stream (4008, ${reason})`;
    case 4500:
      return 'the subscription failed on the server (4500)';
    default:
      return `closed with ${code}${reason === '' ? '' : ` (${reason})`}`;
  }
}

/** Status lines go to stderr, so that stdout holds only the table's lines. */
function log(line: string): void {
  console.error(`watch: ${line}`);
}

let settings: Settings;
try {
  settings = readSettings(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`watch: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const watcher = new Watcher(settings);
process.once('SIGINT', () => watcher.stop(0));
process.once('SIGTERM', () => watcher.stop(0));
watcher.connect();
