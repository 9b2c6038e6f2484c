import { Agent, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { MesosEvent, MesosFrameworkInfo, MesosOffer, MesosTaskStatus } from '@bcs/core';
import { ManualClock } from '@bcs/testing/fakes';
import { MesosSimServer, type MesosSimServerOptions, SimulatedCluster } from '../src/index.js';
import type { SimulatedClusterOptions } from '../src/types.js';
import { T0 } from './harness.js';

// A minimal Mesos v1 HTTP client for the simulator's tests (the real driver lives in @bcs/mesos-http).

/** Splits a byte stream into RecordIO records (`<len>\n<bytes>`), whatever the chunk boundaries. */
export class TestRecordIo {
  #buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const records: string[] = [];
    for (;;) {
      const newline = this.#buffer.indexOf(0x0a);
      if (newline < 0) return records;
      const prefix = this.#buffer.subarray(0, newline).toString('ascii');
      if (!/^\d+$/.test(prefix)) throw new Error(`bad RecordIO length prefix ${JSON.stringify(prefix)}`);
      const length = Number(prefix);
      if (this.#buffer.length < newline + 1 + length) return records;
      records.push(this.#buffer.subarray(newline + 1, newline + 1 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(newline + 1 + length);
    }
  }
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true });

/** One HTTP request; resolves with the whole answer. */
export function send(
  url: string,
  options: { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(options.path ?? '/api/v1/scheduler', url),
      {
        method: options.method ?? 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `predicate` (real I/O has to happen) until it holds; throws after `timeoutMs` of wall time. */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** An open SUBSCRIBE response: its decoded events, and the calls made on its stream id. */
export class TestStream {
  readonly events: MesosEvent[] = [];
  /** Number of `data` chunks received (re-chunking makes it exceed the record count). */
  chunks = 0;
  ended = false;
  readonly #decoder = new TestRecordIo();

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly res: IncomingMessage,
  ) {
    res.on('data', (chunk: Buffer) => {
      this.chunks++;
      for (const record of this.#decoder.push(chunk)) this.events.push(JSON.parse(record));
    });
    res.on('close', () => {
      this.ended = true;
    });
  }

  get streamId(): string {
    return String(this.headers['mesos-stream-id']);
  }

  get frameworkId(): string {
    const subscribed = this.events.find((e) => e.type === 'SUBSCRIBED');
    return subscribed?.type === 'SUBSCRIBED' ? subscribed.subscribed.framework_id.value : '';
  }

  types(from = 0): string[] {
    return this.events.slice(from).map((e) => e.type);
  }

  offers(): MesosOffer[] {
    return this.events.flatMap((e) => (e.type === 'OFFERS' ? e.offers.offers : []));
  }

  updates(taskId?: string): MesosTaskStatus[] {
    return this.events.flatMap((e) =>
      e.type === 'UPDATE' && (taskId === undefined || e.update.status.task_id.value === taskId)
        ? [e.update.status]
        : [],
    );
  }

  /** A call on this stream: `framework_id` added, `Mesos-Stream-Id` sent. */
  call(call: object, headers: Record<string, string> = {}): Promise<Reply> {
    return send(this.url, {
      body: JSON.stringify({ framework_id: { value: this.frameworkId }, ...call }),
      headers: { 'Mesos-Stream-Id': this.streamId, ...headers },
    });
  }

  ack(status: MesosTaskStatus): Promise<Reply> {
    return this.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! },
    });
  }

  waitFor(predicate: (stream: TestStream) => boolean, what = 'events'): Promise<void> {
    return until(() => predicate(this), `${what}; got ${this.types().join(',')}`);
  }

  /** Closes the connection from the client side (the framework goes away without TEARDOWN). */
  destroy(): void {
    this.res.destroy();
  }
}

/** The framework the HTTP tests subscribe: a 60 s failover timeout. */
export const HTTP_FRAMEWORK: MesosFrameworkInfo = {
  user: 'bcs',
  name: 'sim-http-test',
  failover_timeout: 60,
  capabilities: [{ type: 'TASK_KILLING_STATE' }],
};

/** POSTs SUBSCRIBE to `url`; a 200 resolves once the headers are in, with the stream reading on. */
export function subscribe(
  url: string,
  framework: MesosFrameworkInfo = HTTP_FRAMEWORK,
  headers: Record<string, string> = {},
): Promise<TestStream | Reply> {
  const body: Record<string, unknown> = { type: 'SUBSCRIBE', subscribe: { framework_info: framework } };
  if (framework.id !== undefined) body.framework_id = framework.id;
  return new Promise((resolve, reject) => {
    // Own connection (no keep-alive agent): the stream holds it for as long as it lives.
    const req = request(
      new URL('/api/v1/scheduler', url),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          return;
        }
        resolve(new TestStream(url, 200, res.headers, res));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** SUBSCRIBE that must answer 200, waited until SUBSCRIBED has arrived. */
export async function subscribed(
  url: string,
  framework: MesosFrameworkInfo = HTTP_FRAMEWORK,
): Promise<TestStream> {
  const stream = await subscribe(url, framework);
  if (!(stream instanceof TestStream)) throw new Error(`SUBSCRIBE answered ${stream.status}: ${stream.body}`);
  await stream.waitFor((s) => s.frameworkId !== '', 'SUBSCRIBED');
  return stream;
}

export interface SimHttp {
  readonly clock: ManualClock;
  readonly cluster: SimulatedCluster;
  readonly server: MesosSimServer;
  readonly url: string;
  /** Advances the cluster clock (timers run synchronously; their writes reach the socket right after). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** A cluster (seed 42, 2 agents) behind a server on an ephemeral loopback port. */
export async function startSimHttp(
  options: Partial<MesosSimServerOptions> = {},
  clusterOptions: Partial<SimulatedClusterOptions> = {},
): Promise<SimHttp> {
  const clock = new ManualClock(T0);
  const cluster = new SimulatedCluster({ seed: 42, agents: 2, ...clusterOptions, clock });
  const server = await MesosSimServer.start({ cluster, clock, heartbeatSeconds: 5, ...options });
  return {
    clock,
    cluster,
    server,
    url: server.urls[0]!,
    advance: (ms) => {
      clock.advance(ms);
    },
    close: async () => {
      await server.close();
      await cluster.dispose();
    },
  };
}

/** True if `reply` is a stream (SUBSCRIBE answered 200). */
export function isStream(reply: TestStream | Reply): reply is TestStream {
  return reply instanceof TestStream;
}

/**
 * Waits until `stream` holds every record the server wrote since `writtenBefore` (`eventsWritten` when the
 * stream was opened; events the cluster queued reach the server on a microtask, so a macrotask passes first).
 * Only for one live stream and no duplicated updates.
 */
export async function settled(s: SimHttp, stream: TestStream, writtenBefore = 0): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await stream.waitFor(
    (x) => x.events.length === s.server.eventsWritten - writtenBefore,
    'every record written',
  );
}
