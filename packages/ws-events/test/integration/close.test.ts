import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/index.js';
import { expectRefusal, type Harness, startHarness } from '../helpers/harness.js';

let harness: Harness;
afterEach(() => harness.close());

describe('close()', () => {
  it('closes every client with 1001, ends every subscription and removes the upgrade listener', async () => {
    harness = await startHarness();
    const listenersBefore = harness.server.listenerCount('upgrade');
    const clients = [harness.connect(), harness.connect(), harness.connect()];
    await Promise.all(clients.map((client) => client.received(1)));
    expect(harness.stream.stats().connections).toBe(3);

    const closing = harness.stream.close();
    expect(harness.stream.close()).toBe(closing);
    await closing;

    for (const client of clients) {
      expect(await client.closed).toEqual({ code: CloseCode.GoingAway, reason: 'server shutting down' });
    }
    expect(harness.source.subscriptions.map((s) => s.returned && s.aborted)).toEqual([true, true, true]);
    expect(harness.server.listenerCount('upgrade')).toBe(listenersBefore - 1);
    expect(harness.stream.stats().connections).toBe(0);
    await harness.stream[Symbol.asyncDispose]();
  });

  it('leaves later upgrades to the server once closed', async () => {
    harness = await startHarness({ exclusive: true });
    await harness.stream.close();
    harness.server.on('upgrade', (_request, socket) => {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ngone');
    });
    expect(await expectRefusal(harness.url())).toMatchObject({ status: 503, body: 'gone' });
    expect(harness.source.subscriptions).toHaveLength(0);
  });

  it('terminates a client that does not finish the close handshake within closeGraceMs', async () => {
    harness = await startHarness({ closeGraceMs: 50 });
    const stuck = harness.connect();
    await stuck.received(1);
    (stuck.ws as unknown as { _socket: Socket })._socket.pause();
    const started = Date.now();
    await harness.stream.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(harness.stream.stats().connections).toBe(0);
    expect(harness.source.subscriptions[0]?.ended).toBe(true);
  });
});
