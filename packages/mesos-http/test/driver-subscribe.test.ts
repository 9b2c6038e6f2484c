import { describe, expect, it } from 'vitest';
import { MesosCallError } from '../src/errors.js';
import { startDriver, startMaster } from './helpers/harness.js';
import { FRAMEWORK, hang, refuse, until } from './helpers/scripted-master.js';

const REVIVE = { type: 'REVIVE' } as const;

describe('MesosHttpDriver: subscribing', () => {
  it('POSTs SUBSCRIBE as JSON without a stream id, then delivers SUBSCRIBED and reports subscribed', async () => {
    const master = await startMaster();
    const { driver, events } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const [subscribe] = master.subscribes;
    expect(subscribe?.headers['content-type']).toBe('application/json');
    expect(subscribe?.headers.accept).toBe('application/json');
    expect(subscribe?.headers['mesos-stream-id']).toBeUndefined();
    expect(subscribe?.body).toEqual({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED']);
    expect(driver.status()).toMatchObject({ master: master.url, frameworkId: 'fw-1', attempts: 0 });
    expect(driver.eventsReceived).toBe(1);
  });

  it('sends the stream id and framework_id on every call, and resolves on 202', async () => {
    const master = await startMaster();
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    await driver.call(REVIVE);
    await driver.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o-1' }] } });
    expect(master.calls.map((c) => c.headers['mesos-stream-id'])).toEqual(['stream-1', 'stream-1']);
    expect(master.calls.map((c) => c.body)).toEqual([
      { type: 'REVIVE', framework_id: { value: 'fw-1' } },
      { type: 'DECLINE', framework_id: { value: 'fw-1' }, decline: { offer_ids: [{ value: 'o-1' }] } },
    ]);
    expect(master.calls.map((c) => c.headers['content-type'])).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(driver.callsInFlight).toBe(0);
  });

  it('refuses a call before SUBSCRIBED at once, without sending it', async () => {
    const master = await startMaster();
    master.onSubscribe = hang;
    const { driver } = startDriver([master]);
    await until(() => expect(master.subscribes).toHaveLength(1));
    const error = await driver.call(REVIVE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MesosCallError);
    expect(error).toMatchObject({ failure: 'not-subscribed', status: 503 });
    expect(driver.status().state).toBe('connecting');
    expect(master.calls).toHaveLength(0);
  });

  it('refuses calls while the stream is open but SUBSCRIBED has not come yet', async () => {
    const master = await startMaster();
    master.onSubscribe = (received, res) => master.accept(received, res, { subscribed: false });
    const { driver } = startDriver([master]);
    await until(() => expect(master.stream).toBeDefined());
    await expect(driver.call(REVIVE)).rejects.toMatchObject({ failure: 'not-subscribed' });
    expect(driver.subscribing).toBe(true);
    master.send({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-9' } } });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(driver.subscribing).toBe(false);
    await driver.call(REVIVE);
    expect(master.calls.map((c) => c.body.framework_id)).toEqual([{ value: 'fw-9' }]);
  });

  it('re-subscribes with the framework id of the first SUBSCRIBED in framework_id and framework_info.id', async () => {
    const master = await startMaster();
    master.onSubscribe = (received, res) => {
      // The first SUBSCRIBED names the id; later ones echo what the driver sent.
      if (master.subscribes.length === 1) {
        res.writeHead(200, { 'Mesos-Stream-Id': 'stream-a' });
        master.stream = res;
        master.send({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'M-0000' } } });
      } else master.accept(received, res);
    };
    const { driver, clock, events } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.endStream();
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    // Waiting out the back-off: no SUBSCRIBE open until the clock moves.
    expect(driver.subscribing).toBe(false);
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes[1]?.body).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: 'M-0000' },
      subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'M-0000' } } },
    });
    expect(master.subscribes[1]?.headers['mesos-stream-id']).toBeUndefined();
    // Each SUBSCRIBED reaches the listener: the engine re-runs its after-subscribe work.
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'SUBSCRIBED']);
    // Calls now carry the new stream's id.
    await driver.call(REVIVE);
    expect(master.calls[0]?.headers['mesos-stream-id']).toBe('stream-1');
  });

  it('subscribes with the id it was given from the first SUBSCRIBE on (failover after a restart)', async () => {
    const master = await startMaster();
    const { driver } = startDriver([master], {}, { ...FRAMEWORK, id: { value: 'fw-old' } });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes[0]?.body.framework_id).toEqual({ value: 'fw-old' });
    expect(master.subscribes[0]?.body.subscribe.framework_info.id).toEqual({ value: 'fw-old' });
    expect(driver.status().frameworkId).toBe('fw-old');
  });
});

describe('MesosHttpDriver: masters', () => {
  it('follows a 307 with a protocol-relative Location, and sends calls to the leader', async () => {
    const leader = await startMaster();
    const follower = await startMaster();
    const leaderHostPort = new URL(leader.url).host;
    follower.onSubscribe = refuse(307, '', { Location: `//${leaderHostPort}/api/v1/scheduler` });
    const { driver } = startDriver([follower]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(follower.subscribes).toHaveLength(1);
    expect(leader.subscribes[0]?.body).toEqual(follower.subscribes[0]?.body);
    expect(driver.status().master).toBe(leader.url);
    await driver.call(REVIVE);
    expect(leader.calls).toHaveLength(1);
    expect(follower.calls).toHaveLength(0);
  });

  it('gives up on a redirect loop after maxRedirects hops and backs off', async () => {
    const master = await startMaster();
    master.onSubscribe = refuse(307, '', { Location: `//${new URL(master.url).host}/api/v1/scheduler` });
    const { driver } = startDriver([master], { maxRedirects: 3 });
    await until(() => expect(driver.status().attempts).toBe(1));
    expect(master.subscribes).toHaveLength(4);
    expect(driver.status().state).toBe('connecting');
  });

  it('backs off on 503 (no leader yet) and tries the next master', async () => {
    const recovering = await startMaster();
    const next = await startMaster();
    recovering.onSubscribe = refuse(503, 'No leader elected');
    const { driver, clock } = startDriver([recovering, next]);
    await until(() => expect(driver.status().attempts).toBe(1));
    // `master` is the one last tried until the next attempt starts.
    expect(driver.status()).toMatchObject({ state: 'connecting', master: recovering.url });
    expect(driver.status().lastError).toContain('503');
    expect(next.subscribes).toHaveLength(0);
    // random = 1: the first back-off is its cap, 500 ms.
    clock.advance(499);
    expect(next.subscribes).toHaveLength(0);
    clock.advance(1);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(next.subscribes).toHaveLength(1);
    expect(driver.status()).toMatchObject({ attempts: 0, master: next.url });
  });

  it('keeps cycling through the masters with a growing back-off while none answers', async () => {
    const a = await startMaster();
    const b = await startMaster();
    a.onSubscribe = refuse(503);
    b.onSubscribe = refuse(503);
    const { driver, clock } = startDriver([a, b], { backoff: { initialMs: 100, maxMs: 300 } });
    await until(() => expect(driver.status().attempts).toBe(1));
    clock.advance(100);
    await until(() => expect(driver.status().attempts).toBe(2));
    clock.advance(199);
    expect(a.subscribes.length + b.subscribes.length).toBe(2);
    clock.advance(1);
    await until(() => expect(driver.status().attempts).toBe(3));
    clock.advance(300); // capped at maxMs
    await until(() => expect(driver.status().attempts).toBe(4));
    expect([a.subscribes.length, b.subscribes.length]).toEqual([2, 2]);
  });

  it('counts a stream without Mesos-Stream-Id as a failed attempt', async () => {
    const master = await startMaster();
    master.onSubscribe = (_received, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
    };
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().attempts).toBe(1));
    expect(driver.status().state).toBe('connecting');
    await until(() => expect(master.subscribes[0]?.closed).toBe(true));
  });

  it('counts a refused connection as a failed attempt', async () => {
    const gone = await startMaster();
    const url = gone.url;
    await gone.close();
    const { driver } = startDriver([url]);
    await until(() => expect(driver.status().attempts).toBe(1));
    expect(driver.status().state).toBe('connecting');
    expect(driver.status().lastError).toContain('network');
  });
});
