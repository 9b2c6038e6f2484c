import { describe, expect, it } from 'vitest';
import { MesosCallError } from '../src/errors.js';
import { encodeRecord } from '../src/recordio.js';
import { startDriver, startMaster } from './helpers/harness.js';
import { FRAMEWORK, hang, refuse, until } from './helpers/scripted-master.js';

const REVIVE = { type: 'REVIVE' } as const;

describe('MesosHttpDriver: a dead link', () => {
  it('declares a silent stream dead after heartbeatFactor × heartbeat_interval_seconds, then re-subscribes', async () => {
    const master = await startMaster(); // SUBSCRIBED says 1 s; factor 5 → 5000 ms
    const { driver, clock, events } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    clock.advance(4999);
    expect(driver.status().state).toBe('subscribed');
    clock.advance(1);
    expect(driver.status()).toMatchObject({ state: 'reconnecting', since: clock.now() });
    await until(() => expect(master.subscribes[0]?.closed).toBe(true));
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'SUBSCRIBED']);
  });

  it('resets the watchdog on every event, HEARTBEAT included', async () => {
    const master = await startMaster();
    const { driver, clock } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    clock.advance(4000);
    master.send({ type: 'HEARTBEAT' });
    await until(() => expect(driver.eventsReceived).toBe(2));
    clock.advance(4999); // 4999 ms after the heartbeat
    expect(driver.status().state).toBe('subscribed');
    clock.advance(1);
    expect(driver.status().state).toBe('reconnecting');
  });

  it('abandons a SUBSCRIBE that gets no answer within subscribeTimeoutMs', async () => {
    const master = await startMaster();
    master.onSubscribe = hang;
    const { driver, clock } = startDriver([master], { subscribeTimeoutMs: 2000 });
    await until(() => expect(master.subscribes).toHaveLength(1));
    clock.advance(1999);
    expect(driver.status().attempts).toBe(0);
    clock.advance(1);
    expect(driver.status()).toMatchObject({ state: 'connecting', attempts: 1 });
    await until(() => expect(master.subscribes[0]?.closed).toBe(true));
    clock.advance(500);
    await until(() => expect(master.subscribes).toHaveLength(2));
  });

  it('abandons a stream that opens but never sends SUBSCRIBED', async () => {
    const master = await startMaster();
    master.onSubscribe = (received, res) => master.accept(received, res, { subscribed: false });
    const { driver, clock } = startDriver([master], { subscribeTimeoutMs: 2000 });
    await until(() => expect(master.stream).toBeDefined());
    clock.advance(2000);
    expect(driver.status()).toMatchObject({ state: 'connecting', attempts: 1 });
    await until(() => expect(master.subscribes[0]?.closed).toBe(true));
  });

  it('delivers an ERROR event to the listener first, then re-subscribes with back-off', async () => {
    const master = await startMaster();
    const { driver, clock, events, statesSeen } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
    await until(() => expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'ERROR']));
    // The listener saw SUBSCRIBED with calls allowed, and the ERROR before the link was dropped.
    expect(statesSeen).toEqual(['subscribed', 'subscribed']);
    expect(driver.status().state).toBe('reconnecting');
    expect(driver.status().lastError).toContain('Framework failed over');
    await expect(driver.call(REVIVE)).rejects.toMatchObject({ failure: 'not-subscribed' });
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes[1]?.body.framework_id).toEqual({ value: 'fw-1' });
  });

  it('re-subscribes when the master closes the stream, with a doubling back-off reset by SUBSCRIBED', async () => {
    const master = await startMaster();
    const { driver, clock } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.onSubscribe = refuse(503, 'Master is recovering');
    master.endStream();
    await until(() => expect(master.subscribes).toHaveLength(1));
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    clock.advance(500); // 1st retry: 503
    await until(() => expect(driver.status().attempts).toBe(1));
    master.onSubscribe = (received, res) => master.accept(received, res);
    clock.advance(999);
    expect(master.subscribes).toHaveLength(2);
    clock.advance(1); // 2nd retry after 1000 ms
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(driver.status().attempts).toBe(0);
    // Reset: the next loss retries after 500 ms again.
    master.endStream();
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes).toHaveLength(4);
  });

  it('re-subscribes when the stream socket is destroyed', async () => {
    const master = await startMaster();
    const { driver, clock } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.stream?.socket?.destroy();
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    expect(driver.status().lastError).toContain('closed');
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes).toHaveLength(2);
  });

  it('drops a stream that is not RecordIO, keeping the events before the fault', async () => {
    const master = await startMaster();
    const { driver, events } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.stream?.write(Buffer.concat([encodeRecord('{"type":"HEARTBEAT"}'), Buffer.from('garbage\n')]));
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    expect(driver.status().lastError).toContain('decode');
  });

  it('drops a stream whose record is not a JSON event', async () => {
    const master = await startMaster();
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.stream?.write(encodeRecord('{"no":"type"}'));
    await until(() => expect(driver.status().state).toBe('reconnecting'));
  });

  it('decodes events re-chunked at every byte, multi-byte characters included', async () => {
    const master = await startMaster();
    master.onSubscribe = (_received, res) => {
      res.writeHead(200, { 'Mesos-Stream-Id': 's' });
      master.stream = res;
      const bytes = Buffer.concat(
        [
          {
            type: 'SUBSCRIBED',
            subscribed: { framework_id: { value: 'fw-é' }, heartbeat_interval_seconds: 15 },
          },
          { type: 'HEARTBEAT' },
          { type: 'ERROR', error: { message: 'rôle invalide ✓' } },
        ].map((event) => encodeRecord(JSON.stringify(event))),
      );
      const writeFrom = (i: number): void => {
        if (i >= bytes.length) return;
        res.write(bytes.subarray(i, i + 1), () => setImmediate(() => writeFrom(i + 1)));
      };
      writeFrom(0);
    };
    const { driver, events } = startDriver([master]);
    await until(() => expect(events).toHaveLength(3));
    expect(events[0]).toMatchObject({ subscribed: { framework_id: { value: 'fw-é' } } });
    expect(events[2]).toEqual({ type: 'ERROR', error: { message: 'rôle invalide ✓' } });
    expect(driver.status().frameworkId).toBe('fw-é');
  });

  it('ignores unknown event types (spec/mesos-v1.md §5) but counts them', async () => {
    const master = await startMaster();
    const { driver, events } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.send({ type: 'INVERSE_OFFERS', inverse_offers: { inverse_offers: [] } });
    master.send({ type: 'HEARTBEAT' });
    await until(() => expect(driver.eventsReceived).toBe(3));
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    expect(driver.status().state).toBe('subscribed');
  });
});

describe('MesosHttpDriver: a removed framework', () => {
  it('stops for good on ERROR "Framework has been removed", after delivering it', async () => {
    const master = await startMaster();
    master.onSubscribe = (_received, res) => {
      res.writeHead(200, { 'Mesos-Stream-Id': 's' });
      res.end(
        encodeRecord(JSON.stringify({ type: 'ERROR', error: { message: 'Framework has been removed' } })),
      );
    };
    const { driver, clock, events, logger } = startDriver([master], {}, undefined);
    await until(() => expect(driver.status().state).toBe('removed'));
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect(driver.status().lastError).toContain('removed');
    expect(clock.pendingTimers).toBe(0); // no re-subscribe scheduled
    clock.advance(60_000);
    expect(master.subscribes).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', fields: expect.objectContaining({ state: 'removed' }) },
    ]);
    await expect(driver.call(REVIVE)).rejects.toMatchObject({ failure: 'not-subscribed' });
  });

  it('subscribes again when asked after the removal: a new framework, without the old id', async () => {
    const master = await startMaster();
    master.onSubscribe = (received, res) => {
      if (master.subscribes.length > 1) return master.accept(received, res);
      res.writeHead(200, { 'Mesos-Stream-Id': 's' });
      res.end(
        encodeRecord(JSON.stringify({ type: 'ERROR', error: { message: 'Framework has been removed' } })),
      );
    };
    const { driver } = startDriver([master], {}, { ...FRAMEWORK, id: { value: 'fw-old' } });
    await until(() => expect(driver.status().state).toBe('removed'));
    const events: string[] = [];
    await driver.subscribe(FRAMEWORK, (event) => events.push(event.type));
    expect(driver.status()).toMatchObject({ state: 'connecting', attempts: 0 });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(master.subscribes[1]?.body).toEqual({
      type: 'SUBSCRIBE',
      subscribe: { framework_info: FRAMEWORK },
    });
    expect(driver.status().frameworkId).toBe('fw-1');
    expect(events).toEqual(['SUBSCRIBED']);
    await expect(driver.subscribe(FRAMEWORK, () => undefined)).rejects.toThrow(TypeError);
  });

  it('stops on a 403 to SUBSCRIBE naming a completed framework', async () => {
    const master = await startMaster();
    master.onSubscribe = refuse(403, "Framework 'fw-1' is completed: it has been removed");
    const { driver, clock } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('removed'));
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries a 403 to SUBSCRIBE that names no removal', async () => {
    const master = await startMaster();
    master.onSubscribe = refuse(403, 'Not authorized');
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().attempts).toBe(1));
    expect(driver.status().state).toBe('connecting');
  });
});

describe('MesosHttpDriver: calls', () => {
  it.each([
    [400, 'Framework cannot be found', 'reconnects: false'],
    [409, 'Conflict', 'reconnects: false'],
    [403, 'Framework is not subscribed', 'reconnects: true'],
    [503, 'No leader elected', 'reconnects: true'],
    [500, 'oops', 'reconnects: false'],
  ])(
    'rejects %i with a MesosCallError carrying the status and the body (%s, %s)',
    async (status, text, what) => {
      const master = await startMaster();
      master.onCall = refuse(status, text);
      const { driver } = startDriver([master]);
      await until(() => expect(driver.status().state).toBe('subscribed'));
      const error = await driver.call(REVIVE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MesosCallError);
      expect(error).toMatchObject({ failure: 'http', status, body: text });
      expect(driver.status().state).toBe(what === 'reconnects: true' ? 'reconnecting' : 'subscribed');
    },
  );

  it('follows a 307 on a call by re-subscribing at its target', async () => {
    const old = await startMaster();
    const leader = await startMaster();
    old.onCall = refuse(307, '', { Location: `//${new URL(leader.url).host}/api/v1/scheduler` });
    const { driver, clock } = startDriver([old]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    await expect(driver.call(REVIVE)).rejects.toMatchObject({ status: 307 });
    expect(driver.status().state).toBe('reconnecting');
    clock.advance(500);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    expect(driver.status().master).toBe(leader.url);
    expect(old.subscribes).toHaveLength(1);
    expect(leader.subscribes[0]?.body.framework_id).toEqual({ value: 'fw-1' });
  });

  it('rejects a call whose connection breaks with a typed network error', async () => {
    const master = await startMaster();
    master.onCall = (_received, res) => res.socket?.destroy();
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const error = await driver.call(REVIVE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MesosCallError);
    expect((error as MesosCallError).status).toBe(503);
    expect(['network', 'closed']).toContain((error as MesosCallError).failure);
    expect(driver.callsInFlight).toBe(0);
  });

  it('sends calls one at a time, in the order they were made', async () => {
    const master = await startMaster();
    const held: (() => void)[] = [];
    master.onCall = (_received, res) => {
      held.push(() => {
        res.writeHead(202);
        res.end();
      });
    };
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const calls = [REVIVE, { type: 'SUPPRESS' } as const, REVIVE].map((c) => driver.call(c));
    await until(() => expect(master.calls).toHaveLength(1));
    expect(driver.callsInFlight).toBe(3);
    for (let n = 1; n <= 3; n++) {
      await until(() => expect(held).toHaveLength(n));
      expect(master.calls).toHaveLength(n); // the next one waits for this answer
      held[n - 1]?.();
    }
    await Promise.all(calls);
    expect(master.calls.map((c) => c.body.type)).toEqual(['REVIVE', 'SUPPRESS', 'REVIVE']);
    expect(driver.callsInFlight).toBe(0);
  });

  it('sends ACKNOWLEDGE and RECONCILE on a lane of their own, several at once, beside a held ordered call', async () => {
    const master = await startMaster();
    const held: (() => void)[] = [];
    master.onCall = (_received, res) => {
      held.push(() => {
        res.writeHead(202);
        res.end();
      });
    };
    const { driver } = startDriver([master], { ackConnections: 3 });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const ack = (n: number) =>
      ({
        type: 'ACKNOWLEDGE',
        acknowledge: {
          agent_id: { value: 'a' },
          task_id: { value: `t-${n}` },
          uuid: 'yquKe+R9RxyK7YbDJb5OCA==',
        },
      }) as const;
    const calls = [
      driver.call(REVIVE),
      driver.call({ type: 'SUPPRESS' }),
      ...[1, 2, 3, 4].map((n) => driver.call(ack(n))),
      driver.call({ type: 'RECONCILE', reconcile: { tasks: [] } }),
    ];
    // REVIVE holds the ordered lane (SUPPRESS waits behind it); three of the five others are on the wire.
    await until(() => expect(master.calls).toHaveLength(4));
    expect(master.calls.map((c) => c.body.type).sort()).toEqual([
      'ACKNOWLEDGE',
      'ACKNOWLEDGE',
      'ACKNOWLEDGE',
      'REVIVE',
    ]);
    // Release whatever the master holds until every call has its answer (a call may reach the master only
    // after an earlier one was answered, so an empty `held` does not mean the end).
    let settled = false;
    const all = Promise.all(calls).finally(() => {
      settled = true;
    });
    while (!settled) {
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await all;
    expect(master.calls).toHaveLength(7);
    const ordered = master.calls.map((c) => c.body.type).filter((t) => t === 'REVIVE' || t === 'SUPPRESS');
    expect(ordered).toEqual(['REVIVE', 'SUPPRESS']);
  });

  it('sends consecutive ACCEPTs and DECLINEs several at once, never overlapping the ordered calls around them', async () => {
    const master = await startMaster();
    const held: (() => void)[] = [];
    // What had been answered when each call reached the master, by call label.
    const answered: string[] = [];
    const answeredAtArrival = new Map<string, string[]>();
    const label = (body: { type: string; accept?: { offer_ids: { value: string }[] } }) =>
      body.type === 'ACCEPT' ? `ACCEPT ${body.accept!.offer_ids[0]!.value}` : body.type;
    master.onCall = (received, res) => {
      const name = label(received.body as never);
      answeredAtArrival.set(name, [...answered]);
      held.push(() => {
        answered.push(name);
        res.writeHead(202);
        res.end();
      });
    };
    const { driver } = startDriver([master], { parallelConnections: 3 });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const accept = (offer: string) =>
      ({
        type: 'ACCEPT',
        accept: { offer_ids: [{ value: offer }], operations: [], filters: { refuse_seconds: 1 } },
      }) as const;
    const calls = [
      driver.call(REVIVE),
      ...['o1', 'o2', 'o3', 'o4'].map((offer) => driver.call(accept(offer))),
      driver.call({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o5' }] } }),
      driver.call({
        type: 'KILL',
        kill: { task_id: { value: 't-1' }, agent_id: { value: 'a' } },
      }),
      driver.call({ type: 'SUPPRESS' }),
    ];
    const release = () => {
      for (const answer of held.splice(0)) answer();
    };
    await until(() => expect(master.calls).toHaveLength(1));
    release(); // REVIVE answered: three of the four ACCEPTs go on the wire at once
    await until(() => expect(master.calls).toHaveLength(4));
    expect(master.calls.slice(1).map((c) => label(c.body as never))).toEqual([
      'ACCEPT o1',
      'ACCEPT o2',
      'ACCEPT o3',
    ]);
    release();
    await until(() => expect(master.calls).toHaveLength(6)); // the fourth ACCEPT and the DECLINE
    release();
    await until(() => expect(master.calls).toHaveLength(7));
    release();
    await until(() => expect(master.calls).toHaveLength(8));
    release();
    await Promise.all(calls);
    expect(master.calls.map((c) => label(c.body as never))).toEqual([
      'REVIVE',
      'ACCEPT o1',
      'ACCEPT o2',
      'ACCEPT o3',
      'ACCEPT o4',
      'DECLINE',
      'KILL',
      'SUPPRESS',
    ]);
    // The ACCEPTs waited for the REVIVE made before them; the KILL for every ACCEPT and DECLINE before it.
    for (const offer of ['o1', 'o2', 'o3', 'o4'])
      expect(answeredAtArrival.get(`ACCEPT ${offer}`)).toContain('REVIVE');
    expect([...answeredAtArrival.get('KILL')!].sort()).toEqual(
      ['ACCEPT o1', 'ACCEPT o2', 'ACCEPT o3', 'ACCEPT o4', 'DECLINE', 'REVIVE'].sort(),
    );
    expect(answeredAtArrival.get('SUPPRESS')).toContain('KILL');
    expect(driver.callsInFlight).toBe(0);
  });

  it('sends every call in order with parallelCalls []', async () => {
    const master = await startMaster();
    const held: (() => void)[] = [];
    let answered = 0;
    const answeredAtArrival: number[] = [];
    master.onCall = (_received, res) => {
      answeredAtArrival.push(answered);
      held.push(() => {
        answered++;
        res.writeHead(202);
        res.end();
      });
    };
    const { driver } = startDriver([master], { parallelCalls: [] });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const calls = ['o1', 'o2', 'o3'].map((offer) =>
      driver.call({ type: 'ACCEPT', accept: { offer_ids: [{ value: offer }], operations: [] } }),
    );
    for (let n = 1; n <= 3; n++) {
      await until(() => expect(master.calls).toHaveLength(n));
      for (const answer of held.splice(0)) answer();
    }
    await Promise.all(calls);
    expect(answeredAtArrival).toEqual([0, 1, 2]); // each went out once the one before was answered
  });

  it('refuses the calls still waiting when the link drops, never sending them with a stale stream id', async () => {
    const master = await startMaster();
    const held: (() => void)[] = [];
    master.onCall = (_received, res) => {
      held.push(() => {
        res.writeHead(202);
        res.end();
      });
    };
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const first = driver.call(REVIVE);
    const waiting = [driver.call(REVIVE), driver.call(REVIVE)].map((p) => p.catch((e: unknown) => e));
    await until(() => expect(held).toHaveLength(1));
    master.endStream();
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    held[0]?.();
    await first;
    for (const error of await Promise.all(waiting)) {
      expect(error).toMatchObject({ failure: 'not-subscribed', status: 503 });
    }
    expect(master.calls).toHaveLength(1);
  });

  it('times a call out after callTimeoutMs', async () => {
    const master = await startMaster();
    master.onCall = hang;
    const { driver, clock } = startDriver([master], { callTimeoutMs: 1000 });
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const pending = driver.call(REVIVE).catch((e: unknown) => e);
    await until(() => expect(master.calls).toHaveLength(1));
    expect(driver.callsInFlight).toBe(1);
    clock.advance(1000);
    expect(await pending).toMatchObject({ failure: 'timeout', status: 504 });
    expect(driver.callsInFlight).toBe(0);
  });
});

describe('MesosHttpDriver: status and dispose', () => {
  it('logs one line per transition, with the state', async () => {
    const master = await startMaster();
    const { driver, logger } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    master.endStream();
    await until(() => expect(driver.status().state).toBe('reconnecting'));
    await driver.dispose();
    const states = logger.lines
      .map((l) => (l.fields as { state?: string }).state)
      .filter((s) => s !== undefined);
    expect(states).toEqual(['subscribed', 'reconnecting', 'closed']);
  });

  it('closes the stream and every call connection on dispose, and is idempotent', async () => {
    const master = await startMaster();
    const { driver, clock } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    await driver.call(REVIVE); // leaves a keep-alive connection open
    expect(master.connections).toBe(2);
    await driver.dispose();
    await driver.dispose();
    expect(driver.status().state).toBe('closed');
    await until(() => expect(master.connections).toBe(0));
    expect(clock.pendingTimers).toBe(0);
    await expect(driver.call(REVIVE)).rejects.toMatchObject({ failure: 'not-subscribed' });
  });

  it('fails a call in flight when disposed', async () => {
    const master = await startMaster();
    master.onCall = hang;
    const { driver } = startDriver([master]);
    await until(() => expect(driver.status().state).toBe('subscribed'));
    const pending = driver.call(REVIVE).catch((e: unknown) => e);
    await until(() => expect(master.calls).toHaveLength(1));
    await driver.dispose();
    expect(await pending).toMatchObject({ failure: 'closed' });
    await until(() => expect(master.connections).toBe(0));
  });
});
