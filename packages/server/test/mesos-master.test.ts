import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import { encodeRecord } from '@bcs/mesos-http';
import { createMemoryStore } from '@bcs/testing/fakes';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

// `--mesos-master`: startServer runs on the Mesos HTTP driver instead of the simulated cluster, and passes the
// framework flags to the engine. A minimal loopback master answers SUBSCRIBE with SUBSCRIBED and calls with 202.

interface Master {
  readonly url: string;
  readonly subscribes: { headers: IncomingHttpHeaders; body: { subscribe: { framework_info: object } } }[];
  readonly connections: () => number;
  close(): Promise<void>;
}

async function startMaster(): Promise<Master> {
  const subscribes: Master['subscribes'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      if (body.type !== 'SUBSCRIBE') {
        res.writeHead(202);
        res.end();
        return;
      }
      subscribes.push({ headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's-1' });
      const id = body.framework_id?.value ?? 'fw-new';
      const event = {
        type: 'SUBSCRIBED',
        subscribed: { framework_id: { value: id }, heartbeat_interval_seconds: 15 },
      };
      res.write(encodeRecord(JSON.stringify(event)));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribes,
    connections: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let master: Master | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  await master?.close();
  server = undefined;
  master = undefined;
});

describe('startServer with mesosMasters', () => {
  it('subscribes through the Mesos HTTP driver, without a simulated cluster, and closes its connections', async () => {
    master = await startMaster();
    server = await startServer({
      port: 0,
      store: createMemoryStore(),
      mesosMasters: [master.url],
      simAgents: 3,
    });
    expect(server.simCluster).toBeUndefined();
    expect(server.mesosDriver).toBeDefined();
    await vi.waitFor(() => expect(server?.mesosDriver?.status().state).toBe('subscribed'), { timeout: 5000 });
    expect(server.mesosDriver?.status()).toMatchObject({ master: master.url, frameworkId: 'fw-new' });
    expect(master.subscribes).toHaveLength(1);
    await server.close();
    expect(server.mesosDriver?.status().state).toBe('closed');
    await vi.waitFor(() => expect(master?.connections()).toBe(0), { timeout: 5000 });
  });

  it('subscribes with the framework flags, its host name and, on a fixed port, its API as webui_url', async () => {
    master = await startMaster();
    const port = await freePort();
    server = await startServer({
      port,
      host: '127.0.0.1',
      store: createMemoryStore(),
      mesosMasters: [master.url],
      engine: { role: 'bcs', failoverTimeoutSeconds: 60 },
    });
    await vi.waitFor(() => expect(master?.subscribes).toHaveLength(1), { timeout: 5000 });
    expect(master.subscribes[0]!.body.subscribe.framework_info).toMatchObject({
      name: 'bcs-scheduler',
      roles: ['bcs'],
      failover_timeout: 60,
      hostname: hostname(),
      webui_url: `http://127.0.0.1:${port}/v4/scheduler/mesos`,
    });
  });

  it('keeps the simulated cluster without mesosMasters', async () => {
    server = await startServer({ port: 0, store: createMemoryStore(), simAgents: 0, mesosMasters: [] });
    expect(server.mesosDriver).toBeUndefined();
  });
});
