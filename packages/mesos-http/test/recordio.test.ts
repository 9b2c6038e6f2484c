import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRecord, RecordIoDecoder, RecordIoError } from '../src/recordio.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const concat = (records: readonly string[]) => Buffer.concat(records.map(encodeRecord));

/** Splits `buffer` at the given cut points (any order, duplicates and out-of-range ones folded in). */
function rechunk(buffer: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, buffer.length]) {
    chunks.push(buffer.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('encodeRecord', () => {
  it.each([
    ['{"type":"HEARTBEAT"}', '20\n{"type":"HEARTBEAT"}'],
    // spec/mesos-v1.md §3: 52 characters, 53 bytes.
    [
      '{"type":"ERROR","error":{"message":"rôle invalide"}}',
      '53\n{"type":"ERROR","error":{"message":"rôle invalide"}}',
    ],
    ['', '0\n'],
  ])('frames %j by its byte length', (json, framed) => {
    expect(encodeRecord(json).toString('utf8')).toBe(framed);
  });
});

describe('RecordIoDecoder', () => {
  it('returns several records from one chunk, in order', () => {
    const decoder = new RecordIoDecoder();
    expect(decoder.push(concat(['{"a":1}', '{"b":2}', '{}']))).toEqual(['{"a":1}', '{"b":2}', '{}']);
    expect(decoder.buffered).toBe(0);
  });

  it('survives a length prefix split across chunks', () => {
    const decoder = new RecordIoDecoder();
    expect(decoder.push(bytes('1'))).toEqual([]);
    expect(decoder.push(bytes('2'))).toEqual([]);
    expect(decoder.push(bytes('\n{"type":"x"'))).toEqual([]);
    expect(decoder.push(bytes('}7\n{"a":1}'))).toEqual(['{"type":"x"}', '{"a":1}']);
  });

  it('decodes a multi-byte character split across chunks only once the record is complete', () => {
    const record = encodeRecord('{"m":"héllo ✓"}');
    const at = record.indexOf(0xc3) + 1; // inside the two bytes of é
    const decoder = new RecordIoDecoder();
    expect(decoder.push(record.subarray(0, at))).toEqual([]);
    expect(decoder.push(record.subarray(at))).toEqual(['{"m":"héllo ✓"}']);
  });

  it('keeps a partial record even when the caller reuses its chunk buffer', () => {
    const decoder = new RecordIoDecoder();
    const chunk = new Uint8Array(Buffer.from('5\nab'));
    expect(decoder.push(chunk)).toEqual([]);
    chunk.fill(0x7a); // the socket layer may hand out the same memory again
    expect(decoder.push(bytes('cde'))).toEqual(['abcde']);
  });

  it('accepts a record of length 0', () => {
    expect(new RecordIoDecoder().push(bytes('0\n2\n{}'))).toEqual(['', '{}']);
  });

  it('refuses a record past the bound, keeps the records before it, and resets', () => {
    const decoder = new RecordIoDecoder({ maxRecordBytes: 10 });
    let error: unknown;
    try {
      decoder.push(bytes('2\n{}11\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordIoError);
    expect((error as RecordIoError).records).toEqual(['{}']);
    expect(decoder.buffered).toBe(0);
    expect(decoder.push(bytes('2\n[]'))).toEqual(['[]']);
  });

  it.each([['x\n{}'], ['12a\n'], ['123456789012345678901\n'], ['\n{}']])(
    'refuses the malformed prefix %j',
    (text) => {
      expect(() => new RecordIoDecoder().push(bytes(text))).toThrow(RecordIoError);
    },
  );

  it('refuses 64 MiB + 1 by default', () => {
    expect(() => new RecordIoDecoder().push(bytes(`${64 * 1024 * 1024 + 1}\n`))).toThrow(RecordIoError);
  });

  it('decodes any re-chunking of an encoded sequence to the same records (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (records, cuts) => {
          const decoder = new RecordIoDecoder();
          const decoded = rechunk(concat(records), cuts).flatMap((chunk) => decoder.push(chunk));
          expect(decoded).toEqual(records);
          expect(decoder.buffered).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes one byte at a time', () => {
    const records = ['{"type":"SUBSCRIBED"}', '{"m":"日本語"}', '{"type":"HEARTBEAT"}'];
    const decoder = new RecordIoDecoder();
    const encoded = concat(records);
    const decoded: string[] = [];
    for (let i = 0; i < encoded.length; i++) decoded.push(...decoder.push(encoded.subarray(i, i + 1)));
    expect(decoded).toEqual(records);
  });
});
