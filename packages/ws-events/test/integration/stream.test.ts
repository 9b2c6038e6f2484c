import type { EventMessage, TaskGroupStatusEvent } from '@bcs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/index.js';
import { recordingLogger, taskgroupEvent } from '../helpers/fake-source.js';
import { CLUSTER_ID, EVENTS_PATH, type Harness, sleep, startHarness, waitUntil } from '../helpers/harness.js';

let harness: Harness;
afterEach(() => harness.close());

describe('the stream', () => {
  it('passes the query filter and since to subscribe, with a signal and maxBatch', async () => {
    harness = await startHarness({ maxBatch: 50 });
    const query =
      `clusterId=${CLUSTER_ID}&namespace=ns1&application=web&deployment=web-dep` +
      '&kinds=taskgroup.status,application.status&since=17';
    await harness.connect(EVENTS_PATH, query).received(1);
    const [subscription] = harness.source.subscriptions;
    expect(subscription?.options).toEqual({
      namespace: 'ns1',
      application: 'web',
      deployment: 'web-dep',
      kinds: ['taskgroup.status', 'application.status'],
      since: 17,
      maxBatch: 50,
      signal: expect.any(AbortSignal),
    });
  });

  it('subscribes with no filter and no since when the query has none', async () => {
    harness = await startHarness();
    await harness.connect().received(1);
    const options = harness.source.subscriptions[0]?.options ?? {};
    expect(Object.keys(options)).toEqual(['signal']);
  });

  it('sends every message in order, as the JSON of the message', async () => {
    // The fake queues one message per publish, where core's log merges what accumulated into one: pulling at
    // once keeps this test about order, not about the flush pacing (tested below).
    harness = await startHarness({ flushIntervalMs: 0 });
    harness.source.head = 3;
    const client = harness.connect();
    await client.received(1);
    const sent: EventMessage[] = [
      { type: 'events', events: [taskgroupEvent(4), taskgroupEvent(5)] },
      {
        type: 'resync',
        seq: 9,
        reason: 'history gone',
        snapshot: { applications: [], taskgroups: [], deployments: [] },
      },
      { type: 'events', events: [taskgroupEvent(10, { to: 'Failed', healthy: false })] },
    ];
    for (const message of sent) harness.source.publish(message);
    for (let seq = 11; seq <= 300; seq += 1) {
      harness.source.publish({ type: 'events', events: [taskgroupEvent(seq)] });
    }
    await client.received(1 + sent.length + 290);
    expect(client.messages.slice(0, 4)).toEqual([{ type: 'hello', seq: 3, oldest: 1 }, ...sent]);
    expect(client.texts[1]).toBe(JSON.stringify(sent[0]));
    const seqs = client.messages.flatMap((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : []));
    expect(seqs).toEqual([4, 5, 10, ...Array.from({ length: 290 }, (_, i) => 11 + i)]);
    expect(harness.stream.stats().messagesSent).toBe(1 + sent.length + 290);
  });

  it('sends the same event objects to every subscriber as identical text', async () => {
    harness = await startHarness();
    const clients = [harness.connect(), harness.connect(), harness.connect()];
    await Promise.all(clients.map((client) => client.received(1)));
    const message: EventMessage = { type: 'events', events: [taskgroupEvent(1), taskgroupEvent(2)] };
    harness.source.publish(message);
    await Promise.all(clients.map((client) => client.received(2)));
    for (const client of clients) expect(client.texts[1]).toBe(JSON.stringify(message));
  });

  it('ends the subscription when the client closes, or just drops the connection', async () => {
    harness = await startHarness();
    const polite = harness.connect();
    const abrupt = harness.connect();
    await Promise.all([polite.received(1), abrupt.received(1)]);
    const [first, second] = harness.source.subscriptions;
    polite.ws.close(1000);
    abrupt.ws.terminate();
    await waitUntil(() => first?.ended === true && second?.ended === true, 'both subscriptions to end');
    expect(first?.returned).toBe(true);
    expect(second?.returned).toBe(true);
    await waitUntil(() => harness.stream.stats().connections === 0, 'no connections');
  });

  it('closes with 4500 and logs an error when the subscription fails', async () => {
    const logger = recordingLogger();
    harness = await startHarness({ logger });
    harness.source.failWith = new Error('cursor lost');
    const client = harness.connect();
    expect(await client.closed).toEqual({
      code: CloseCode.SubscriptionFailed,
      reason: 'subscription failed',
    });
    expect(client.messages).toEqual([{ type: 'hello', seq: 0, oldest: 1 }]);
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({ err: harness.source.failWith });
  });

  it('closes with 4500 when subscribe itself throws', async () => {
    harness = await startHarness();
    harness.source.subscribe = () => {
      throw new Error('no cursor');
    };
    const client = harness.connect();
    expect((await client.closed).code).toBe(CloseCode.SubscriptionFailed);
  });

  it('closes with 1001 when the source ends the subscription', async () => {
    harness = await startHarness();
    const client = harness.connect();
    await client.received(1);
    // The fake's return() ends it from the source's side: the pending next() resolves done.
    await harness.source.subscriptions[0]?.return();
    expect(await client.closed).toEqual({ code: CloseCode.GoingAway, reason: 'event source ended' });
  });

  it('ignores client messages, and closes with 1009 a client frame past maxPayload', async () => {
    harness = await startHarness();
    const client = harness.connect();
    await client.received(1);
    client.ws.send('{"type":"subscribe"}');
    client.ws.send(Buffer.alloc(1024));
    await sleep(30);
    harness.source.publish({ type: 'events', events: [taskgroupEvent(1)] });
    await client.received(2);
    expect(client.ws.readyState).toBe(client.ws.OPEN);

    client.ws.send('x'.repeat(10_000));
    expect((await client.closed).code).toBe(1009);
    await waitUntil(() => harness.source.subscriptions[0]?.ended === true, 'the subscription to end');
  });
});

describe('a subscriber that has caught up', () => {
  it('waits for the next flush before pulling again: what is committed meanwhile goes out in one message', async () => {
    harness = await startHarness({ flushIntervalMs: 1_500 });
    // A source that reads like core's log: each pull gets every event after the subscription's position.
    const log: TaskGroupStatusEvent[] = [];
    harness.source.producer = (subscription) => {
      const events = log.filter((event) => event.seq > subscription.lastProduced);
      if (events.length === 0) return undefined;
      subscription.lastProduced = (events.at(-1) as TaskGroupStatusEvent).seq;
      return { type: 'events', events };
    };
    const commit = (seq: number) => {
      log.push(taskgroupEvent(seq));
      harness.source.wake();
    };
    const client = harness.connect();
    await client.received(1);
    // The subscription waits for the source: the first commit goes out at once.
    await waitUntil(() => harness.source.subscriptions[0]?.yielded === 1, 'the first pull');
    commit(1);
    await client.received(2);
    // Four commits, each in a turn of its own, before the next flush: one message.
    for (const seq of [2, 3, 4, 5]) {
      commit(seq);
      await sleep(20);
    }
    await client.received(3);
    const batches = client.messages.map((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : m.type));
    expect(batches).toEqual(['hello', [1], [2, 3, 4, 5]]);
    expect(harness.source.subscriptions[0]?.yielded).toBe(3);
  });

  it('pulls again at once with flushIntervalMs 0: one message per commit', async () => {
    harness = await startHarness({ flushIntervalMs: 0 });
    const client = harness.connect();
    await client.received(1);
    for (const seq of [1, 2, 3]) {
      await waitUntil(() => harness.source.subscriptions[0]?.yielded === seq, `pull ${seq}`);
      harness.source.publish({ type: 'events', events: [taskgroupEvent(seq)] });
      await client.received(seq + 1);
    }
    const batches = client.messages.map((m) => (m.type === 'events' ? m.events.map((e) => e.seq) : m.type));
    expect(batches).toEqual(['hello', [1], [2], [3]]);
  });
});
