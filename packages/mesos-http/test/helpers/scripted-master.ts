import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger, MesosFrameworkInfo } from '@bcs/core';
import { vi } from 'vitest';
import { encodeRecord } from '../../src/recordio.js';

/** One request the master received: its headers and JSON body. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads arbitrary fields of the wire JSON.
  readonly body: any;
  /** True once the client closed (or abandoned) this request's connection. */
  closed: boolean;
}

/** How the master answers a request: write to `res` (or never answer). */
export type Answer = (received: Received, res: ServerResponse) => void;

/**
 * A scripted Mesos master on a loopback port for the driver's tests: it records every request, answers
 * SUBSCRIBE and calls as the test says (by default: SUBSCRIBED with the framework id, then 202 to calls), and
 * writes events to the open stream on demand.
 */
export class ScriptedMaster {
  readonly subscribes: Received[] = [];
  readonly calls: Received[] = [];
  /** The answer to the next SUBSCRIBEs. */
  onSubscribe: Answer = (received, res) => this.accept(received, res);
  /** The answer to the next calls. */
  onCall: Answer = (_received, res) => {
    res.writeHead(202);
    res.end();
  };
  /** The stream opened last, if still open. */
  stream: ServerResponse | undefined;
  heartbeatSeconds = 1;
  #streams = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ScriptedMaster> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const master = new ScriptedMaster(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', (socket) => {
      master.#sockets.add(socket);
      socket.on('close', () => master.#sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        const received: Received = {
          headers: req.headers,
          body: JSON.parse(Buffer.concat(parts).toString('utf8')),
          closed: false,
        };
        res.on('close', () => {
          received.closed = true;
        });
        if (received.body.type === 'SUBSCRIBE') {
          master.subscribes.push(received);
          master.onSubscribe(received, res);
        } else {
          master.calls.push(received);
          master.onCall(received, res);
        }
      });
    });
    return master;
  }

  /** Open TCP connections from clients. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Answers 200 with a fresh stream id and writes SUBSCRIBED (the id asked for, or `fw-1`). */
  accept(received: Received, res: ServerResponse, options: { subscribed?: boolean } = {}): void {
    this.#streams++;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': `stream-${this.#streams}` });
    this.stream = res;
    res.on('close', () => {
      if (this.stream === res) this.stream = undefined;
    });
    if (options.subscribed === false) {
      res.flushHeaders();
      return;
    }
    const id = received.body.framework_id?.value ?? 'fw-1';
    this.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: id }, heartbeat_interval_seconds: this.heartbeatSeconds },
    });
  }

  /** Writes one event record to the open stream. */
  send(event: object): void {
    this.stream?.write(encodeRecord(JSON.stringify(event)));
  }

  /** Ends the open stream (the master closing it). */
  endStream(): void {
    this.stream?.end();
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers with `status` and a text body (a master's refusal). */
export function refuse(status: number, text = '', headers: Record<string, string> = {}): Answer {
  return (_received, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
    res.end(text);
  };
}

/** Never answers. */
export const hang: Answer = () => {};

/** Waits (on real time, for loopback I/O) until `check` passes. */
export function until(check: () => void): Promise<void> {
  return vi.waitFor(check, { timeout: 5000, interval: 5 });
}

/** A logger that keeps every line's level and fields. */
export function recordingLogger(): Logger & { readonly lines: { level: string; fields: object }[] } {
  const lines: { level: string; fields: object }[] = [];
  const at = (level: string) => (fields: object) => {
    lines.push({ level, fields });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const FRAMEWORK: MesosFrameworkInfo = {
  user: 'root',
  name: 'bcs-scheduler',
  roles: ['*'],
  failover_timeout: 604_800,
  checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }],
};
