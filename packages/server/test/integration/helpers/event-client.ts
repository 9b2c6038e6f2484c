import WebSocket from 'ws';
import { CLUSTER_ID } from './server-process.js';

export const EVENTS_PATH = '/v4/scheduler/mesos/events';

/** A stream message as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary message shapes.
export type Message = { type: string; [key: string]: any };
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary event shapes.
export type WireEvent = { seq: number; kind: string; [key: string]: any };

/** A WebSocket subscriber on a real socket: collects every message, in order. */
export class EventClient {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Message));
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Connects to `baseUrl` (http://…) with the query; resolves once open. */
  static async connect(
    baseUrl: string,
    query: Record<string, string | number> = {},
    headers: Record<string, string> = { 'BCS-ClusterID': CLUSTER_ID },
  ): Promise<EventClient> {
    const search = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const url = `${baseUrl.replace(/^http/, 'ws')}${EVENTS_PATH}${search.toString() === '' ? '' : `?${search}`}`;
    const socket = new WebSocket(url, { headers });
    // Listen at once: the first messages may arrive in the same tick as 'open'.
    const client = new EventClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Every event received so far, in arrival order. */
  events(): WireEvent[] {
    return this.messages.flatMap((m) => (m.type === 'events' ? (m.events as WireEvent[]) : []));
  }

  /** The sequence number of the last event (or resync) received; `fallback` when none. */
  lastSeq(fallback = 0): number {
    let last = fallback;
    for (const m of this.messages) {
      if (m.type === 'resync') last = m.seq as number;
      if (m.type === 'events') last = (m.events as WireEvent[]).at(-1)?.seq ?? last;
    }
    return last;
  }

  /** Polls until `done` holds for the messages so far. */
  async until(done: (client: EventClient) => boolean, ms = 40_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(this)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out; ${this.messages.length} messages, last: ${JSON.stringify(this.messages.at(-1))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close();
    }
    await this.closed;
  }
}

/** The refusal of an upgrade: HTTP status and parsed envelope. */
export async function refusedUpgrade(
  baseUrl: string,
  query: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { result: boolean; code: number; message: string; data: unknown } }> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${EVENTS_PATH}${query}`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.once('error', () => undefined);
  });
}
