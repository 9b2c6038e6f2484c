import type { DomainEvent, EventFilter, EventMessage } from '@bcs/core';

/**
 * Turns subscription messages into the bytes of WebSocket text messages: exactly `JSON.stringify(message)` in
 * UTF-8, built so that fan-out to many subscribers costs little more than sending to one:
 * - each event's JSON is cached by event object (the log hands every subscriber the same objects), so an event
 *   is stringified once, not once per subscriber;
 * - the bytes of an `events` message are cached by the run of the log it covers: a contiguous run (`seq`
 *   n…m, what every unfiltered subscriber that keeps up receives) by n…m, and a filtered one by its
 *   subscription's filter and its first and last `seq` (the events of a log between two sequence numbers
 *   that match one filter are always the same), so 1,000 subscribers share one buffer per filter instead of
 *   building and encoding 1,000 copies.
 */
export interface Encoder {
  /**
   * The UTF-8 JSON text of `message`; equal to `Buffer.from(JSON.stringify(message))`. `selection` names the
   * filter that picked the events of an `events` message ({@link selectionKey} of the subscription): messages
   * of equal selection and equal first and last `seq` share their bytes. Without it, only contiguous runs do.
   */
  encode(message: EventMessage, selection?: string): Buffer;
}

/**
 * A key naming what a subscription selects (namespace, application, deployment, kinds): equal for two
 * subscriptions exactly when they select the same events.
 */
export function selectionKey(filter: EventFilter): string {
  const kinds =
    filter.kinds === undefined || filter.kinds.length === 0 ? [] : [...new Set(filter.kinds)].sort();
  return JSON.stringify([
    filter.namespace ?? null,
    filter.application ?? null,
    filter.deployment ?? null,
    kinds,
  ]);
}

/**
 * Runs whose bytes are kept; the oldest is dropped first. Subscribers that keep up share the newest few, a few
 * per filter.
 */
const RUN_CACHE_SIZE = 256;

/**
 * An encoder. Its per-event cache holds each event's JSON for as long as the event object lives (a
 * `WeakMap`); its run cache holds the last {@link RUN_CACHE_SIZE} runs. Events must not be mutated after they
 * are first encoded, and one encoder serves one event log (a run is identified by its sequence numbers).
 */
export function createEncoder(): Encoder {
  const events = new WeakMap<DomainEvent, string>();
  const runs = new Map<string, Buffer>();
  const encodeEvent = (event: DomainEvent): string => {
    let text = events.get(event);
    if (text === undefined) {
      text = JSON.stringify(event);
      events.set(event, text);
    }
    return text;
  };
  // Same key order as the message literal `{ type, events }`, so the text equals JSON.stringify's.
  const encodeEvents = (list: readonly DomainEvent[]): Buffer =>
    Buffer.from(`{"type":"events","events":[${list.map(encodeEvent).join(',')}]}`);
  return {
    encode(message, selection) {
      if (message.type !== 'events') return Buffer.from(JSON.stringify(message));
      const list = message.events;
      const first = list[0];
      const last = list.at(-1);
      if (first === undefined || last === undefined) return encodeEvents(list);
      let key = `${first.seq}-${last.seq}`;
      if (last.seq - first.seq !== list.length - 1) {
        if (selection === undefined) return encodeEvents(list);
        key = `${selection}|${key}`;
      }
      let bytes = runs.get(key);
      if (bytes === undefined) {
        bytes = encodeEvents(list);
        runs.set(key, bytes);
        if (runs.size > RUN_CACHE_SIZE) runs.delete(runs.keys().next().value as string);
      }
      return bytes;
    },
  };
}
