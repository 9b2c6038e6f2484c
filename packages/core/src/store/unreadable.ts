import type { Logger } from '../ports/logger.js';
import type { UnreadableRow } from '../ports/store.js';

/** The reason shown for a row that cannot be read back (never its text, which may hold a secret). */
export const UNREADABLE_REASON = 'the stored record cannot be read back (it is not valid JSON)';

/**
 * An `onUnreadable` for `Store.list` (ports/store.ts) that logs each unreadable row as an error naming its
 * collection and key, once per row for the life of the returned function, so that a list endpoint read again
 * and again does not flood the log. `what` says what the caller does with the row, e.g. `skipped`. The row's
 * text and decoding error are not logged (the text may hold a secret).
 *
 * Example: `store.list('configmap', { prefix, onUnreadable: reporter })` with
 * `reporter = unreadableReporter(logger, 'left out of the list')`.
 */
export function unreadableReporter(logger: Logger, what: string): (row: UnreadableRow) => void {
  const seen = new Set<string>();
  return ({ collection, key }) => {
    const id = `${collection}\u0000${key}`;
    if (seen.has(id)) return;
    seen.add(id);
    logger.error({ collection, key, reason: UNREADABLE_REASON }, `record unreadable: ${what}`);
  };
}
