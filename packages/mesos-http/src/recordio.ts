/**
 * RecordIO, the framing of the Mesos v1 event stream (spec/mesos-v1.md §3): each record is its length in
 * bytes as decimal ASCII, a `\n` (0x0A), then exactly that many bytes. Chunk boundaries are unrelated to
 * records: a chunk may hold several records or part of one, split the length digits or a UTF-8 character.
 */

/** The default bound on one record: a larger length prefix is an error (64 MiB). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Digits a length prefix may have: 20 hold any uint64. */
const MAX_HEADER_DIGITS = 20;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * The stream is not RecordIO: a non-digit in a length prefix, a prefix too long, or a record larger than the
 * bound. `records` holds the records completed in the same `push` before the fault (deliver them, then drop
 * the stream). The decoder is reset: the next `push` starts a new stream.
 */
export class RecordIoError extends Error {
  override readonly name = 'RecordIoError';
  readonly records: readonly string[];
  constructor(message: string, records: readonly string[]) {
    super(message);
    this.records = records;
  }
}

/** Options of {@link RecordIoDecoder}. */
export interface RecordIoDecoderOptions {
  /** The largest record accepted, in bytes. Default {@link DEFAULT_MAX_RECORD_BYTES}. */
  readonly maxRecordBytes?: number;
}

/**
 * Decodes a RecordIO byte stream into its records, as UTF-8 text. It works on bytes throughout: a record's
 * bytes are decoded only once all of them arrived, so a multi-byte character split across chunks is intact.
 *
 * Example: `push('6\n{"a":'), push('1}2\n{}')` returns `[]`, then `['{"a":1}', '{}']`.
 */
export class RecordIoDecoder {
  readonly #maxRecordBytes: number;
  /** The length digits read so far (HEADER state). */
  #digits = '';
  /** The length of the record being read (BODY state), or undefined in the HEADER state. */
  #need: number | undefined;
  /** Bytes of the current record received so far, in chunks. */
  #parts: Uint8Array[] = [];
  #have = 0;

  constructor(options: RecordIoDecoderOptions = {}) {
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** Bytes of an incomplete record (or length prefix) held. */
  get buffered(): number {
    return this.#have + this.#digits.length;
  }

  /**
   * Feeds one chunk; returns the records it completed, in order (an empty record is `''`). Throws
   * {@link RecordIoError} (after resetting) when the stream is not RecordIO.
   */
  push(chunk: Uint8Array): string[] {
    const records: string[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#need === undefined) offset = this.#readHeader(chunk, offset, records);
      else offset = this.#readBody(chunk, offset, records);
    }
    return records;
  }

  /** Drops any partial record: the next `push` starts a new stream. */
  reset(): void {
    this.#digits = '';
    this.#need = undefined;
    this.#parts = [];
    this.#have = 0;
  }

  #readHeader(chunk: Uint8Array, start: number, records: string[]): number {
    let offset = start;
    while (offset < chunk.length) {
      const byte = chunk[offset++]!;
      if (byte === NEWLINE) {
        this.#startBody(records);
        return offset;
      }
      if (byte < DIGIT_0 || byte > DIGIT_9 || this.#digits.length >= MAX_HEADER_DIGITS) {
        this.reset();
        throw new RecordIoError(`recordio: byte 0x${byte.toString(16)} in a length prefix`, records);
      }
      this.#digits += String.fromCharCode(byte);
    }
    return offset;
  }

  #startBody(records: string[]): void {
    const digits = this.#digits;
    this.#digits = '';
    const length = Number(digits);
    if (digits === '') {
      this.reset();
      throw new RecordIoError('recordio: empty length prefix', records);
    }
    if (length > this.#maxRecordBytes) {
      this.reset();
      throw new RecordIoError(`recordio: record of ${digits} bytes exceeds ${this.#maxRecordBytes}`, records);
    }
    this.#need = length;
    if (length === 0) this.#complete(records);
  }

  #readBody(chunk: Uint8Array, offset: number, records: string[]): number {
    const need = this.#need!;
    const take = Math.min(need - this.#have, chunk.length - offset);
    const slice = chunk.subarray(offset, offset + take);
    if (this.#have === 0 && take === need) {
      // The whole record in this chunk: decode it in place.
      this.#need = undefined;
      records.push(utf8(slice));
      return offset + take;
    }
    // Part of a record: copy it, since the caller may reuse the chunk's memory.
    this.#parts.push(Uint8Array.prototype.slice.call(slice));
    this.#have += take;
    if (this.#have === need) this.#complete(records);
    return offset + take;
  }

  #complete(records: string[]): void {
    const parts = this.#parts;
    records.push(parts.length === 1 ? utf8(parts[0]!) : utf8(Buffer.concat(parts)));
    this.#parts = [];
    this.#have = 0;
    this.#need = undefined;
  }
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Frames one record: `<byte length>\n<bytes>` (the length counts UTF-8 bytes, not characters).
 *
 * Example: `encodeRecord('{"type":"HEARTBEAT"}')` is the bytes of `20\n{"type":"HEARTBEAT"}`.
 */
export function encodeRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'ascii'), body]);
}
