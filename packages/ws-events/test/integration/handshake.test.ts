import { connect as connectTcp } from 'node:net';
import { ErrorCode } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, EVENTS_PATH, expectRefusal, type Harness, startHarness } from '../helpers/harness.js';

let harness: Harness;
afterEach(() => harness.close());

function envelope(body: string): { result: boolean; code: number; message: string; data: unknown } {
  return JSON.parse(body);
}

describe('handshake', () => {
  it('refuses a missing cluster id with HTTP 400 and the v4 envelope (code 1405234)', async () => {
    harness = await startHarness();
    const refusal = await expectRefusal(harness.url(EVENTS_PATH, ''));
    expect(refusal.status).toBe(400);
    expect(refusal.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(refusal.headers.connection).toBe('close');
    expect(Number(refusal.headers['content-length'])).toBe(Buffer.byteLength(refusal.body));
    const body = envelope(refusal.body);
    expect(body).toMatchObject({ result: false, code: ErrorCode.FilterFailed, data: null });
    expect(body.message).toMatch(/BCS-ClusterID is required/);
    expect(harness.source.subscriptions).toHaveLength(0);
  });

  it('refuses a wrong cluster id, in the header or the query, with 400 code 1405234', async () => {
    harness = await startHarness();
    const byHeader = await expectRefusal(harness.url(EVENTS_PATH, ''), { 'BCS-ClusterID': 'BCS-OTHER' });
    const byQuery = await expectRefusal(harness.url(EVENTS_PATH, 'clusterId=BCS-OTHER'));
    for (const refusal of [byHeader, byQuery]) {
      expect(refusal.status).toBe(400);
      expect(envelope(refusal.body).code).toBe(ErrorCode.FilterFailed);
      expect(envelope(refusal.body).message).toMatch(/"BCS-OTHER" does not match this cluster/);
    }
    expect(harness.source.subscriptions).toHaveLength(0);
  });

  it('accepts the cluster id in the header, or in the clusterId query parameter', async () => {
    harness = await startHarness();
    const byHeader = harness.connect(EVENTS_PATH, '', { headers: { 'BCS-ClusterID': CLUSTER_ID } });
    const byQuery = harness.connect(EVENTS_PATH, `clusterId=${CLUSTER_ID}`);
    await Promise.all([byHeader.received(1), byQuery.received(1)]);
    expect(byHeader.messages[0]).toEqual({ type: 'hello', seq: 0, oldest: 1 });
    expect(byQuery.messages[0]).toEqual({ type: 'hello', seq: 0, oldest: 1 });
    expect(harness.stream.stats().connections).toBe(2);
  });

  it('serves both the v4 path and the /bcsapi gateway path', async () => {
    harness = await startHarness();
    const plain = harness.connect('/v4/scheduler/mesos/events');
    const gateway = harness.connect('/bcsapi/v4/scheduler/mesos/events');
    await Promise.all([plain.received(1), gateway.received(1)]);
    expect(harness.source.subscriptions).toHaveLength(2);
  });

  it.each([
    ['since', 'since=-3'],
    ['since', 'since=soon'],
    ['kinds', 'kinds=taskgroup.status,pod.status'],
    ['namespace', 'namespace=Not_A_Name'],
    ['application', `application=${'a'.repeat(64)}`],
  ])('refuses a bad %s (%s) with 400 code 1405007 naming it', async (field, query) => {
    harness = await startHarness();
    const refusal = await expectRefusal(harness.url(EVENTS_PATH, `clusterId=${CLUSTER_ID}&${query}`));
    expect(refusal.status).toBe(400);
    const body = envelope(refusal.body);
    expect(body).toMatchObject({ result: false, code: ErrorCode.BadParams, data: null });
    expect(body.message).toContain(field);
    expect(harness.source.subscriptions).toHaveLength(0);
  });

  it('leaves upgrades on other paths to other listeners when not exclusive', async () => {
    harness = await startHarness();
    harness.server.on('upgrade', (request, socket) => {
      if (request.url?.startsWith('/other') !== true) return;
      socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 6\r\nConnection: close\r\n\r\nteapot');
    });
    const refusal = await expectRefusal(harness.url('/other', `clusterId=${CLUSTER_ID}`));
    expect(refusal).toMatchObject({ status: 418, body: 'teapot' });
  });

  it('answers upgrades on other paths 404 in the envelope when exclusive', async () => {
    harness = await startHarness({ exclusive: true });
    const refusal = await expectRefusal(harness.url('/other', `clusterId=${CLUSTER_ID}`));
    expect(refusal.status).toBe(404);
    expect(envelope(refusal.body)).toMatchObject({ result: false, code: ErrorCode.NotFound, data: null });
  });

  it('serves the paths it is given, matching them without the query string', async () => {
    harness = await startHarness({ paths: ['/events'] });
    const client = harness.connect('/events');
    await client.received(1);
    expect(harness.source.subscriptions).toHaveLength(1);
  });

  it('survives a client that resets the connection before reading the refusal', async () => {
    harness = await startHarness();
    const socket = connectTcp(Number(new URL(harness.url()).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET ${EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    socket.resetAndDestroy();
    // The process is still here and still serving.
    const client = harness.connect();
    await client.received(1);
  });
});
