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
  /**
   * The same bytes for a `snapshot` or `resync` message, built {@link SNAPSHOT_ITEMS_PER_TURN} items at a time
   * with a macrotask in between: a snapshot of 100 000 taskgroups is tens of MB of JSON, and stringifying it at
   * once would hold the event loop for every other connection and request (issue 11 §4).
   */
  encodeSnapshot(message: SnapshotMessage): Promise<Buffer>;
}

/** A message that carries a snapshot. */
export type SnapshotMessage = Extract<EventMessage, { readonly snapshot: unknown }>;

/** Whether `message` carries a snapshot (to be encoded with `encodeSnapshot`). */
export function carriesSnapshot(message: EventMessage): message is SnapshotMessage {
  return message.type === 'snapshot' || message.type === 'resync';
}

/** Snapshot items stringified per macrotask by `encodeSnapshot`. */
export const SNAPSHOT_ITEMS_PER_TURN = 1000;

/**
 * `JSON.stringify(message)` as bytes, with the arrays of its `snapshot` stringified item by item, yielding a
 * macrotask every {@link SNAPSHOT_ITEMS_PER_TURN} items. Keys in the objects' own order, `undefined` members
 * left out, as JSON.stringify does.
 */
async function encodeSnapshotMessage(message: SnapshotMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  let text = '';
  let items = 0;
  const flush = () => {
    parts.push(Buffer.from(text));
    text = '';
  };
  text += '{';
  let first = true;
  for (const [key, value] of Object.entries(message)) {
    if (value === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key !== 'snapshot') {
      text += JSON.stringify(value);
      continue;
    }
    text += '{';
    let firstList = true;
    for (const [name, list] of Object.entries(value as object)) {
      if (list === undefined) continue;
      text += `${firstList ? '' : ','}${JSON.stringify(name)}:[`;
      firstList = false;
      let firstItem = true;
      for (const item of list as readonly unknown[]) {
        text += `${firstItem ? '' : ','}${JSON.stringify(item) ?? 'null'}`;
        firstItem = false;
        if (++items % SNAPSHOT_ITEMS_PER_TURN === 0) {
          flush();
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      text += ']';
    }
    text += '}';
  }
  text += '}';
  flush();
  return Buffer.concat(parts);
}

/**
 * A key naming what a subscription selects (namespace, namespaces, application, deployment, kinds): equal for two
 * subscriptions exactly when they select the same events.
 */
export function selectionKey(filter: EventFilter): string {
  const kinds =
    filter.kinds === undefined || filter.kinds.length === 0 ? [] : [...new Set(filter.kinds)].sort();
  return JSON.stringify([
    filter.namespace ?? null,
    filter.namespaces === undefined ? null : [...new Set(filter.namespaces)].sort(),
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
    encodeSnapshot: encodeSnapshotMessage,
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
