import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@bcs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/index.js';
import { EventClient, refusedUpgrade } from './helpers/event-client.js';
import { CLUSTER_ID } from './helpers/server-process.js';

// Issue 9 §0 on real sockets: a cross-origin WebSocket, a foreign Host (DNS rebinding), and request heads too
// large for Node's parser, which used to get Node's bare 431 without the v4 envelope.

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bcs-hostile-'));
  server = await startServer({
    port: 0,
    dataDir,
    clusterId: CLUSTER_ID,
    simAgents: 1,
    allowedOrigins: ['https://console.example'],
  });
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Sends `head` (request line and headers, without the final blank line) on a raw socket; parses the answer. */
function raw(
  head: string,
): Promise<{ status: number; body: { result: boolean; code: number; data: unknown } }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    // The server may reset a connection it answered while we were still sending (431): the answer counts.
    socket.on('error', (error) => {
      if (!text.startsWith('HTTP/')) reject(error);
    });
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
      resolve({ status, body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) });
    });
    // Write, not end: Node's server aborts a request whose client half-closes before it is answered.
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

const api = '/v4/scheduler/mesos/namespaces/defaultGroup/configmaps';
const host = () => `127.0.0.1:${server.port}`;
const envelope = (code: number) => ({ result: false, code, message: expect.any(String), data: null });

describe('WebSocket Origin', () => {
  it('refuses a foreign browser origin with 403 in the envelope (it used to stream to it)', async () => {
    const res = await refusedUpgrade(server.url, `?clusterId=${CLUSTER_ID}`, {
      Origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(envelope(ErrorCode.FilterFailed));
  });

  it.each([
    ['no Origin (not a browser)', {}],
    ["the server's own origin", { Origin: `http://127.0.0.1:PORT` }],
    ['an origin given in allowedOrigins', { Origin: 'https://console.example' }],
  ])('accepts %s', async (_, extra: Record<string, string>) => {
    const headers = Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [k, v.replace('PORT', String(server.port))]),
    );
    const client = await EventClient.connect(server.url, {}, { 'BCS-ClusterID': CLUSTER_ID, ...headers });
    await client.close();
  });

  it('refuses a foreign Host on the upgrade with 403', async () => {
    const res = await refusedUpgrade(server.url, '', { 'BCS-ClusterID': CLUSTER_ID, Host: 'evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(envelope(ErrorCode.FilterFailed));
  });
});

describe('HTTP Host header', () => {
  it('refuses Host: evil.example with 403 in the envelope (it used to answer 200)', async () => {
    const res = await raw(`GET ${api} HTTP/1.1\r\nHost: evil.example\r\nBCS-ClusterID: ${CLUSTER_ID}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(envelope(ErrorCode.FilterFailed));
  });

  it('serves its own address', async () => {
    const res = await raw(`GET ${api} HTTP/1.1\r\nHost: ${host()}\r\nBCS-ClusterID: ${CLUSTER_ID}`);
    expect(res.status).toBe(200);
  });
});

describe('oversized request heads', () => {
  it('answers a 50 KB query string with 414 in the envelope', async () => {
    const res = await raw(
      `GET ${api}?q=${'a'.repeat(50_000)} HTTP/1.1\r\nHost: ${host()}\r\nBCS-ClusterID: ${CLUSTER_ID}`,
    );
    expect(res.status).toBe(414);
    expect(res.body).toEqual(envelope(ErrorCode.BadParams));
  });

  it('answers a head over the parser limit with 431 in the envelope', async () => {
    const res = await raw(
      `GET ${api} HTTP/1.1\r\nHost: ${host()}\r\nBCS-ClusterID: ${CLUSTER_ID}\r\nX-Big: ${'b'.repeat(100_000)}`,
    );
    expect(res.status).toBe(431);
    expect(res.body).toEqual(envelope(ErrorCode.BadParams));
  });

  it('answers a malformed request line with 400 in the envelope', async () => {
    const res = await raw('NOT HTTP AT ALL');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(ErrorCode.BadParams));
  });
});
