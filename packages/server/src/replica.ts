import { type BcsError, silentLogger } from '@bcs/core';
import { campaign, createEtcdStore, currentLeader, Etcd3, type Leadership } from '@bcs/store-etcd';
import { type RunningServer, SERVER_DEFAULTS, type ServerOptions, startServer } from './start-server.js';

/**
 * The exit code of a `bcs-scheduler` replica that was deposed (issue 14 §2): its leadership was lost (the
 * lease expired, etcd was unreachable for half the TTL) or a write found another replica elected. The process
 * stops at once and a supervisor restarts it; it then campaigns again as a follower. 75 is sysexits'
 * EX_TEMPFAIL: "a temporary failure; retry".
 */
export const EXIT_DEPOSED = 75;

/** Options of {@link startReplica}: the server's, with the store always etcd and elected. */
export interface ReplicaOptions extends Omit<ServerOptions, 'store' | 'etcdEndpoints'> {
  /** etcd client URLs (`http://127.0.0.1:2379`, …). */
  readonly etcdEndpoints: readonly string[];
  /** The election lease's TTL in seconds (default 10): how long a dead leader keeps the leadership. */
  readonly leaderTtlSeconds?: number;
  /**
   * The URL other replicas name for this one when it leads; default `http://host:port` as bound (published
   * on the election key once listening).
   */
  readonly advertiseUrl?: string;
  /** Called once while campaigning, with the current leader's advertised URL (undefined: none yet). */
  readonly onFollowing?: (leader: string | undefined) => void;
  /**
   * Called once when this replica, having led, is deposed. By then the Mesos stream is being closed and
   * the event subscriptions ended; the caller must end the process (the command exits {@link EXIT_DEPOSED}).
   */
  readonly onDeposed: (error: BcsError, stopped: Promise<void>) => void;
  /** Stops a campaign still waiting (startReplica then rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** A replica that won the election and runs the scheduler. */
export interface RunningReplica {
  readonly server: RunningServer;
  /** The leader's term: the election key's create revision. */
  readonly term: string;
  /** Resigns the leadership, then closes the server and the etcd client. */
  close(): Promise<void>;
}

/**
 * Runs one replica of a highly available scheduler on etcd (issue 14 §2–3): campaigns on
 * `/bcs/<clusterId>/leader` and waits until elected (a follower serves nothing meanwhile); then opens the
 * store fenced by its term, starts the server as `startServer` does (the engine loads the state, subscribes to
 * Mesos with the stored framework id, reconciles, then schedules), and publishes its URL on the election key.
 *
 * Deposition (a fenced write refused, the lease lost, etcd unreachable for ttl/2) stops it at once: the Mesos
 * driver is disposed first (no call on the stale stream), then event subscriptions end (1001: reconnect, to
 * the new leader) and `onDeposed` is called.
 */
export async function startReplica(options: ReplicaOptions): Promise<RunningReplica> {
  const clusterId = options.clusterId ?? SERVER_DEFAULTS.clusterId;
  const logger = options.logger ?? silentLogger;
  const ttlSeconds = options.leaderTtlSeconds ?? SERVER_DEFAULTS.leaderTtlSeconds;
  const client = new Etcd3({ hosts: [...options.etcdEndpoints] });
  let leadership: Leadership;
  try {
    options.onFollowing?.((await currentLeader(client, clusterId))?.value || undefined);
    leadership = await campaign({
      client,
      clusterId,
      ttlSeconds,
      value: options.advertiseUrl ?? '',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    client.close();
    throw error;
  }
  logger.info({ term: leadership.term }, 'elected leader');
  let server: RunningServer | undefined;
  let stopped: Promise<void> | undefined;
  const stopAtOnce = (): Promise<void> => {
    stopped ??= (async () => {
      // The Mesos stream first: nothing more may reach the master from a deposed leader.
      await server?.mesosDriver?.dispose().catch(() => undefined);
      await server?.simCluster?.dispose().catch(() => undefined);
      await server?.eventStream?.close().catch(() => undefined);
    })();
    return stopped;
  };
  let deposed = false;
  const depose = (error: BcsError): void => {
    if (deposed) return;
    deposed = true;
    logger.error({ err: error, term: leadership.term }, 'deposed: stopping');
    options.onDeposed(error, stopAtOnce());
  };
  void leadership.lost.then(depose);
  const store = createEtcdStore({
    clusterId,
    client,
    fence: { ...leadership.fence, onDeposed: depose },
  });
  try {
    const { signal: _signal, onDeposed: _onDeposed, onFollowing: _onFollowing, ...serverOptions } = options;
    server = await startServer({ ...serverOptions, store });
    if (options.advertiseUrl === undefined) await leadership.advertise(server.url);
  } catch (error) {
    await leadership.resign();
    await store.close().catch(() => undefined);
    client.close();
    throw error;
  }
  const running = server;
  let closing: Promise<void> | undefined;
  return {
    server: running,
    term: leadership.term,
    close: () => {
      closing ??= (async () => {
        deposed = true;
        await running.close();
        await leadership.resign();
        client.close();
      })();
      return closing;
    },
  };
}
