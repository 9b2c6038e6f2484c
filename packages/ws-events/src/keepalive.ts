/** What the keep-alive needs from a connection. */
export interface KeepAlivePeer {
  /** True when the peer answered (ponged) since the previous ping. */
  alive: boolean;
  /** Sends a ping frame; must not throw. */
  ping(): void;
  /** Drops the connection without a close handshake (the peer sees 1006). */
  terminate(): void;
}

/** A running keep-alive: one timer for every connection of a stream. */
export interface KeepAlive {
  stop(): void;
}

/**
 * Pings every peer each `intervalMs`; a peer that has not ponged since the previous ping is terminated, so a
 * dead peer goes within two intervals. One interval per stream, not per socket (tRPC `ws.ts` keeps one per
 * socket; with thousands of sockets one timer is cheaper and keeps them in step). The timer is unref'd: it never
 * keeps the process alive on its own.
 */
export function startKeepAlive<P extends KeepAlivePeer>(
  intervalMs: number,
  peers: () => Iterable<P>,
  onDead: (peer: P) => void = () => {},
): KeepAlive {
  const timer = setInterval(() => {
    for (const peer of peers()) {
      if (!peer.alive) {
        onDead(peer);
        peer.terminate();
        continue;
      }
      peer.alive = false;
      peer.ping();
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
