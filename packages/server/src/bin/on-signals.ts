import type { Logger } from 'pino';

/**
 * SIGTERM and SIGINT run `close` once, then exit 0 (1 when closing failed, logged). Install it before
 * announcing the listening URL: a supervisor may signal right after reading it.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
