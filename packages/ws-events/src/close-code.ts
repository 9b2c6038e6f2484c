/**
 * The close codes the stream sends. 1001 is the standard "going away"; 4xxx are private-use codes
 * (RFC 6455 §7.4.2). A connection dropped by `terminate()` (dead peer) shows as 1006 at the client: no close
 * frame at all.
 */
export const CloseCode = {
  /** The server is shutting down, or the event source ended. Reconnect later with `since`. */
  GoingAway: 1001,
  /**
   * The client read too slowly: its unsent data passed `maxBufferedBytes`. The reason is the JSON
   * `{"lastSeq":N}`, the position to resume from (`since=N`).
   */
  SlowConsumer: 4008,
  /** The subscription failed inside the scheduler (logged there). Reconnect with `since`. */
  SubscriptionFailed: 4500,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
