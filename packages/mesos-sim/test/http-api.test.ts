import { afterEach, describe, expect, it } from 'vitest';
import {
  HTTP_FRAMEWORK,
  isStream,
  type SimHttp,
  send,
  startSimHttp,
  subscribe,
  subscribed,
  TestRecordIo,
} from './http-helpers.js';

// The simulator's HTTP face: the wire rules of Mesos' v1 scheduler API (spec/mesos-v1.md).

let sim: SimHttp | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('MesosSimServer SUBSCRIBE', () => {
  it('answers 200 application/json with a Mesos-Stream-Id and a RecordIO stream: SUBSCRIBED, HEARTBEAT', async () => {
    sim = await startSimHttp({ heartbeatSeconds: 7 });
    const stream = await subscribed(sim.url);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(stream.streamId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await stream.waitFor((s) => s.events.length >= 2);
    expect(stream.types()).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    const first = stream.events[0]!;
    expect(first.type === 'SUBSCRIBED' && first.subscribed.heartbeat_interval_seconds).toBe(7);
    expect(stream.frameworkId).toBe(sim.cluster.frameworkId);
  });

  it('writes a HEARTBEAT every heartbeatSeconds of the injected clock', async () => {
    sim = await startSimHttp({ heartbeatSeconds: 5 });
    const stream = await subscribed(sim.url);
    await stream.waitFor((s) => s.events.length >= 2);
    const beats = () => stream.types().filter((t) => t === 'HEARTBEAT').length;
    sim.advance(0); // the first offer round
    const written = sim.server.eventsWritten;
    sim.advance(4_999);
    expect(sim.server.eventsWritten).toBe(written);
    sim.advance(1);
    expect(sim.server.eventsWritten).toBe(written + 1);
    await stream.waitFor(() => beats() === 2, 'second heartbeat');
    sim.advance(10_000);
    await stream.waitFor(() => beats() === 4, 'two more heartbeats');
  });

  it('sends offers of the cluster on the stream, and a call on the stream answers 202 with no body', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    sim.advance(0);
    await stream.waitFor((s) => s.offers().length === 2, 'two offers');
    const reply = await stream.call({ type: 'DECLINE', decline: { offer_ids: [stream.offers()[0]!.id] } });
    expect(reply).toMatchObject({ status: 202, body: '' });
    expect(sim.cluster.outstandingOffers()).toHaveLength(1);
  });

  it('refuses a SUBSCRIBE carrying Mesos-Stream-Id, a missing framework_info or a mismatched framework_id', async () => {
    sim = await startSimHttp();
    const withHeader = await subscribe(sim.url, HTTP_FRAMEWORK, { 'Mesos-Stream-Id': 'x' });
    expect(isStream(withHeader) ? 200 : withHeader.status).toBe(400);
    const bare = await send(sim.url, { body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: {} }) });
    expect(bare.status).toBe(400);
    const mismatched = await send(sim.url, {
      body: JSON.stringify({
        type: 'SUBSCRIBE',
        framework_id: { value: 'a' },
        subscribe: { framework_info: { ...HTTP_FRAMEWORK, id: { value: 'b' } } },
      }),
    });
    expect(mismatched.status).toBe(400);
    const notJson = await subscribe(sim.url, HTTP_FRAMEWORK, { Accept: 'application/x-protobuf' });
    expect(isStream(notJson) ? 200 : notJson.status).toBe(406);
    expect(sim.cluster.frameworkId).toBeUndefined();
  });
});

describe('MesosSimServer calls', () => {
  it('answers 403 to a call before any SUBSCRIBE', async () => {
    sim = await startSimHttp();
    const reply = await send(sim.url, {
      body: JSON.stringify({ type: 'REVIVE', framework_id: { value: 'nobody' } }),
      headers: { 'Mesos-Stream-Id': '00000000-0000-4000-8000-000000000000' },
    });
    expect(reply.status).toBe(403);
    expect(sim.server.calls).toHaveLength(1);
  });

  it('answers 400 to a missing or wrong Mesos-Stream-Id, and the call has no effect', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    sim.advance(0);
    await stream.waitFor((s) => s.offers().length === 2);
    const decline = { type: 'DECLINE', decline: { offer_ids: [stream.offers()[0]!.id] } };
    const body = JSON.stringify({ framework_id: { value: stream.frameworkId }, ...decline });
    expect((await send(sim.url, { body })).status).toBe(400);
    const wrong = await send(sim.url, { body, headers: { 'Mesos-Stream-Id': 'not-the-stream' } });
    expect(wrong.status).toBe(400);
    expect(sim.cluster.outstandingOffers()).toHaveLength(2);
  });

  it('answers 400 without framework_id and 403 with another framework id', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    const missing = await send(sim.url, {
      body: JSON.stringify({ type: 'REVIVE' }),
      headers: { 'Mesos-Stream-Id': stream.streamId },
    });
    expect(missing.status).toBe(400);
    const other = await stream.call({ type: 'REVIVE', framework_id: { value: 'another-framework' } });
    expect(other.status).toBe(403);
  });

  it('answers 400 to malformed JSON, a non-object, no type, an unknown type and a bad ACKNOWLEDGE uuid', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    const headers = { 'Mesos-Stream-Id': stream.streamId };
    expect((await send(sim.url, { body: '{"type": "REVIVE",', headers })).status).toBe(400);
    expect((await send(sim.url, { body: '[1]', headers })).status).toBe(400);
    expect((await stream.call({ type: undefined })).status).toBe(400);
    expect((await stream.call({ type: 'FLY' })).status).toBe(400);
    const badAck = await stream.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: 'bm90LWEtdXVpZA==' },
    });
    expect(badAck.status).toBe(400);
  });

  it('answers 400 when the checkCall hook objects, 415 to another content type, 405 to GET, 404 elsewhere', async () => {
    sim = await startSimHttp({
      checkCall: (body) => ((body as { type?: string }).type === 'SUPPRESS' ? 'no' : undefined),
    });
    const stream = await subscribed(sim.url);
    expect((await stream.call({ type: 'SUPPRESS' })).status).toBe(400);
    expect((await stream.call({ type: 'REVIVE' })).status).toBe(202);
    const text = await send(sim.url, { body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect((await send(sim.url, { method: 'GET' })).status).toBe(405);
    expect((await send(sim.url, { path: '/api/v1/operator', body: '{}' })).status).toBe(404);
  });

  it('answers 413 to a body above the limit', async () => {
    sim = await startSimHttp({ maxBodyBytes: 1024 });
    const stream = await subscribed(sim.url);
    const big = await stream.call({ type: 'REVIVE', padding: 'x'.repeat(2048) });
    expect(big.status).toBe(413);
    expect((await stream.call({ type: 'REVIVE' })).status).toBe(202);
  });

  it('records every call received, in order, at GET /admin/calls', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    await stream.call({ type: 'SUPPRESS' });
    await stream.call({ type: 'REVIVE' });
    const calls = await send(sim.url, { method: 'GET', path: '/admin/calls' });
    expect(JSON.parse(calls.body).map((c: { type: string }) => c.type)).toEqual([
      'SUBSCRIBE',
      'SUPPRESS',
      'REVIVE',
    ]);
    // Which stream sent each: none for SUBSCRIBE, then the stream's id.
    const streams = await send(sim.url, { method: 'GET', path: '/admin/call-streams' });
    expect(JSON.parse(streams.body)).toEqual([null, stream.streamId, stream.streamId]);
  });

  it('TEARDOWN answers 202, ends the stream and removes the framework', async () => {
    sim = await startSimHttp();
    const stream = await subscribed(sim.url);
    expect((await stream.call({ type: 'TEARDOWN' })).status).toBe(202);
    await stream.waitFor((s) => s.ended, 'stream end');
    expect(sim.cluster.frameworkId).toBeUndefined();
  });
});

describe('a second SUBSCRIBE for the same framework', () => {
  it('ends the old stream with ERROR; the old stream id is refused, the new one served', async () => {
    sim = await startSimHttp();
    const first = await subscribed(sim.url);
    const second = await subscribed(sim.url, { ...HTTP_FRAMEWORK, id: { value: first.frameworkId } });
    await first.waitFor((s) => s.ended, 'old stream end');
    expect(first.types().at(-1)).toBe('ERROR');
    expect(second.frameworkId).toBe(first.frameworkId);
    expect(second.streamId).not.toBe(first.streamId);
    expect((await first.call({ type: 'REVIVE' })).status).toBe(400);
    expect((await second.call({ type: 'REVIVE' })).status).toBe(202);
    // The old socket closing is not a disconnect: no failover timeout removes the framework.
    sim.advance(120_000);
    expect(sim.cluster.frameworkId).toBe(first.frameworkId);
  });
});

describe('TestRecordIo, the decoder of these tests', () => {
  it('decodes records split anywhere, including inside the length prefix', () => {
    const bytes = Buffer.from('12\n{"type":"A"}13\n{"type":"BB"}');
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new TestRecordIo();
      const records = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(records).toEqual(['{"type":"A"}', '{"type":"BB"}']);
    }
  });
});
