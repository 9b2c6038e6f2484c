import type { DomainEvent, EventMessage } from '@bcs/core';

/**
 * Turns subscription messages into the text of WebSocket messages. Exactly `JSON.stringify(message)`, but an
 * `events` message is assembled from per-event strings cached by event object: the event log hands every
 * subscriber the same event objects, so with N subscribers an event is stringified once, not N times.
 */
export interface Encoder {
  /** The JSON text of `message`; identical to `JSON.stringify(message)`. */
  encode(message: EventMessage): string;
}

/**
 * An encoder whose cache holds each event's JSON for as long as the event object lives (a `WeakMap`, so the
 * cache never outlives the log's own references). Events must not be mutated after they are first encoded,
 * which the log guarantees (its events are readonly and frozen in spirit).
 */
export function createEncoder(): Encoder {
  const cache = new WeakMap<DomainEvent, string>();
  const encodeEvent = (event: DomainEvent): string => {
    let text = cache.get(event);
    if (text === undefined) {
      text = JSON.stringify(event);
      cache.set(event, text);
    }
    return text;
  };
  return {
    encode(message) {
      if (message.type !== 'events') return JSON.stringify(message);
      // Same key order as the message literal `{ type, events }`, so the text equals JSON.stringify's.
      return `{"type":"events","events":[${message.events.map(encodeEvent).join(',')}]}`;
    },
  };
}
