import { type Change, storeArgs, UNREADABLE_REVISION, type UnreadableRow } from '@bcs/core';
import type { AbstractBatchOperation, AbstractLevel, AbstractSublevel } from 'abstract-level';
import {
  changeKey,
  decodeChange,
  decodeKey,
  decodeObject,
  encodeKey,
  MAX_OP_INDEX,
  META_KEYS,
  parseChangeKey,
  prefixUpperBound,
  type StoredObject,
  SUBLEVELS,
} from './keys.js';

/**
 * Any abstract-level database: `classic-level`'s `ClassicLevel`, `level`'s `Level`, `memory-level`'s
 * `MemoryLevel`, … The store only uses its own sublevels (string keys, string values), so the database's own
 * default encodings do not matter.
 */
// biome-ignore lint/suspicious/noExplicitAny: abstract-level's type parameters are invariant in practice.
export type LevelDatabase = AbstractLevel<any, any, any>;

/** A sublevel with UTF-8 keys and UTF-8 (JSON text) values. */
export type TextSublevel = AbstractSublevel<LevelDatabase, unknown, string, string>;

const TEXT = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;

/**
 * The sublevels and cached counters of one open period of the database. Sublevels are closed together with
 * their database, so every `open()` makes a new session. `revision` and `compacted` mirror `!meta!…`: writes
 * are serialized in-process (one group at a time), so the cache is authoritative while the store is open.
 */
export class Session {
  readonly meta: TextSublevel;
  readonly changes: TextSublevel;
  readonly #objects: AbstractSublevel<LevelDatabase, unknown, string, string>;
  readonly #collections = new Map<string, TextSublevel>();
  revision = 0;
  compacted = 0;
  /**
   * Change entries below this revision are known to be cleared (by a `compact()` of this session), so the next
   * one clears from here instead of scanning from the start of the feed. 0: unknown (a clear cut short by a
   * crash may have left entries at or below the marker), so the first compact clears from the start.
   */
  clearedBelow = 0;

  /**
   * Whether batch operations name their full key (`sublevel.prefix` + key) on the database itself rather than
   * passing `sublevel`: the same stored keys and values, without abstract-level's per-operation sublevel work
   * (about a third of a batch's synchronous cost; a rollout step writes 400 operations, issue 11 §6). Only
   * when the database stores UTF-8 text, where a sublevel's key is exactly its prefix followed by the key.
   */
  readonly #direct: boolean;

  private constructor(db: LevelDatabase) {
    this.#direct = db.keyEncoding().format === 'utf8' && db.valueEncoding().format === 'utf8';
    this.#objects = db.sublevel(SUBLEVELS.objects, TEXT) as TextSublevel;
    this.meta = db.sublevel(SUBLEVELS.meta, TEXT) as TextSublevel;
    this.changes = db.sublevel(SUBLEVELS.changes, TEXT) as TextSublevel;
  }

  /** Makes the sublevels of an open database and loads the revision counter and compaction marker. */
  static async load(db: LevelDatabase): Promise<Session> {
    const session = new Session(db);
    const [revision, compacted] = await session.meta.getMany([META_KEYS.revision, META_KEYS.compacted]);
    session.revision = revision === undefined ? 0 : Number(revision);
    session.compacted = compacted === undefined ? 0 : Number(compacted);
    return session;
  }

  /** The sublevel of one collection (created on first use, then cached). */
  collection(name: string): TextSublevel {
    let sublevel = this.#collections.get(name);
    if (sublevel === undefined) {
      sublevel = this.#objects.sublevel(name, TEXT) as TextSublevel;
      this.#collections.set(name, sublevel);
    }
    return sublevel;
  }

  /** A batch operation writing `value` (or deleting, when `undefined`) at `key` of `sublevel`. */
  entry(
    sublevel: TextSublevel,
    key: string,
    value?: string,
  ): AbstractBatchOperation<LevelDatabase, string, string> {
    if (this.#direct) {
      const full = sublevel.prefix + key;
      return value === undefined ? { type: 'del', key: full } : { type: 'put', key: full, value };
    }
    return value === undefined ? { type: 'del', sublevel, key } : { type: 'put', sublevel, key, value };
  }

  /**
   * The stored record of a key, or `undefined`. Rejects with `Unreadable` when the stored text is not an object
   * record (see `decodeObject`).
   */
  async read(collection: string, key: string): Promise<StoredObject | undefined> {
    const text = await this.collection(collection).get(encodeKey(key));
    if (text === undefined) return undefined;
    try {
      return decodeObject(text);
    } catch (error) {
      throw storeArgs.unreadableError('store-level', collection, key, error);
    }
  }

  /**
   * The revision of a key for a write's preconditions: `undefined` when absent, `UNREADABLE_REVISION` when its
   * record cannot be read (it exists, and no precondition on its revision holds).
   */
  async revisionOf(collection: string, key: string): Promise<number | undefined> {
    return revisionIn(await this.collection(collection).get(encodeKey(key)));
  }

  /** {@link revisionOf} for many keys of one collection in one Level `getMany`, in the order of `keys`. */
  async revisionsOf(collection: string, keys: readonly string[]): Promise<(number | undefined)[]> {
    const texts = await this.collection(collection).getMany(keys.map(encodeKey));
    return texts.map(revisionIn);
  }

  /**
   * Records of one collection in key order: `[key, record]` pairs, range-limited by prefix/after/limit. A row
   * that cannot be decoded goes to `onUnreadable` and does not count toward `limit`; without `onUnreadable` the
   * scan rejects with `Unreadable` at it.
   */
  async scan(
    collection: string,
    prefix: string,
    after: string | undefined,
    limit: number | undefined,
    onUnreadable: ((row: UnreadableRow) => void) | undefined,
  ): Promise<[string, StoredObject][]> {
    const encodedPrefix = encodeKey(prefix);
    const upper = prefixUpperBound(encodedPrefix);
    // Both ends compare the same way before and after encoding (encodeKey keeps UTF-16 order).
    const range = {
      ...(after !== undefined && after >= prefix ? { gt: encodeKey(after) } : { gte: encodedPrefix }),
      ...(upper === undefined ? {} : { lt: upper }),
    };
    const out: [string, StoredObject][] = [];
    const unreadable: UnreadableRow[] = [];
    // Read in pages of `limit` (skipped rows do not count toward it), without a limit when none is given.
    const iterator = this.collection(collection).iterator(range);
    try {
      while (limit === undefined || out.length < limit) {
        const rows = await iterator.nextv(limit === undefined ? 1000 : limit - out.length);
        if (rows.length === 0) break;
        for (const [stored, text] of rows) {
          const key = decodeKey(stored);
          try {
            out.push([key, decodeObject(text)]);
          } catch (error) {
            if (onUnreadable === undefined)
              throw storeArgs.unreadableError('store-level', collection, key, error);
            unreadable.push({ collection, key, error });
          }
        }
      }
    } finally {
      await iterator.close();
    }
    // Reported once the scan is done, so a callback that throws cannot leave the iterator open.
    for (const row of unreadable) onUnreadable?.(row);
    return out;
  }

  /**
   * Changes with a revision in (after, through], oldest first, cut like `pageOfChanges`: whole revisions
   * while they fit in `limit`, and a first batch larger than `limit` whole.
   */
  async readChanges(after: number, through: number, limit: number | undefined): Promise<Change[]> {
    const out: Change[] = [];
    if (after >= through) return out;
    const iterator = this.changes.iterator({
      gte: changeKey(after + 1, 0),
      lte: changeKey(through, MAX_OP_INDEX),
    });
    let groupStart = 0;
    try {
      for await (const [key, text] of iterator) {
        const { revision } = parseChangeKey(key);
        const previous = out.at(-1);
        if (previous !== undefined && previous.revision !== revision) {
          if (limit !== undefined && out.length >= limit) break;
          groupStart = out.length;
        }
        if (limit !== undefined && out.length >= limit && groupStart > 0) {
          out.length = groupStart;
          break;
        }
        // Delete records carry no `value` key (encodeChange omits it), so none appears here either.
        out.push({ revision, ...decodeChange(text) });
      }
    } finally {
      await iterator.close();
    }
    return out;
  }
}

/** The revision in an object record's text: `undefined` when absent, `UNREADABLE_REVISION` when unreadable. */
function revisionIn(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeObject(text).revision;
  } catch {
    return UNREADABLE_REVISION;
  }
}
