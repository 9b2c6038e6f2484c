import { randomUUID } from 'node:crypto';
import {
  type BatchOp,
  type BcsError,
  type Change,
  type ChangePage,
  type ChangesOptions,
  type Entry,
  type ListOptions,
  type Store,
  type StoreCapabilities,
  StoreLifecycle,
  type StoreStatus,
  storeArgs,
  UNREADABLE_REVISION,
  type WriteOptions,
} from '@bcs/core';
import { Etcd3, type IKeyValue, type IOptions, type IRangeRequest, type IRangeResponse } from 'etcd3';
import { compactedError, invalidArgument, notOpenError, openFailed, wrapEtcdError } from './errors.js';
import {
  createdAt,
  deleteRangeOp,
  getOp,
  type KV,
  modIs,
  putOp,
  rangePage,
  rangeResult,
  successor,
  txn,
} from './etcd-io.js';
import { type Fence, fencedKv } from './fence.js';
import {
  CLUSTER_ID,
  decodeCounter,
  decodeObject,
  encodeCounter,
  encodeKey,
  prefixEnd,
  type StoredChange,
  StoreKeys,
} from './keys.js';
import {
  type GroupPlan,
  idOf,
  keysToRead,
  objectOps,
  planGroup,
  type QueuedWrite,
  type TxnLimits,
  type WriteResult,
} from './plan.js';
import { committedBy, recoverPending, type SplitPart, writeSplit } from './split.js';

/** Options of {@link createEtcdStore}. */
export interface EtcdStoreOptions {
  /** The scheduler cluster's id: the store lives under `/bcs/<clusterId>/store/`. `[A-Za-z0-9][A-Za-z0-9._-]*`. */
  readonly clusterId: string;
  /**
   * Where etcd is: its client URLs (`http://127.0.0.1:2379`, several for a cluster), and any other etcd3 client
   * options (`credentials` for TLS, `auth` for a user and password). The store makes the client and closes it.
   */
  readonly etcd?: IOptions;
  /** An etcd3 client you bring instead of `etcd` (shared between stores, say); the store never closes it. */
  readonly client?: Etcd3;
  /**
   * Operations of one etcd transaction at most: etcd's `--max-txn-ops` (default 128). A write larger than this
   * (or than `maxTxnBytes`) is split over several transactions (split.ts).
   */
  readonly maxTxnOps?: number;
  /**
   * Bytes of keys and values of one transaction at most (default 1 MiB; etcd refuses requests over
   * `--max-request-bytes`, 1.5 MiB by default, and the margin covers the gRPC framing).
   */
  readonly maxTxnBytes?: number;
  /**
   * Complete or roll back a split batch left by a crashed writer when opening (default `true`). A follower
   * replica that must never write passes `false`; the next writer recovers it in any case.
   */
  readonly recoverOnOpen?: boolean;
  /**
   * Fence every write with the election key's create revision (fence.ts): a leader replica passes the key
   * and its term; once another replica is elected, every write rejects with `StoreNotOpen` and `onDeposed` is
   * called once. Reads are not fenced.
   */
  readonly fence?: Fence;
  /** Test hooks: `beforeSplitPart` runs before each part of a split batch after the first; a throw stops it there. */
  readonly faults?: { readonly beforeSplitPart?: (part: SplitPart) => void | Promise<void> };
}

const DEFAULT_MAX_TXN_OPS = 128;
const DEFAULT_MAX_TXN_BYTES = 1024 * 1024;
/** Writes a group holds at most before planning (a group is cut further to fit one transaction). */
const MAX_GROUP_WRITES = 1_000;
/** Rows asked of etcd per page of a list or a change-feed read. */
const PAGE = 256;

/**
 * Creates a {@link Store} on etcd v3. Every write (put, delete or batch) is ONE etcd transaction that holds the
 * objects, the change-feed record and the new store revision, compared against the revision it was planned on;
 * writes issued while another is in flight are grouped into the next transaction (group commit), each with its
 * own revision, in issue order. A write over etcd's transaction limits is written in parts under an intent
 * record that recovery completes or rolls back (split.ts). Key layout: keys.ts.
 *
 * - Capabilities: `persistent`, `atomicBatch` and `changeFeed` are all true.
 * - The store starts opening at once; operations issued meanwhile wait. `open()` rejects with `StoreNotOpen`
 *   when etcd cannot be reached (cause: the etcd3 error).
 * - Missing or invalid options throw `BcsError` code `ParameterError` here.
 */
export function createEtcdStore(options: EtcdStoreOptions): EtcdStore {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('options { clusterId, etcd } required');
  if (typeof options.clusterId !== 'string' || !CLUSTER_ID.test(options.clusterId))
    throw invalidArgument(`clusterId must match ${CLUSTER_ID}`);
  if ((options.etcd === undefined) === (options.client === undefined))
    throw invalidArgument('pass exactly one of options.etcd and options.client');
  const limits: TxnLimits = {
    maxOps: positive('maxTxnOps', options.maxTxnOps, DEFAULT_MAX_TXN_OPS),
    maxBytes: positive('maxTxnBytes', options.maxTxnBytes, DEFAULT_MAX_TXN_BYTES),
  };
  if (limits.maxOps < 4) throw invalidArgument('maxTxnOps must be at least 4');
  const store = new EtcdKvStore(options, limits);
  store.open().catch(() => undefined);
  return store;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw invalidArgument(`${name} must be a positive integer`);
  return value;
}

/** The counter as read: the store revision and the etcd mod revision to compare a write against. */
interface Counter {
  readonly revision: number;
  /** The counter key's etcd mod revision ('0' when absent: a new store). */
  readonly mod: string;
}

function readCounter(kvs: IKeyValue | undefined): Counter {
  if (kvs === undefined) return { revision: 0, mod: '0' };
  return { revision: decodeCounter(kvs.value.toString('utf8')).revision, mod: kvs.mod_revision };
}

function readNumber(kvs: IKeyValue | undefined): number {
  return kvs === undefined ? 0 : Number(kvs.value.toString('utf8'));
}

/** A split batch that failed after its first part: it alone fails. */
class SplitAborted extends Error {
  constructor(cause: unknown) {
    super('split batch aborted', { cause });
  }
}

/** The etcd revision a split batch entered its "applying" state at, when `pending` is such a batch. */
function applyingSince(pending: IKeyValue | undefined): string | undefined {
  if (pending === undefined) return undefined;
  try {
    const record = JSON.parse(pending.value.toString('utf8')) as { state?: unknown };
    return record.state === 'applying' ? pending.mod_revision : undefined;
  } catch {
    return undefined;
  }
}

/** The changes of one log record. */
function toChanges(revision: number, text: Buffer): Change[] {
  return (JSON.parse(text.toString('utf8')) as StoredChange[]).map((change) =>
    change.type === 'put'
      ? { revision, type: 'put', collection: change.collection, key: change.key, value: change.value }
      : { revision, type: 'delete', collection: change.collection, key: change.key },
  );
}

/** What {@link EtcdStore.watch} calls. */
export interface ChangeListener {
  /**
   * Committed changes, oldest first, a revision's changes always together; `revision` is the store revision
   * they bring the reader to. First the retained history after `after` (one call), then each commit as etcd
   * reports it.
   */
  onChanges(changes: readonly Change[], revision: number): void;
  /**
   * The watch ended: `Compacted` (1405904) when etcd compacted the history it needed (read again with
   * `changes()` from the last revision seen, or reload), `Internal` otherwise. Called at most once.
   */
  onError(error: BcsError): void;
}

/** A running {@link EtcdStore.watch}. */
export interface ChangeWatch {
  close(): Promise<void>;
}

/** The Store on etcd, with a push feed for readers in other processes (followers). */
export interface EtcdStore extends Store {
  /**
   * Tails the change feed from `after` on an etcd watch: `listener.onChanges` gets the changes already
   * committed after `after`, then every commit of any process on this cluster id, in revision order, each
   * once. Rejects with `Compacted` when `after` is below the compaction marker. Close the watch, or the store
   * (which closes its watches).
   */
  watch(options: { readonly after: number }, listener: ChangeListener): Promise<ChangeWatch>;
}

class EtcdKvStore implements EtcdStore {
  readonly capabilities: StoreCapabilities = Object.freeze({
    persistent: true,
    atomicBatch: true,
    changeFeed: true,
  });
  readonly #options: EtcdStoreOptions;
  readonly #keys: StoreKeys;
  readonly #limits: TxnLimits;
  readonly #lifecycle: StoreLifecycle;
  readonly #instance = randomUUID();
  #sequence = 0;
  #client: Etcd3 | undefined;
  /** The client's KV, fenced when `options.fence` is set. */
  #kvClient: KV | undefined;
  /** The tail of the write mutex: a promise chain that never rejects. */
  #writes: Promise<unknown> = Promise.resolve();
  readonly #queued: QueuedWrite[] = [];
  #groupScheduled = false;
  /** Set while this store writes a split batch: reads wait for it, so they never see half of it. */
  #splitting: Promise<unknown> | undefined;
  /** The counter as this store's last write left it (see `#commit`); undefined when unknown. */
  #counter: Counter | undefined;
  /** Open watches, closed with the store. */
  readonly #watches = new Set<ChangeWatch>();

  constructor(options: EtcdStoreOptions, limits: TxnLimits) {
    this.#options = options;
    this.#keys = new StoreKeys(options.clusterId);
    this.#limits = limits;
    this.#lifecycle = new StoreLifecycle({
      open: async () => {
        const client = options.client ?? new Etcd3(options.etcd as IOptions);
        const kv = options.fence === undefined ? client.kv : fencedKv(client.kv, options.fence);
        try {
          const pending = await kv.range({ key: this.#keys.pending });
          const kvs = pending.kvs[0];
          if (kvs !== undefined && options.recoverOnOpen !== false)
            await recoverPending(kv, this.#keys, this.#limits, kvs);
          // Proves the counter readable too.
          readCounter((await client.kv.range({ key: this.#keys.revision })).kvs[0]);
        } catch (error) {
          if (options.client === undefined) client.close();
          throw openFailed(error);
        }
        this.#client = client;
        this.#kvClient = kv;
      },
      close: async () => {
        await Promise.all([...this.#watches].map((watch) => watch.close()));
        if (this.#options.client === undefined) this.#client?.close();
        this.#client = undefined;
        this.#kvClient = undefined;
      },
      notOpen: (status: StoreStatus) => notOpenError(status),
    });
  }

  get status(): StoreStatus {
    return this.#lifecycle.status;
  }

  open(): Promise<void> {
    return this.#lifecycle.open();
  }

  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  dispose(): Promise<void> {
    return this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async get<T>(collection: string, key: string): Promise<Entry<T> | undefined> {
    storeArgs.checkTarget(collection, key);
    return this.#read('get', async (kv) => {
      const kvs = (await this.#firstRead(kv, { key: this.#keys.object(collection, key) })).page.kvs[0];
      if (kvs === undefined) return undefined;
      let stored: ReturnType<typeof decodeObject>;
      try {
        stored = decodeObject(kvs.value.toString('utf8'));
      } catch (error) {
        throw storeArgs.unreadableError('store-etcd', collection, key, error);
      }
      return { key, value: stored.value as T, revision: stored.revision };
    });
  }

  async list<T>(collection: string, options: ListOptions = {}): Promise<Entry<T>[]> {
    storeArgs.checkTarget(collection, 'list');
    storeArgs.checkListOptions(options);
    return this.#read('list', async (kv) => {
      const { prefix = '', after, limit, onUnreadable } = options;
      const base = this.#keys.collection(collection);
      const baseBytes = Buffer.byteLength(base);
      const low = Buffer.from(base + encodeKey(prefix));
      const end = prefixEnd(low);
      let from: Buffer = low;
      if (after !== undefined) {
        const past = successor(Buffer.from(base + encodeKey(after)));
        if (Buffer.compare(past, from) > 0) from = past;
      }
      const entries: Entry<T>[] = [];
      let at: string | undefined;
      while (Buffer.compare(from, end) < 0) {
        const want = limit === undefined ? PAGE : Math.min(PAGE, limit - entries.length);
        const request = { key: from, range_end: end, limit: want };
        const read = at === undefined ? await this.#firstRead(kv, request) : undefined;
        const page = read?.page ?? (await rangePage(kv, from, end, want, at as string));
        at ??= read?.at;
        for (const kvs of page.kvs) {
          const key = this.#keys.keyOf(kvs.key, baseBytes);
          try {
            const stored = decodeObject(kvs.value.toString('utf8'));
            entries.push({ key, value: stored.value as T, revision: stored.revision });
          } catch (error) {
            if (onUnreadable === undefined)
              throw storeArgs.unreadableError('store-etcd', collection, key, error);
            onUnreadable({ collection, key, error });
          }
        }
        const last = page.kvs.at(-1);
        if (!page.more || last === undefined) break;
        if (limit !== undefined && entries.length >= limit) break;
        from = successor(last.key);
      }
      return entries;
    });
  }

  async put<T>(collection: string, key: string, value: T, options: WriteOptions = {}): Promise<number> {
    return this.batch([{ type: 'put', collection, key, value, ...options }]);
  }

  async delete(collection: string, key: string, options: WriteOptions = {}): Promise<boolean> {
    const ops: BatchOp[] = [{ type: 'delete', collection, key, ...options }];
    const values = storeArgs.checkBatch(ops);
    return this.#run('delete', async () => (await this.#write(ops, values)).changed);
  }

  async batch(ops: readonly BatchOp[]): Promise<number> {
    const values = storeArgs.checkBatch(ops);
    return this.#run('batch', async () => (await this.#write(ops, values)).revision);
  }

  async revision(): Promise<number> {
    return this.#read(
      'revision',
      async (kv) => readCounter((await kv.range({ key: this.#keys.revision })).kvs[0]).revision,
    );
  }

  async changes(options: ChangesOptions): Promise<ChangePage> {
    storeArgs.checkChangesOptions(options);
    return this.#read(
      'changes',
      async (kv) => (await this.#readChanges(kv, options.after, options.limit)).page,
    );
  }

  async watch(options: { readonly after: number }, listener: ChangeListener): Promise<ChangeWatch> {
    storeArgs.checkChangesOptions(options);
    if (typeof listener?.onChanges !== 'function' || typeof listener.onError !== 'function')
      throw invalidArgument('listener { onChanges, onError } required');
    return this.#read('watch', async (kv) => {
      const { page, at } = await this.#readChanges(kv, options.after, undefined);
      return this.#tail(page, at, listener);
    });
  }

  /**
   * Delivers `page`, then tails the feed on an etcd watch of the `log/` and `meta/` keys from etcd revision
   * `at + 1`: log records are held until the counter reaches their revision (a split batch's parts arrive before
   * its commit), dropped when deleted (a rolled-back batch, a compaction), and delivered one revision at a time.
   */
  async #tail(page: ChangePage, at: string, listener: ChangeListener): Promise<ChangeWatch> {
    const client = this.#client as Etcd3;
    let delivered = page.revision;
    if (page.changes.length > 0) listener.onChanges(page.changes, page.revision);
    const held = new Map<number, Change[]>();
    const metaPrefix = Buffer.from(`${this.#keys.root}meta/`);
    const watcher = await client
      .watch()
      .inRange({ start: Buffer.from(this.#keys.logPrefix), end: prefixEnd(metaPrefix) })
      .startRevision(String(Number(at) + 1))
      .create();
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      listener.onError(
        /compacted/i.test(message) ? compactedError(delivered, delivered) : wrapEtcdError('watch', error),
      );
      void watcher.cancel().catch(() => undefined);
    };
    watcher.on('put', (kvs) => {
      try {
        if (kvs.key.equals(this.#keys.revision)) {
          const revision = decodeCounter(kvs.value.toString('utf8')).revision;
          const ready = [...held.keys()].filter((r) => r <= revision).sort((a, b) => a - b);
          const changes = ready.flatMap((r) => held.get(r) as Change[]);
          for (const r of ready) held.delete(r);
          if (revision > delivered) delivered = revision;
          if (changes.length > 0) listener.onChanges(changes, revision);
          return;
        }
        if (!kvs.key.subarray(0, this.#keys.logPrefix.length).equals(Buffer.from(this.#keys.logPrefix)))
          return;
        const revision = this.#keys.revisionOfLog(kvs.key);
        if (revision <= delivered) return;
        const list = held.get(revision) ?? [];
        list.push(...toChanges(revision, kvs.value));
        held.set(revision, list);
      } catch (error) {
        fail(error);
      }
    });
    watcher.on('delete', (kvs) => {
      if (kvs.key.subarray(0, this.#keys.logPrefix.length).equals(Buffer.from(this.#keys.logPrefix)))
        held.delete(this.#keys.revisionOfLog(kvs.key));
    });
    watcher.on('error', fail);
    const handle: ChangeWatch = {
      close: async () => {
        this.#watches.delete(handle);
        await watcher.cancel().catch(() => undefined);
      },
    };
    this.#watches.add(handle);
    return handle;
  }

  /**
   * Reads `request` together with `meta/pending`, and resolves to the result and the etcd revision it is
   * valid at, for the next pages. While a split batch is applying its objects (another process's, or one a
   * crash left), the read is made again at the etcd revision of its "applying" mark, before any of its objects:
   * a reader sees the state before the batch until it commits, never half of it (split.ts).
   */
  async #firstRead(kv: KV, request: IRangeRequest): Promise<{ page: IRangeResponse; at: string }> {
    const response = await kv.txn({
      compare: [],
      success: [getOp(this.#keys.pending), { request_range: request }],
      failure: [],
    });
    const applying = applyingSince(rangeResult(response, 0)[0]);
    if (applying !== undefined)
      return { page: await kv.range({ ...request, revision: applying }), at: applying };
    return { page: response.responses[1]?.response_range as IRangeResponse, at: response.header.revision };
  }

  /** One page of the feed after `after`, and the etcd revision it was read at. */
  async #readChanges(
    kv: KV,
    after: number,
    limit: number | undefined,
  ): Promise<{ page: ChangePage; at: string }> {
    const logEnd = prefixEnd(Buffer.from(this.#keys.logPrefix));
    let from: Buffer = this.#keys.log(after + 1, 0);
    const first = await kv.txn({
      compare: [],
      success: [
        getOp(this.#keys.revision),
        getOp(this.#keys.compacted),
        { request_range: { key: from, range_end: logEnd, limit: PAGE } },
      ],
      failure: [],
    });
    const revision = readCounter(rangeResult(first, 0)[0]).revision;
    const compacted = readNumber(rangeResult(first, 1)[0]);
    if (after < compacted) throw compactedError(after, compacted);
    const at = first.header.revision;
    const changes: Change[] = [];
    /** The changes of the revision being read (its parts may span pages); added whole or not at all. */
    let current: Change[] = [];
    let currentRevision = -1;
    let full = false;
    const flush = (): void => {
      if (current.length === 0) return;
      if (limit !== undefined && changes.length > 0 && changes.length + current.length > limit) full = true;
      else changes.push(...current);
      if (limit !== undefined && changes.length >= limit) full = true;
      current = [];
    };
    let page = first.responses[2]?.response_range;
    while (page !== undefined && !full) {
      for (const kvs of page.kvs) {
        const logRevision = this.#keys.revisionOfLog(kvs.key);
        // Above the counter: a split batch not yet committed.
        if (logRevision > revision) break;
        if (logRevision !== currentRevision) {
          flush();
          if (full) break;
          currentRevision = logRevision;
        }
        for (const change of JSON.parse(kvs.value.toString('utf8')) as StoredChange[])
          current.push(
            change.type === 'put'
              ? {
                  revision: logRevision,
                  type: 'put',
                  collection: change.collection,
                  key: change.key,
                  value: change.value,
                }
              : { revision: logRevision, type: 'delete', collection: change.collection, key: change.key },
          );
      }
      const last = page.kvs.at(-1);
      if (full || !page.more || last === undefined || this.#keys.revisionOfLog(last.key) > revision) break;
      from = successor(last.key);
      page = await rangePage(kv, from, logEnd, PAGE, at);
    }
    if (!full) flush();
    return { page: { changes, revision }, at };
  }

  async compact(throughRevision: number): Promise<void> {
    storeArgs.checkRevision('throughRevision', throughRevision);
    return this.#run('compact', () =>
      this.#exclusive(async () => {
        const kv = this.#kv();
        const state = await kv.txn({
          compare: [],
          success: [getOp(this.#keys.revision), getOp(this.#keys.compacted)],
          failure: [],
        });
        const revision = readCounter(rangeResult(state, 0)[0]).revision;
        const compactedKv = rangeResult(state, 1)[0];
        const compacted = readNumber(compactedKv);
        // Compacting past the current revision would hide changes not yet written; clamp instead.
        const through = Math.min(throughRevision, revision);
        if (through <= compacted) return;
        // Marker and log range in one transaction; compared so two compactions never lower the marker.
        await txn(
          kv,
          [modIs(this.#keys.compacted, compactedKv?.mod_revision ?? 0)],
          [
            putOp(this.#keys.compacted, String(through)),
            deleteRangeOp(this.#keys.log(0, 0), this.#keys.log(through + 1, 0)),
          ],
        );
      }),
    );
  }

  #kv(): KV {
    return this.#kvClient as KV;
  }

  #write(ops: readonly BatchOp[], values: readonly (string | undefined)[]): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.#queued.push({ ops, values, resolve, reject });
      this.#scheduleGroup();
    });
  }

  #scheduleGroup(): void {
    if (this.#groupScheduled || this.#queued.length === 0) return;
    this.#groupScheduled = true;
    void this.#exclusive(() => this.#commitGroup());
  }

  /** Writes the next group of queued writes as one transaction (or one split batch) and answers each. */
  async #commitGroup(): Promise<void> {
    this.#groupScheduled = false;
    const group = this.#queued.splice(0, MAX_GROUP_WRITES);
    let plan: GroupPlan;
    try {
      plan = await this.#commit(group);
    } catch (error) {
      // A split batch that stopped part-way fails alone (recovery decides what it left); the writes after it
      // were not tried and go first in the next group. Otherwise nothing of the group was written.
      const failed = error instanceof SplitAborted ? group.slice(0, 1) : group;
      this.#queued.unshift(...group.slice(failed.length));
      for (const write of failed)
        write.reject(wrapEtcdError('write', error instanceof SplitAborted ? error.cause : error));
      this.#scheduleGroup();
      return;
    }
    // What did not fit goes first in the next group.
    this.#queued.unshift(...group.slice(plan.taken));
    this.#scheduleGroup();
    for (const [index, write] of group.slice(0, plan.taken).entries()) {
      const outcome = plan.outcomes[index] as GroupPlan['outcomes'][number];
      if ('error' in outcome) write.reject(outcome.error);
      else write.resolve(outcome);
    }
  }

  /** Plans and writes (part of) `group`, planning again when another writer got in between. */
  async #commit(group: readonly QueuedWrite[]): Promise<GroupPlan> {
    const kv = this.#kv();
    // A group that needs no stored revision (puts without preconditions) is planned on the counter this store
    // last wrote, without reading: if anyone wrote since (or a split batch is pending), the compare fails and
    // the loop reads.
    let cached = keysToRead(group).length === 0 ? this.#counter : undefined;
    this.#counter = undefined;
    for (;;) {
      const { counter, pending, stored } =
        cached !== undefined
          ? { counter: cached, pending: undefined, stored: new Map<string, number | undefined>() }
          : await this.#readAhead(kv, group);
      cached = undefined;
      if (pending !== undefined) {
        await recoverPending(kv, this.#keys, this.#limits, pending);
        continue;
      }
      const plan = planGroup(this.#keys, counter.revision, group, stored, this.#limits);
      if (plan.revision === counter.revision && plan.oversize === undefined) {
        this.#counter = counter;
        return plan;
      }
      const token = `${this.#instance}:${++this.#sequence}`;
      if (plan.oversize !== undefined) {
        const split = writeSplit(
          {
            kv,
            keys: this.#keys,
            limits: this.#limits,
            beforePart: this.#options.faults?.beforeSplitPart ?? (() => undefined),
          },
          plan.revision,
          token,
          counter.mod,
          plan.oversize.changes,
          plan.oversize.objects,
        );
        this.#splitting = split.catch(() => undefined);
        try {
          if (await split) return plan;
        } catch (error) {
          throw new SplitAborted(error);
        } finally {
          this.#splitting = undefined;
        }
        continue;
      }
      const success = [
        ...objectOps(plan.objects.values()),
        ...plan.logs.map((log) => putOp(log.key, log.text)),
        putOp(this.#keys.revision, encodeCounter(plan.revision, token)),
      ];
      let written: boolean;
      try {
        const response = await txn(
          kv,
          [modIs(this.#keys.revision, counter.mod), createdAt(this.#keys.pending, 0)],
          success,
        );
        if (response.succeeded) {
          // The counter now has this transaction's etcd revision as its mod revision.
          this.#counter = { revision: plan.revision, mod: response.header.revision };
          return plan;
        }
        written = await committedBy(kv, this.#keys, token);
      } catch (error) {
        // The answer was lost: the transaction may have been applied. The counter's token tells.
        if (await committedBy(kv, this.#keys, token).catch(() => false)) return plan;
        throw error;
      }
      if (written) return plan;
    }
  }

  /**
   * Reads the counter, any pending split batch, and the stored revision of every key the group's writes need
   * (`UNREADABLE_REVISION` for a row that cannot be decoded), all at one etcd revision, in transactions of at
   * most `maxTxnOps` ranges.
   */
  async #readAhead(kv: KV, group: readonly QueuedWrite[]) {
    const wanted = keysToRead(group);
    const perTxn = this.#limits.maxOps;
    const firstKeys = wanted.slice(0, perTxn - 2);
    const first = await kv.txn({
      compare: [],
      success: [
        getOp(this.#keys.revision),
        getOp(this.#keys.pending),
        ...firstKeys.map((k) => getOp(this.#keys.object(k.collection, k.key))),
      ],
      failure: [],
    });
    const counter = readCounter(rangeResult(first, 0)[0]);
    const pending = rangeResult(first, 1)[0];
    const stored = new Map<string, number | undefined>();
    const record = (k: { collection: string; key: string }, kvs: IKeyValue | undefined): void => {
      let revision: number | undefined;
      if (kvs !== undefined) {
        try {
          revision = decodeObject(kvs.value.toString('utf8')).revision;
        } catch {
          revision = UNREADABLE_REVISION;
        }
      }
      stored.set(idOf(k.collection, k.key), revision);
    };
    for (const [index, k] of firstKeys.entries()) record(k, rangeResult(first, index + 2)[0]);
    const rest = wanted.slice(firstKeys.length);
    const at = first.header.revision;
    await Promise.all(
      Array.from({ length: Math.ceil(rest.length / perTxn) }, async (_, chunk) => {
        const keys = rest.slice(chunk * perTxn, (chunk + 1) * perTxn);
        const response = await kv.txn({
          compare: [],
          success: keys.map((k) => ({
            request_range: { key: this.#keys.object(k.collection, k.key), revision: at },
          })),
          failure: [],
        });
        for (const [index, k] of keys.entries()) record(k, rangeResult(response, index)[0]);
      }),
    );
    return { counter, pending, stored };
  }

  #exclusive<R>(task: () => Promise<R>): Promise<R> {
    const result = this.#writes.then(task);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  #run<R>(action: string, operation: () => Promise<R>): Promise<R> {
    return this.#lifecycle.run(operation).catch((error: unknown) => {
      throw wrapEtcdError(action, error);
    });
  }

  /** A read: after any split batch of this store is committed, so it never sees half of one. */
  #read<R>(action: string, operation: (kv: KV) => Promise<R>): Promise<R> {
    return this.#run(action, async () => {
      while (this.#splitting !== undefined) await this.#splitting;
      return operation(this.#kv());
    });
  }
}
