import { isOutboundError } from '@bcs/core';
import { createTestCa, startLoopbackServer } from '@bcs/testing/net';
import { describe, expect, it } from 'vitest';
import { createHttpOutbound } from '../src/index.js';

/** The reason a call rejected with, or 'resolved'. */
async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return isOutboundError(error) ? error.reason : 'other';
  }
}

describe('createHttpOutbound', () => {
  it('verifies the host name: a certificate of the trusted CA for another name is refused (tls)', async () => {
    const ca = createTestCa();
    await using server = await startLoopbackServer(() => ({ status: 200 }), { tls: ca.issue(['localhost']) });
    const outbound = createHttpOutbound();
    const call = (url: string) =>
      outbound.http({ url, method: 'GET', timeoutMs: 5000, maxResponseBytes: 100, caBundle: ca.certPem });
    expect(await failureOf(call(server.url))).toBe('tls');
    expect(await failureOf(call(`https://localhost:${server.port}/`))).toBe('resolved');
  });

  it('fails a call over maxConcurrent at once (network), and frees the slot when a call ends', async () => {
    let hang = true;
    await using server = await startLoopbackServer(() => (hang ? 'hang' : { status: 204 }));
    const outbound = createHttpOutbound({ maxConcurrent: 1 });
    const call = (timeoutMs: number) =>
      outbound.http({ url: server.url, method: 'GET', timeoutMs, maxResponseBytes: 100 });
    const first = failureOf(call(300));
    expect(await failureOf(call(5000))).toBe('network');
    expect(await first).toBe('timeout');
    hang = false;
    expect(await failureOf(call(5000))).toBe('resolved');
  });

  it.each([0, 10_001, 1.5])('refuses maxConcurrent %s', (maxConcurrent) => {
    expect(() => createHttpOutbound({ maxConcurrent })).toThrow();
  });
});
