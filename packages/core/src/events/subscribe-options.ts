import { ErrorCode, type Issue, ValidationError } from '../errors.js';
import { isValidName } from '../validation/rules.js';
import type { EventMessage } from './event.js';
import { EVENT_KINDS, type EventFilter, type EventKind } from './event.js';

/** What a subscriber asks for: a filter and where to start. */
export interface SubscribeOptions extends EventFilter {
  /**
   * Deliver the events after this sequence number (0: all retained history). Absent: only new events, from
   * the newest sequence at subscription. Older than the retention window (or newer than the log): a `resync`.
   */
  readonly since?: number;
  /**
   * Start with a `snapshot` message (the current state of the selected objects), then the events after it:
   * "show me what is, then what changes". Not with `since`.
   */
  readonly snapshot?: boolean;
  /** Most events in one `events` message. Default 500. */
  readonly maxBatch?: number;
  /** Ends the subscription (the iterator returns). */
  readonly signal?: AbortSignal;
}

/** The query parameters a transport reads a subscription from (all strings, as in a URL). */
export const SUBSCRIBE_PARAMETERS = [
  'namespace',
  'application',
  'deployment',
  'kinds',
  'since',
  'snapshot',
] as const;

/**
 * Reads subscribe options from string parameters (a URL's query), checking each: `namespace`, `application`
 * and `deployment` are names, `kinds` is a comma-separated list of {@link EVENT_KINDS}, `since` a whole number
 * ≥ 0, `snapshot` is `true`/`1` or `false`/`0` and not given with `since`. Throws a `ValidationError` (code `BadParams`) naming every offending parameter and its rule.
 */
export function parseSubscribeOptions(params: {
  get(name: string): string | null | undefined;
}): Omit<SubscribeOptions, 'signal' | 'maxBatch'> {
  const issues: Issue[] = [];
  const options: { -readonly [K in keyof SubscribeOptions]?: SubscribeOptions[K] } = {};
  for (const field of ['namespace', 'application', 'deployment'] as const) {
    const value = params.get(field);
    if (value === null || value === undefined) continue;
    if (!isValidName(value)) {
      issues.push({ path: field, rule: 'must be a name (1–63 letters, digits and "-")' });
    } else options[field] = value;
  }
  const kinds = params.get('kinds');
  if (kinds !== null && kinds !== undefined) {
    const list = kinds.split(',').map((k) => k.trim());
    const unknown = list.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0 || list.length === 0) {
      issues.push({ path: 'kinds', rule: `must be a comma-separated list of ${EVENT_KINDS.join(', ')}` });
    } else options.kinds = list as EventKind[];
  }
  const since = params.get('since');
  if (since !== null && since !== undefined) {
    if (!/^\d{1,15}$/.test(since)) issues.push({ path: 'since', rule: 'must be a whole number ≥ 0' });
    else options.since = Number(since);
  }
  const snapshot = params.get('snapshot');
  if (snapshot !== null && snapshot !== undefined) {
    if (!['true', '1', 'false', '0'].includes(snapshot)) {
      issues.push({ path: 'snapshot', rule: 'must be true, 1, false or 0' });
    } else if (snapshot === 'true' || snapshot === '1') {
      if (options.since !== undefined)
        issues.push({ path: 'snapshot', rule: 'must not be given with since' });
      else options.snapshot = true;
    }
  }
  if (issues.length > 0) throw new ValidationError('subscription', issues, ErrorCode.BadParams);
  return options;
}

/**
 * Anything that hands out subscriptions: `EventService` in-process, or a fake in tests. A subscription yields
 * `hello`, then `events` / `resync` messages until its `return()` is called or its `signal` aborts; it pulls
 * from the log at the consumer's pace, so a slow consumer costs a cursor, not a buffer.
 */
export interface EventSource {
  subscribe(options?: SubscribeOptions): AsyncIterableIterator<EventMessage>;
}
