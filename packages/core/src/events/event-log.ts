import { inject, injectable } from 'tsyringe';
import { BcsError, ErrorCode } from '../errors.js';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type BatchOp, type Store, StoreToken } from '../ports/store.js';
import { createToken } from '../tokens.js';
import type { DomainEvent, UnsequencedEvent } from './event.js';

/** How much history the event log keeps. */
export interface EventRetention {
  /** Most events kept in the store. Default 100 000. */
  readonly maxEvents?: number;
  /** Events older than this (ms) are dropped by housekeeping. Default 24 h. */
  readonly maxAgeMs?: number;
  /** Most recent events also kept in memory, so live subscribers never read the store. Default 10 000. */
  readonly memoryEvents?: number;
}

export const EventRetentionToken = createToken<EventRetention>('EventRetention');

/** The store collection of events (key: the sequence number, 16 digits) and of the log's bounds. */
export const EVENT_COLLECTION = 'event';
export const EVENT_META_COLLECTION = 'eventlog';
const META_KEY = 'bounds';

/** The bounds of the log, stored in the same batch as every change of them. */
interface Bounds {
  /** The oldest sequence number retained (`last + 1` when none is). */
  readonly first: number;
  /** The newest sequence number given out (0 for a new log). */
  readonly last: number;
}

/** Numbered events and the store operations that write them. */
export interface PreparedEvents {
  readonly events: readonly DomainEvent[];
  readonly ops: readonly BatchOp[];
  readonly bounds: Bounds;
}

export const eventKey = (seq: number): string => String(seq).padStart(16, '0');

/** Events deleted by one housekeeping pass at most, so one pass never writes an unbounded batch. */
const PRUNE_CHUNK = 10_000;

/**
 * The log of domain events: numbers them, writes them in the same store batch as the state they describe
 * (`prepare` gives the operations, `committed` publishes them once the batch is written), keeps the newest in
 * memory for live readers, and drops history beyond the retention window.
 *
 * Numbering is serial: `prepare` and `committed` run inside the scheduler engine's one queue, so sequence
 * numbers are committed in order and a reader that saw `n` has seen every event up to `n`. A batch that fails
 * publishes nothing, and its numbers are given out again.
 */
@injectable()
export class EventLog {
  private bounds: Bounds = { first: 1, last: 0 };
  /** The newest events, contiguous: `recent[i].seq === recent[0].seq + i`. */
  private recent: DomainEvent[] = [];
  private loading: Promise<void> | undefined;
  private appended = deferred();
  readonly retention: Required<EventRetention>;

  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(EventRetentionToken) retention: EventRetention,
  ) {
    this.retention = {
      maxEvents: retention.maxEvents ?? 100_000,
      maxAgeMs: retention.maxAgeMs ?? 24 * 3600_000,
      memoryEvents: retention.memoryEvents ?? 10_000,
    };
    for (const [name, value] of Object.entries(this.retention)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new BcsError(ErrorCode.ParameterError, `event retention ${name} must be a whole number ≥ 1`);
      }
    }
  }

  /** Reads the log's bounds from the store. Idempotent; everything else waits for it. */
  load(): Promise<void> {
    this.loading ??= (async () => {
      const stored = await this.store.get<Bounds>(EVENT_META_COLLECTION, META_KEY);
      if (stored !== undefined) this.bounds = stored.value;
    })();
    return this.loading;
  }

  /** The newest sequence number (0 when nothing was ever logged). */
  get lastSeq(): number {
    return this.bounds.last;
  }

  /** The oldest sequence number still retained (`lastSeq + 1` when none is). */
  get oldestSeq(): number {
    return this.bounds.first;
  }

  /**
   * Numbers `events` after the newest and returns the store operations that write them (and drop what
   * falls out of the count window). Add them to the batch of the state they describe, then call
   * {@link committed}. Must run inside the engine's queue, after {@link load}.
   */
  prepare(events: readonly UnsequencedEvent[]): PreparedEvents | undefined {
    if (events.length === 0) return undefined;
    const time = this.clock.now();
    let seq = this.bounds.last;
    const numbered = events.map((event) => ({ ...event, seq: ++seq, time }) as DomainEvent);
    const ops: BatchOp[] = numbered.map((event) => ({
      type: 'put',
      collection: EVENT_COLLECTION,
      key: eventKey(event.seq),
      value: event,
    }));
    const overflow = seq - this.bounds.first + 1 - this.retention.maxEvents;
    let first = this.bounds.first;
    for (let n = 0; n < Math.min(overflow, PRUNE_CHUNK); n++) {
      ops.push({ type: 'delete', collection: EVENT_COLLECTION, key: eventKey(first++) });
    }
    const bounds = { first, last: seq };
    ops.push({ type: 'put', collection: EVENT_META_COLLECTION, key: META_KEY, value: bounds });
    return { events: numbered, ops, bounds };
  }

  /** Publishes events whose batch was written. */
  committed(prepared: PreparedEvents | undefined): void {
    if (prepared === undefined) return;
    this.bounds = prepared.bounds;
    this.recent.push(...prepared.events);
    const excess = this.recent.length - this.retention.memoryEvents;
    // Trim in chunks so that the copy is amortised.
    if (excess > this.retention.memoryEvents / 4) this.recent = this.recent.slice(excess);
    const wake = this.appended;
    this.appended = deferred();
    wake.resolve();
  }

  /**
   * Up to `limit` events after `after`, oldest first, from memory when they are there, else from the store.
   * Rejects with `Compacted` when events after `after` have been dropped, so a reader never skips any.
   */
  async read(after: number, limit: number): Promise<DomainEvent[]> {
    await this.load();
    if (after >= this.bounds.last) return [];
    if (after < this.bounds.first - 1) throw this.compacted(after);
    const head = this.recent[0];
    if (head !== undefined && head.seq <= after + 1) {
      const start = after + 1 - head.seq;
      return this.recent.slice(start, start + limit);
    }
    const entries = await this.store.list<DomainEvent>(EVENT_COLLECTION, { after: eventKey(after), limit });
    const events = entries.map((e) => e.value);
    // Pruning may have run meanwhile: the first event read must be the one right after `after`.
    if (events.length > 0 && events[0]?.seq !== after + 1) throw this.compacted(after);
    if (events.length === 0 && after < this.bounds.last) throw this.compacted(after);
    return events;
  }

  /** Resolves once an event after `after` exists, or `signal` aborts. */
  async waitAfter(after: number, signal?: AbortSignal): Promise<void> {
    while (this.bounds.last <= after && signal?.aborted !== true) {
      const next = this.appended.promise;
      if (signal === undefined) {
        await next;
        continue;
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        next.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /**
   * The store operations that drop events older than the age window (at most a chunk per call), or
   * `undefined` when none is due; pass the result to {@link pruned} once written.
   */
  async agePruneOps(): Promise<PreparedEvents | undefined> {
    await this.load();
    const cutoff = this.clock.now() - this.retention.maxAgeMs;
    const { first, last } = this.bounds;
    let next = first;
    const head = this.recent[0];
    const candidates =
      head !== undefined && head.seq <= first
        ? this.recent.slice(first - head.seq, first - head.seq + PRUNE_CHUNK)
        : (
            await this.store.list<DomainEvent>(EVENT_COLLECTION, {
              after: eventKey(first - 1),
              limit: PRUNE_CHUNK,
            })
          ).map((e) => e.value);
    for (const event of candidates) {
      if (event.time >= cutoff || event.seq !== next) break;
      next++;
    }
    if (next === first) return undefined;
    const ops: BatchOp[] = [];
    for (let seq = first; seq < next; seq++) {
      ops.push({ type: 'delete', collection: EVENT_COLLECTION, key: eventKey(seq) });
    }
    const bounds = { first: next, last };
    ops.push({ type: 'put', collection: EVENT_META_COLLECTION, key: META_KEY, value: bounds });
    return { events: [], ops, bounds };
  }

  /** Records that an age prune was written. */
  pruned(prepared: PreparedEvents): void {
    this.bounds = { first: prepared.bounds.first, last: this.bounds.last };
  }

  private compacted(after: number): BcsError {
    return new BcsError(
      ErrorCode.Compacted,
      `events after ${after} are no longer retained (the oldest is ${this.bounds.first})`,
    );
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
