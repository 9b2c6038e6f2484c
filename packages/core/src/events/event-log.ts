import { inject, injectable } from 'tsyringe';
import { BcsError, ErrorCode, isBcsError } from '../errors.js';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken, silentLogger } from '../ports/logger.js';
import { type BatchOp, type Store, StoreToken, type UnreadableRow } from '../ports/store.js';
import { UNREADABLE_REASON, unreadableReporter } from '../store/unreadable.js';
import { createToken } from '../tokens.js';
import type { DomainEvent, UnsequencedEvent } from './event.js';

/** How much history the event log keeps. */
export interface EventRetention {
  /** Most events kept in the store. Default 100 000. */
  readonly maxEvents?: number;
  /** Events older than this (ms) are dropped by housekeeping. Default 24 h. */
  readonly maxAgeMs?: number;
  /**
   * Most recent events also kept in memory, so that subscribers, even many lagging ones, rarely read the store
   * (a store read decodes whole commits). Default 50 000: about 20 MiB of heap.
   */
  readonly memoryEvents?: number;
}

export const EventRetentionToken = createToken<EventRetention>('EventRetention');

/**
 * The store collection of events and of the log's bounds. The events of one commit are stored as ONE record
 * (a chunk), keyed by the sequence number of its last event in 16 digits, so a commit adds one record however
 * many events it makes, and `list({ after: key(n) })` starts at the chunk holding `n + 1`.
 */
export const EVENT_COLLECTION = 'event';
export const EVENT_META_COLLECTION = 'eventlog';
const META_KEY = 'bounds';

/** The events of one commit, as stored. */
export interface EventChunk {
  readonly first: number;
  readonly last: number;
  /** Epoch ms of the commit (every event of the chunk has it). */
  readonly time: number;
  readonly events: readonly DomainEvent[];
}

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
  /** Epoch ms of the oldest event retained after the write. */
  readonly firstTime: number | undefined;
}

export const eventKey = (seq: number): string => String(seq).padStart(16, '0');

/** Chunks examined by one housekeeping pass at most, so one pass never writes an unbounded batch. */
const PRUNE_CHUNKS = 1_000;
/** Chunks a housekeeping pass reads from the store at a time, oldest first, until one is kept. */
const PRUNE_PAGE = 64;
/** Chunks read from the store at a time by a reader that fell behind the in-memory tail. */
const READ_CHUNKS = 8;

/**
 * The log of domain events: numbers them, writes them in the same store batch as the state they describe
 * (`prepare` gives the operations, `committed` publishes them once the batch is written), keeps the newest in
 * memory for live readers, and drops history beyond the retention window in housekeeping (`pruneOps`).
 *
 * Numbering is serial: `prepare` and `committed` run inside the scheduler engine's one queue, so sequence
 * numbers are committed in order and a reader that saw `n` has seen every event up to `n`. A batch that fails
 * publishes nothing, and its numbers are given out again.
 */
@injectable()
export class EventLog {
  private bounds: Bounds = { first: 1, last: 0 };
  /** Epoch ms of the oldest retained event (undefined when none is). */
  private firstTime: number | undefined;
  /** The newest events, contiguous: `recent[i].seq === recent[0].seq + i`. */
  private recent: DomainEvent[] = [];
  private loading: Promise<void> | undefined;
  /** Readers waiting for the next commit of events ({@link waitAfter}): each is woken once, then dropped. */
  private waiters = new Set<() => void>();
  /**
   * Per abort signal, the waiter it wakes when it aborts. One listener per signal for its whole life: adding
   * and removing one per wait cost more than the wait itself with 1,000 subscribers and a commit every few ms.
   */
  private readonly abortWakers = new WeakMap<AbortSignal, { wake: (() => void) | undefined }>();
  /**
   * Chunks read from the store lately, in order of sequence number: readers that fell behind the memory tail read the
   * same chunks, and sharing them saves decoding each once per reader (and lets transports cache by event
   * object). Holds at most `memoryEvents` events.
   */
  private chunkCache: EventChunk[] = [];
  private chunkCacheEvents = 0;
  /** A prepared write not yet committed or abandoned: numbering two at once would give out numbers twice. */
  private inFlight = false;
  readonly retention: Required<EventRetention>;
  /** Logs each chunk that cannot be read back once (see {@link read}). */
  private readonly onUnreadable: (row: UnreadableRow) => void;

  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(EventRetentionToken) retention: EventRetention,
    @inject(LoggerToken) private readonly logger: Logger = silentLogger,
  ) {
    this.onUnreadable = unreadableReporter(logger, 'its events are skipped');
    this.retention = {
      maxEvents: retention.maxEvents ?? 100_000,
      maxAgeMs: retention.maxAgeMs ?? 24 * 3600_000,
      memoryEvents: retention.memoryEvents ?? 50_000,
    };
    for (const [name, value] of Object.entries(this.retention)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new BcsError(ErrorCode.ParameterError, `event retention ${name} must be a whole number ≥ 1`);
      }
    }
  }

  /**
   * Reads the log's bounds from the store. Idempotent; everything else waits for it. A bounds record that
   * cannot be read back is rebuilt from the chunks (logged); the next commit writes it again.
   */
  load(): Promise<void> {
    this.loading ??= (async () => {
      const stored = await this.storedBounds();
      if (stored === undefined) return;
      this.bounds = stored;
      const onUnreadable = this.onUnreadable;
      const [oldest] = await this.store.list<EventChunk>(EVENT_COLLECTION, { limit: 1, onUnreadable });
      this.firstTime = oldest?.value.time;
    })();
    return this.loading;
  }

  /** The stored bounds, `undefined` for a new log; rebuilt from the chunks when the record is unreadable. */
  private async storedBounds(): Promise<Bounds | undefined> {
    try {
      return (await this.store.get<Bounds>(EVENT_META_COLLECTION, META_KEY))?.value;
    } catch (error) {
      if (!isBcsError(error) || error.code !== ErrorCode.Unreadable) throw error;
    }
    // Each chunk's key is the sequence number of its last event, so unreadable chunks still bound the log.
    let first: number | undefined;
    let last = 0;
    const chunks = await this.store.list<EventChunk>(EVENT_COLLECTION, {
      onUnreadable: (row) => {
        this.onUnreadable(row);
        last = Math.max(last, Number(row.key));
      },
    });
    for (const { value } of chunks) {
      first ??= value.first;
      last = Math.max(last, value.last);
    }
    const bounds = { first: first ?? last + 1, last };
    const fields = { collection: EVENT_META_COLLECTION, key: META_KEY, reason: UNREADABLE_REASON, bounds };
    this.logger.error(fields, 'record unreadable: event log bounds rebuilt from the stored chunks');
    return bounds;
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
   * Numbers `events` after the newest and returns the store operations that write them: one chunk record and
   * the new bounds. Add them to the batch of the state they describe, then call {@link committed}. Must run
   * inside the engine's queue, after {@link load}.
   */
  prepare(events: readonly UnsequencedEvent[]): PreparedEvents | undefined {
    if (events.length === 0) return undefined;
    if (this.inFlight) {
      throw new BcsError(ErrorCode.Internal, 'events prepared while another write is in flight');
    }
    this.inFlight = true;
    const time = this.clock.now();
    const first = this.bounds.last + 1;
    let seq = this.bounds.last;
    // Object.assign, not `{ ...event, seq, time }`: V8 gives every object built by spreading an object and adding
    // keys a hidden class of its own (a map and a descriptor array, about 300 bytes), which the memory tail of
    // 50,000 events then kept; assigned objects of one kind share one.
    const numbered = events.map((event) => Object.assign({}, event, { seq: ++seq, time }) as DomainEvent);
    const chunk: EventChunk = { first, last: seq, time, events: numbered };
    const empty = this.bounds.first > this.bounds.last;
    const bounds = { first: empty ? first : this.bounds.first, last: seq };
    return {
      events: numbered,
      ops: [
        { type: 'put', collection: EVENT_COLLECTION, key: eventKey(seq), value: chunk },
        { type: 'put', collection: EVENT_META_COLLECTION, key: META_KEY, value: bounds },
      ],
      bounds,
      firstTime: empty ? time : this.firstTime,
    };
  }

  /** Publishes events whose batch was written (or records a prune that was). */
  committed(prepared: PreparedEvents | undefined): void {
    if (prepared === undefined) return;
    this.inFlight = false;
    this.bounds = prepared.bounds;
    this.firstTime = prepared.firstTime;
    if (prepared.events.length === 0) return;
    this.recent.push(...prepared.events);
    const excess = this.recent.length - this.retention.memoryEvents;
    // Trim in chunks so that the copy is amortised.
    if (excess > this.retention.memoryEvents / 4) this.recent = this.recent.slice(excess);
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Forgets a prepared write whose batch failed: its numbers are given out again. */
  abandon(prepared: PreparedEvents | undefined): void {
    if (prepared !== undefined) this.inFlight = false;
  }

  /**
   * Up to `limit` events after `after`, oldest first, from memory when they are there, else from the store,
   * never past the next multiple of `limit` (so pages are aligned). Rejects with `Compacted` when events after `after` have been
   * dropped, or are in a stored chunk that cannot be read back (logged once), so a reader never skips any.
   */
  async read(after: number, limit: number): Promise<DomainEvent[]> {
    await this.load();
    if (after >= this.bounds.last) return [];
    // Pages end at multiples of `limit`, so readers at the same position get the same page whenever they read
    // it: a transport can then share one encoding of it among them (ws-events does).
    limit = (Math.floor(after / limit) + 1) * limit - after;
    if (after < this.bounds.first - 1) throw this.compacted(after);
    const head = this.recent[0];
    if (head !== undefined && head.seq <= after + 1) {
      const start = after + 1 - head.seq;
      return this.recent.slice(start, start + limit);
    }
    const events: DomainEvent[] = [];
    let next = after + 1;
    for (const chunk of await this.chunksFrom(after)) {
      // Pruning may have run meanwhile: the chunks must continue exactly where the reader is.
      if (chunk.first > next || chunk.last < next) break;
      for (let i = next - chunk.first; i < chunk.events.length && events.length < limit; i++) {
        events.push(chunk.events[i] as DomainEvent);
      }
      next = chunk.last + 1;
      if (events.length >= limit) break;
    }
    if (events.length === 0) throw this.compacted(after);
    return events;
  }

  /** The chunks from the one holding `after + 1` on (up to {@link READ_CHUNKS}), through the chunk cache. */
  private async chunksFrom(after: number): Promise<EventChunk[]> {
    const cache = this.chunkCache;
    const at = this.cachedIndex(after + 1);
    if (at >= 0) {
      // A hit: the chunks cached after it too, as long as they follow on without a gap.
      const chunks = [cache[at] as EventChunk];
      for (let i = at + 1; i < cache.length && chunks.length < READ_CHUNKS; i++) {
        const chunk = cache[i] as EventChunk;
        if (chunk.first !== (chunks.at(-1) as EventChunk).last + 1) break;
        chunks.push(chunk);
      }
      return chunks;
    }
    // An unreadable chunk is skipped (and logged): the next chunk then does not follow on, and `read` answers
    // `Compacted` to a reader that needed its events, as for history pruned away.
    const entries = await this.store.list<EventChunk>(EVENT_COLLECTION, {
      after: eventKey(after),
      limit: READ_CHUNKS,
      onUnreadable: this.onUnreadable,
    });
    const chunks = entries.map((e) => e.value);
    this.cachePage(chunks);
    return chunks;
  }

  /** The index in the cache of the chunk holding `seq`, or -1. */
  private cachedIndex(seq: number): number {
    const cache = this.chunkCache;
    let low = 0;
    let high = cache.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const chunk = cache[mid] as EventChunk;
      if (seq < chunk.first) high = mid - 1;
      else if (seq > chunk.last) low = mid + 1;
      else return mid;
    }
    return -1;
  }

  /**
   * Caches the chunks of one store read, in order: first drops cached chunks older than the read (readers move
   * forward) while over budget, then caches as many of the read's own chunks as the budget holds.
   */
  private cachePage(chunks: readonly EventChunk[]): void {
    const cache = this.chunkCache;
    const [first] = chunks;
    if (first === undefined) return;
    const budget = this.retention.memoryEvents;
    const incoming = chunks.reduce((n, c) => n + c.events.length, 0);
    while (
      cache.length > 0 &&
      this.chunkCacheEvents + incoming > budget &&
      (cache[0] as EventChunk).last < first.first
    ) {
      this.chunkCacheEvents -= (cache.shift() as EventChunk).events.length;
    }
    for (const chunk of chunks) {
      if (this.chunkCacheEvents + chunk.events.length > budget && this.chunkCacheEvents > 0) break;
      if (this.cachedIndex(chunk.first) >= 0) continue;
      let at = cache.length;
      while (at > 0 && (cache[at - 1] as EventChunk).first > chunk.first) at--;
      cache.splice(at, 0, chunk);
      this.chunkCacheEvents += chunk.events.length;
    }
  }

  /** Resolves once an event after `after` exists, or `signal` aborts. */
  async waitAfter(after: number, signal?: AbortSignal): Promise<void> {
    while (this.bounds.last <= after && signal?.aborted !== true) await this.nextCommit(signal);
  }

  /** Resolves at the next commit of events, or when `signal` aborts (a waiter it wakes leaves the set). */
  private nextCommit(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.add(resolve);
      if (signal === undefined) return;
      let slot = this.abortWakers.get(signal);
      if (slot === undefined) {
        const created: { wake: (() => void) | undefined } = { wake: undefined };
        signal.addEventListener(
          'abort',
          () => {
            const wake = created.wake;
            if (wake === undefined) return;
            created.wake = undefined;
            this.waiters.delete(wake);
            wake();
          },
          { once: true },
        );
        this.abortWakers.set(signal, created);
        slot = created;
      }
      slot.wake = resolve;
    });
  }

  /**
   * The store operations that drop whole commits past the retention window: older than `maxAgeMs`, or beyond
   * the newest `maxEvents` (the newest `maxEvents` are always kept, so the count may exceed it by what was
   * committed since the last pass). `undefined` when nothing is due; pass the result to {@link committed} once
   * written.
   */
  async pruneOps(): Promise<PreparedEvents | undefined> {
    await this.load();
    const { first, last } = this.bounds;
    if (first > last) return undefined;
    const cutoff = this.clock.now() - this.retention.maxAgeMs;
    const tooMany = last - first + 1 > this.retention.maxEvents;
    const tooOld = this.firstTime !== undefined && this.firstTime < cutoff;
    if (!tooMany && !tooOld) return undefined;
    const unreadable: string[] = [];
    const ops: BatchOp[] = [];
    let newFirst = first;
    let firstTime: number | undefined;
    // Oldest first, a page at a time, up to the first chunk that stays (or the one after PRUNE_CHUNKS dropped):
    // a pass reads what expired since the last one and at most a page more, not a fixed 1,001 chunks.
    let after: string | undefined;
    let examined = 0;
    pages: while (examined <= PRUNE_CHUNKS) {
      const page = await this.store.list<EventChunk>(EVENT_COLLECTION, {
        limit: Math.min(PRUNE_PAGE, PRUNE_CHUNKS + 1 - examined),
        ...(after === undefined ? {} : { after }),
        onUnreadable: (row) => {
          this.onUnreadable(row);
          unreadable.push(row.key);
        },
      });
      for (const { key, value: chunk } of page) {
        after = key;
        examined++;
        const expired = chunk.time < cutoff || last - chunk.last >= this.retention.maxEvents;
        if (!expired || examined > PRUNE_CHUNKS) {
          firstTime = chunk.time;
          break pages;
        }
        ops.push({ type: 'delete', collection: EVENT_COLLECTION, key });
        newFirst = chunk.last + 1;
      }
      if (page.length === 0) break;
    }
    if (ops.length === 0) return undefined;
    // Unreadable chunks older than the last one dropped go with it (keys are sequence numbers, 16 digits).
    const through = eventKey(newFirst - 1);
    for (const key of unreadable) {
      if (key < through) ops.push({ type: 'delete', collection: EVENT_COLLECTION, key });
    }
    const bounds = { first: newFirst, last };
    ops.push({ type: 'put', collection: EVENT_META_COLLECTION, key: META_KEY, value: bounds });
    return { events: [], ops, bounds, firstTime };
  }

  private compacted(after: number): BcsError {
    return new BcsError(
      ErrorCode.Compacted,
      `events after ${after} are no longer retained (the oldest is ${this.bounds.first})`,
    );
  }
}
