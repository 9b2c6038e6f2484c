import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventMessage } from '@bcs/core';
import { type ClientOptions, WebSocket } from 'ws';
import { attachEventStream, type EventStream, type EventStreamOptions } from '../../src/index.js';
import { FakeEventSource } from './fake-source.js';

export const CLUSTER_ID = 'BCS-TEST-00001';
export const EVENTS_PATH = '/v4/scheduler/mesos/events';

/** A real HTTP server on a loopback port with an event stream attached, over a fake source. */
export interface Harness {
  readonly server: Server;
  readonly stream: EventStream;
  readonly source: FakeEventSource;
  /** `ws://127.0.0.1:<port><path>?<query>`. */
  url(path?: string, query?: string): string;
  /** Opens a client; closed at teardown. */
  connect(path?: string, query?: string, options?: ClientOptions): TestClient;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<Omit<EventStreamOptions, 'server' | 'events'>> = {},
  source: FakeEventSource = new FakeEventSource(),
): Promise<Harness> {
  const server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const stream = attachEventStream({ server, events: source, clusterId: CLUSTER_ID, ...options });
  const clients: TestClient[] = [];
  const url = (path = EVENTS_PATH, query = `clusterId=${CLUSTER_ID}`) =>
    `ws://127.0.0.1:${port}${path}${query === '' ? '' : `?${query}`}`;
  return {
    server,
    stream,
    source,
    url,
    connect(path, query, clientOptions) {
      const client = new TestClient(url(path, query), clientOptions);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.ws.terminate();
      await stream.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A `ws` client that keeps every message it receives (raw text and parsed) and how it closed. */
export class TestClient {
  readonly ws: WebSocket;
  readonly texts: string[] = [];
  readonly messages: EventMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      const text = String(data);
      this.texts.push(text);
      this.messages.push(JSON.parse(text) as EventMessage);
    });
    this.opened = once(this.ws, 'open').then(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Resolves when at least `count` messages have arrived. */
  async received(count: number): Promise<EventMessage[]> {
    await waitUntil(() => this.messages.length >= count, `${count} messages (have ${this.messages.length})`);
    return this.messages;
  }
}

/** Polls `condition` every 5 ms; rejects after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what = 'condition',
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An upgrade the server answered with a plain HTTP response instead of 101. */
export interface Refusal {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Attempts an upgrade that must be refused; resolves with the response (fails if the socket upgrades). */
export function expectRefusal(url: string, headers: Record<string, string> = {}): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
  });
}
