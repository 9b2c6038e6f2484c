import { isOutboundError, OUTBOUND_LIMITS, type OutboundFailure, type OutboundHttpRequest } from '@bcs/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundHarness } from './harness.js';

export {
  fakeOutboundHarness,
  loopbackOutboundHarness,
  type OutboundHarness,
  type ServedEndpoint,
} from './harness.js';

/** Bounds used by the suite's requests. */
const CALL = { timeoutMs: 5000, maxResponseBytes: 64 * 1024 } as const;

/** The reason a call rejected with, or `'resolved'`. */
async function failureOf(call: Promise<unknown>): Promise<OutboundFailure | 'resolved' | 'other'> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return isOutboundError(error) ? error.reason : 'other';
  }
}

/**
 * Registers the Outbound conformance suite under `describe(name)`: what every adapter of core's `Outbound`
 * port must do, the real one (`@bcs/outbound-http`, against loopback servers) and `FakeOutbound` alike.
 * Statuses and bodies round-trip; any status is an answer and redirects are not followed; every bound of
 * `OUTBOUND_LIMITS` is refused before sending; timeouts, refused connections, oversized answers and untrusted
 * certificates reject with their `OutboundError` reason; `caBundle` is the only trust for HTTPS; TCP connects.
 *
 * `factory` returns a fresh harness for each test ({@link OutboundHarness}); the suite disposes it.
 */
export function outboundConformance(name: string, factory: () => Promise<OutboundHarness>): void {
  describe(name, () => {
    let harness: OutboundHarness;
    // The first harness of a process makes three RSA keys (test CAs): seconds on a loaded 2-core machine.
    beforeEach(async () => {
      harness = await factory();
    }, 60_000);
    afterEach(async () => {
      await harness.dispose();
    });
    const get = (url: string, extra: Partial<OutboundHttpRequest> = {}) =>
      harness.outbound.http({ url, method: 'GET', ...CALL, ...extra });

    it('returns the status, lower-case headers and body of an answer', async () => {
      const endpoint = await harness.serve(() => ({
        status: 201,
        headers: { 'X-Answer': 'yes' },
        body: 'héllo',
      }));
      const response = await get(`${endpoint.url}/x`);
      expect(response.status).toBe(201);
      expect(response.headers['x-answer']).toBe('yes');
      expect(response.body).toBe('héllo');
    });

    it('sends the method, path and query, headers and body', async () => {
      const endpoint = await harness.serve(() => ({ status: 200 }));
      await harness.outbound.http({
        url: `${endpoint.url}/hook/a?b=1`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"a":"ü"}',
        ...CALL,
      });
      expect(endpoint.requests).toHaveLength(1);
      expect(endpoint.requests[0]).toMatchObject({ method: 'POST', path: '/hook/a?b=1', body: '{"a":"ü"}' });
      expect(endpoint.requests[0]?.headers['content-type']).toBe('application/json');
    });

    it('answers any status, and does not follow a redirect', async () => {
      const target = await harness.serve(() => ({ status: 200 }));
      const failing = await harness.serve(() => ({ status: 500, body: 'down' }));
      const redirect = await harness.serve(() => ({ status: 302, headers: { location: `${target.url}/` } }));
      expect((await get(failing.url)).status).toBe(500);
      expect((await get(redirect.url)).status).toBe(302);
      expect(target.requests).toHaveLength(0);
    });

    it('refuses an answer larger than maxResponseBytes (too-large)', async () => {
      const endpoint = await harness.serve(() => ({ status: 200, body: 'x'.repeat(2048) }));
      expect(await failureOf(get(endpoint.url, { maxResponseBytes: 1024 }))).toBe('too-large');
      expect(await failureOf(get(endpoint.url, { maxResponseBytes: 2048 }))).toBe('resolved');
    });

    it('fails with timeout when the endpoint does not answer within timeoutMs', async () => {
      const endpoint = await harness.serve(() => 'hang');
      expect(await failureOf(get(endpoint.url, { timeoutMs: 200 }))).toBe('timeout');
    });

    it('fails with refused where nothing listens', async () => {
      const { host, port } = await harness.closedAddress();
      expect(await failureOf(get(`http://${host}:${port}/`))).toBe('refused');
      expect(await failureOf(harness.outbound.tcpConnect({ host, port, timeoutMs: 2000 }))).toBe('refused');
    });

    it.each([
      ['a timeout of 0', { timeoutMs: 0 }],
      ['a timeout over the limit', { timeoutMs: OUTBOUND_LIMITS.maxTimeoutMs + 1 }],
      ['maxResponseBytes over the limit', { maxResponseBytes: OUTBOUND_LIMITS.maxResponseBytes + 1 }],
      ['a body over the limit', { method: 'POST', body: 'x'.repeat(OUTBOUND_LIMITS.maxRequestBytes + 1) }],
      ['a lower-case method', { method: 'get' }],
      ['a header value with a line break (header injection)', { headers: { 'x-a': 'a\r\nx-injected: 1' } }],
      ['a header name that is not a token', { headers: { 'bad name': 'a' } }],
    ])('refuses %s before sending anything (invalid-request)', async (_label, extra) => {
      const endpoint = await harness.serve(() => ({ status: 200 }));
      expect(await failureOf(get(endpoint.url, extra as Partial<OutboundHttpRequest>))).toBe(
        'invalid-request',
      );
      expect(endpoint.requests).toHaveLength(0);
    });

    it.each([
      ['a URL of another scheme', 'ftp://127.0.0.1/'],
      ['a relative URL', '/hook'],
      ['a URL with credentials', 'http://user:secret@127.0.0.1/'],
    ])('refuses %s (invalid-request)', async (_label, url) => {
      expect(await failureOf(get(url))).toBe('invalid-request');
    });

    it('calls an HTTPS endpoint whose certificate the caBundle trusts', async () => {
      const endpoint = await harness.serve(() => ({ status: 200, body: 'secure' }), { tls: true });
      const response = await get(
        endpoint.url,
        endpoint.caBundle === undefined ? {} : { caBundle: endpoint.caBundle },
      );
      expect(response.body).toBe('secure');
    });

    it('refuses an HTTPS endpoint whose certificate another CA signed (tls), and never sends the request', async () => {
      const endpoint = await harness.serve(() => ({ status: 200 }), { tls: true });
      expect(await failureOf(get(endpoint.url, { caBundle: harness.otherCaBundle }))).toBe('tls');
      expect(endpoint.requests).toHaveLength(0);
    });

    it('connects over TCP to a listening endpoint, and refuses a bad port (invalid-request)', async () => {
      const endpoint = await harness.serve(() => ({ status: 200 }));
      await expect(
        harness.outbound.tcpConnect({ host: endpoint.host, port: endpoint.port, timeoutMs: 2000 }),
      ).resolves.toBeUndefined();
      expect(
        await failureOf(harness.outbound.tcpConnect({ host: endpoint.host, port: 0, timeoutMs: 2000 })),
      ).toBe('invalid-request');
    });
  });
}
