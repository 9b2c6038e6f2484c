import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/index.js';
import { FakeEventSource, firehose, recordingLogger } from '../helpers/fake-source.js';
import { type Harness, startHarness, type TestClient, waitUntil } from '../helpers/harness.js';

let harness: Harness;
afterEach(() => harness.close());

/** The client's TCP socket (ws keeps it private). */
function tcp(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

/** The largest WebSocket frame header a server writes (2 bytes + 8-byte length). */
const FRAME_HEADER = 10;

describe('a slow consumer', () => {
  it('is closed with 4008 {"lastSeq":N} once its unsent data stays past maxBufferedBytes for stallTimeoutMs; N is the last event it got', async () => {
    const maxBufferedBytes = 64 * 1024;
    const source = new FakeEventSource();
    const logger = recordingLogger();
    harness = await startHarness(
      { maxBufferedBytes, stallTimeoutMs: 300, closeGraceMs: 20_000, logger },
      source,
    );
    const client = harness.connect();
    await client.opened;
    // Stop reading. The source never runs dry, so the kernel buffers fill, then ws's.
    tcp(client).pause();
    source.producer = firehose(8, 400);
    source.publish({ type: 'events', events: [] }); // wake the waiting subscription

    await waitUntil(() => harness.stream.stats().slowConsumerCloses === 1, 'the slow-consumer close', 20_000);
    const subscription = source.subscriptions[0];
    expect(subscription?.ended).toBe(true);
    const { maxBufferedBytesSeen } = harness.stream.stats();
    expect(maxBufferedBytesSeen).toBeGreaterThan(maxBufferedBytes);
    expect(maxBufferedBytesSeen).toBeLessThanOrEqual(
      maxBufferedBytes + (subscription?.maxMessageBytes ?? 0) + FRAME_HEADER,
    );
    // Nothing more is pulled once the bound is passed.
    const pulled = subscription?.yielded;
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);

    tcp(client).resume();
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.SlowConsumer);
    const seqs = client.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : []));
    expect(seqs.length).toBeGreaterThan(0);
    // In order, no gap, no duplicate: everything sent arrived before the close frame.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(JSON.parse(closed.reason)).toEqual({ lastSeq: seqs.at(-1) });
    expect(subscription?.yielded).toBe(pulled);
    expect(client.messages.length).toBe(pulled);
    await waitUntil(() => harness.stream.stats().connections === 0, 'the connection to go');
  });

  it('is terminated after closeGraceMs if it never reads the close frame', async () => {
    const source = new FakeEventSource();
    harness = await startHarness(
      { maxBufferedBytes: 16 * 1024, stallTimeoutMs: 0, closeGraceMs: 100 },
      source,
    );
    const client = harness.connect();
    await client.opened;
    tcp(client).pause();
    source.producer = firehose(8, 400);
    source.publish({ type: 'events', events: [] });
    await waitUntil(() => harness.stream.stats().slowConsumerCloses === 1, 'the slow-consumer close', 20_000);
    await waitUntil(() => harness.stream.stats().connections === 0, 'the terminate after the grace', 2_000);
    tcp(client).resume();
    // Terminated: the close frame may or may not have reached the kernel first, but the socket is gone.
    expect([CloseCode.SlowConsumer, 1006]).toContain((await client.closed).code);
  });

  it('is not closed for a pause shorter than stallTimeoutMs: nothing is pulled meanwhile, then it catches up', async () => {
    const maxBufferedBytes = 64 * 1024;
    const source = new FakeEventSource();
    const backlog = firehose(8, 400);
    source.producer = (subscription) =>
      subscription.lastProduced < 40_000 ? backlog(subscription) : undefined;
    // maxBatch: the source's messages hold 8 events, so a message of 8 says it may have more (behind: pull at once).
    harness = await startHarness({ maxBufferedBytes, stallTimeoutMs: 30_000, maxBatch: 8 }, source);
    const client = harness.connect();
    await client.opened;
    tcp(client).pause();
    source.publish({ type: 'events', events: [] });
    await waitUntil(
      () => harness.stream.stats().maxBufferedBytesSeen > maxBufferedBytes,
      'the bound to be passed',
      20_000,
    );
    // Held at the bound: the source is not pulled while the client does not read.
    const pulled = source.subscriptions[0]?.yielded;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(source.subscriptions[0]?.yielded).toBe(pulled);
    tcp(client).resume();
    await waitUntil(
      () => client.messages.flatMap((m) => (m.type === 'events' ? m.events : [])).length >= 40_000,
      'every event',
      30_000,
    );
    const seqs = client.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : []));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(harness.stream.stats().slowConsumerCloses).toBe(0);
    expect(harness.stream.stats().maxBufferedBytesSeen).toBeLessThan(maxBufferedBytes * 2 + 64 * 1024);
  });

  it('is not closed while it keeps up with a long backlog', async () => {
    const source = new FakeEventSource();
    const backlog = firehose(10, 200);
    source.producer = (subscription) =>
      subscription.lastProduced < 20_000 ? backlog(subscription) : undefined;
    harness = await startHarness({ maxBufferedBytes: 64 * 1024, maxBatch: 10 }, source);
    const client = harness.connect();
    await client.received(1 + 2_000);
    const seqs = client.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : []));
    expect(seqs).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect(harness.stream.stats().slowConsumerCloses).toBe(0);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});
