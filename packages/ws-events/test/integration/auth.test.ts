import { ErrorCode, type Principal } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_ID, EVENTS_PATH, expectRefusal, type Harness, startHarness } from '../helpers/harness.js';

// The stream with bearer-token authentication, on a real loopback socket over the fake source.

const TOKENS: Record<string, Principal> = {
  'reader-token-0123456789': { name: 'reader', role: 'read' },
  'team-a-token-0123456789': { name: 'team-a-ci', role: 'write', namespaces: ['team-a', 'team-c'] },
};
const authenticate = (token: string) => TOKENS[token];

let harness: Harness;
afterEach(() => harness.close());

function envelope(body: string): { result: boolean; code: number; message: string; data: unknown } {
  return JSON.parse(body);
}

describe('event stream authentication', () => {
  it('refuses an upgrade without a token, or with an unknown one, with 401 (code 1405401)', async () => {
    harness = await startHarness({ authenticate });
    const none = await expectRefusal(harness.url());
    const unknown = await expectRefusal(
      harness.url(EVENTS_PATH, `clusterId=${CLUSTER_ID}&access_token=nope-nope-nope-nope`),
    );
    const byHeader = await expectRefusal(harness.url(), { Authorization: 'Bearer nope-nope-nope-nope' });
    for (const refusal of [none, unknown, byHeader]) {
      expect(refusal.status).toBe(401);
      expect(envelope(refusal.body)).toMatchObject({
        result: false,
        code: ErrorCode.Unauthorized,
        data: null,
      });
    }
    expect(harness.source.subscriptions).toHaveLength(0);
  });

  it('accepts the token in the access_token query parameter (browsers) or the Authorization header', async () => {
    harness = await startHarness({ authenticate });
    const byQuery = harness.connect(
      EVENTS_PATH,
      `clusterId=${CLUSTER_ID}&access_token=reader-token-0123456789`,
    );
    const byHeader = harness.connect(EVENTS_PATH, `clusterId=${CLUSTER_ID}`, {
      headers: { Authorization: 'Bearer reader-token-0123456789' },
    });
    await Promise.all([byQuery.received(1), byHeader.received(1)]);
    expect(byQuery.messages[0]).toMatchObject({ type: 'hello' });
    expect(harness.source.subscriptions.map((s) => s.options.namespaces)).toEqual([undefined, undefined]);
  });

  it("limits a namespaced token's subscription to its namespaces, and refuses a filter naming another (403)", async () => {
    harness = await startHarness({ authenticate });
    const token = 'access_token=team-a-token-0123456789';
    const all = harness.connect(EVENTS_PATH, `clusterId=${CLUSTER_ID}&${token}`);
    const one = harness.connect(EVENTS_PATH, `clusterId=${CLUSTER_ID}&${token}&namespace=team-c`);
    await Promise.all([all.received(1), one.received(1)]);
    const options = harness.source.subscriptions.map((s) => [s.options.namespace, s.options.namespaces]);
    expect(options).toContainEqual([undefined, ['team-a', 'team-c']]);
    expect(options).toContainEqual(['team-c', ['team-a', 'team-c']]);
    const other = await expectRefusal(
      harness.url(EVENTS_PATH, `clusterId=${CLUSTER_ID}&${token}&namespace=team-b`),
    );
    expect(other.status).toBe(403);
    expect(envelope(other.body).code).toBe(ErrorCode.Forbidden);
    expect(harness.source.subscriptions).toHaveLength(2);
  });

  it('never logs the access_token', async () => {
    const lines: unknown[] = [];
    const keep = (fields: object) => lines.push(fields);
    harness = await startHarness({
      authenticate,
      logger: { debug: keep, info: keep, warn: keep, error: keep },
    });
    const client = harness.connect(
      EVENTS_PATH,
      `clusterId=${CLUSTER_ID}&access_token=reader-token-0123456789`,
    );
    await client.received(1);
    await expectRefusal(harness.url(EVENTS_PATH, `clusterId=${CLUSTER_ID}&access_token=secret-unknown-0000`));
    const text = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('reader-token-0123456789');
    expect(text).not.toContain('secret-unknown-0000');
    expect(text).toContain('access_token=REDACTED');
  });
});
