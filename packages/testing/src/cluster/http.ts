import { type Clock, type Logger, type MesosEvent, silentLogger } from '@bcs/core';
import { MesosHttpDriver, type MesosHttpDriverOptions } from '@bcs/mesos-http';
import { MesosSimServer, type SimulatedCluster } from '@bcs/mesos-sim';

/** Options of {@link startHttpCluster}. */
export interface HttpClusterOptions {
  /** The cluster's clock (a `ManualClock` in tests): the server's heartbeats and every driver timer run on it. */
  readonly clock: Clock;
  /**
   * Check every call the server receives and every event it writes against the real scheduler.proto, proto
   * names only (`@bcs/testing/mesos-proto`): a bad call gets 400, and either fails the next `settle()`.
   * Default true.
   */
  readonly strict?: boolean;
  /** Masters behind the server (default 1). */
  readonly masters?: number;
  /** `heartbeat_interval_seconds` (default 15, the server's). */
  readonly heartbeatSeconds?: number;
  /** Seeds the server's stream ids and re-chunking (default 1). */
  readonly seed?: number;
  /** Where the server and the drivers log (default silent). */
  readonly logger?: Logger;
  /**
   * Driver options on top of the defaults. The default jitter source is a constant 0.5 (a reproducible
   * back-off); `masters`, `clock` and `logger` are the harness's.
   */
  readonly driver?: Omit<Partial<MesosHttpDriverOptions>, 'masters' | 'clock' | 'logger'>;
}

/** A {@link SimulatedCluster} behind its HTTP face on loopback, and a {@link MesosHttpDriver} pointed at it. */
export interface HttpCluster {
  readonly cluster: SimulatedCluster;
  readonly server: MesosSimServer;
  /** The current driver (the last one {@link newDriver} made). Not subscribed yet when made. */
  readonly driver: MesosHttpDriver;
  /**
   * A fresh driver for the same server, which becomes {@link driver}: a scheduler restart. Dispose the old one
   * first (the engine does, in its own `dispose()`).
   */
  newDriver(): MesosHttpDriver;
  /** Schema problems seen so far (calls refused with 400, events that failed the check). */
  readonly problems: readonly string[];
  /**
   * Resolves once the wire is quiet, checked every `setImmediate` turn and stable for two turns: no call in
   * flight, no SUBSCRIBE open, and every event the server wrote on the current stream received (and so
   * delivered) by the driver. Rejects on a schema problem, or when the wire does not settle in 10 000 turns.
   */
  settle(): Promise<void>;
  /** Disposes the current driver and closes the server; the cluster is the caller's (dispose it after). */
  close(): Promise<void>;
}

/** How many `setImmediate` turns `settle()` waits before it gives up. */
const SETTLE_TURNS = 10_000;

/**
 * Starts a {@link MesosSimServer} on an ephemeral loopback port around `cluster` (same clock), with the strict
 * proto checks as its `checkCall`/`checkEvent` hooks, and a {@link MesosHttpDriver} pointed at it: the same
 * cluster as in process, through the real wire. `settle()` is what a test awaits after `clock.advance(ms)`
 * where it would await `drainMicrotasks()` in process.
 *
 * Advance the clock in steps shorter than the driver's watchdog (5 × the heartbeat): the server's heartbeats
 * fired during one `advance()` only reach the driver afterwards, over the socket.
 *
 * @example
 * const clock = new ManualClock(START);
 * const http = await startHttpCluster(new SimulatedCluster({ clock, agents: 2 }), { clock });
 * await http.driver.subscribe(framework, listener);
 * clock.advance(1000);
 * await http.settle();
 */
export async function startHttpCluster(
  cluster: SimulatedCluster,
  options: HttpClusterOptions,
): Promise<HttpCluster> {
  const { clock, logger = silentLogger } = options;
  // Loaded on demand: `@bcs/testing` re-exports this module, and most tests never need protobufjs.
  const schema =
    options.strict === false
      ? undefined
      : (await import('../mesos-proto/index.js')).loadMesosSchema(undefined, { protoNamesOnly: true });
  const problems: string[] = [];
  // Per-stream accounting: the server's count when it wrote the current stream's SUBSCRIBED, and the driver's
  // when it received it. Events written to an abandoned stream are never received, so only the current
  // stream's counts are compared.
  let writtenBase = 0;
  let receivedBase = 0;
  let server: MesosSimServer | undefined;
  server = await MesosSimServer.start({
    cluster,
    clock,
    ...(options.masters === undefined ? {} : { masters: options.masters }),
    ...(options.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: options.heartbeatSeconds }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    logger,
    checkCall: (body) => {
      const problem = schema?.checkCall(body);
      if (problem !== undefined) problems.push(`call ${JSON.stringify(body)}: ${problem}`);
      return problem;
    },
    checkEvent: (event) => {
      const problem = schema?.checkEvent(event);
      if (problem !== undefined) problems.push(`event ${JSON.stringify(event)}: ${problem}`);
      else if ((event as MesosEvent).type === 'SUBSCRIBED') writtenBase = server!.eventsWritten;
      return problem;
    },
  });
  const started = server;

  let driver: MesosHttpDriver;
  const newDriver = (): MesosHttpDriver => {
    const made: MesosHttpDriver = new MesosHttpDriver({
      random: () => 0.5,
      ...options.driver,
      masters: started.urls,
      clock,
      logger: {
        debug: (fields, message) => logger.debug(fields, message),
        info: (fields, message) => {
          // The driver logs `state: 'subscribed'` right after counting the SUBSCRIBED it received.
          if ((fields as { state?: unknown }).state === 'subscribed' && made === driver)
            receivedBase = made.eventsReceived - 1;
          logger.info(fields, message);
        },
        warn: (fields, message) => logger.warn(fields, message),
        error: (fields, message) => logger.error(fields, message),
      },
    });
    driver = made;
    return made;
  };
  newDriver();

  const quiet = (): string | undefined => {
    if (driver.callsInFlight > 0 || driver.subscribing) return undefined;
    const written = started.eventsWritten - writtenBase;
    const received = driver.eventsReceived - receivedBase;
    if (driver.status().state === 'subscribed' && written !== received) return undefined;
    return `${started.eventsWritten}/${driver.eventsReceived}`;
  };

  return {
    cluster,
    server: started,
    get driver() {
      return driver;
    },
    newDriver,
    problems,
    async settle() {
      let last: string | undefined;
      let stable = 0;
      for (let turn = 0; turn < SETTLE_TURNS; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (problems.length > 0) throw new Error(`mesos wire: schema problems:\n${problems.join('\n')}`);
        const now = quiet();
        stable = now !== undefined && now === last ? stable + 1 : now === undefined ? 0 : 1;
        last = now;
        if (stable >= 2) return;
      }
      const link = driver.status();
      throw new Error(
        `mesos wire: not settled after ${SETTLE_TURNS} turns: link ${link.state}, ` +
          `subscribing ${driver.subscribing}, calls in flight ${driver.callsInFlight}, ` +
          `stream events written ${started.eventsWritten - writtenBase}, received ${driver.eventsReceived - receivedBase}`,
      );
    },
    async close() {
      await driver.dispose();
      await started.close();
    },
  };
}
