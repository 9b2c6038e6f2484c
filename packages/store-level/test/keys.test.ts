import { describe, expect, it } from 'vitest';
import {
  changeKey,
  decodeChange,
  decodeKey,
  decodeObject,
  encodeChange,
  encodeKey,
  encodeObject,
  parseChangeKey,
  prefixUpperBound,
} from '../src/keys.js';

/** Compares as UTF-8 bytes, which is what LevelDB's default comparator does. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('encodeKey / decodeKey', () => {
  // The worked examples of encodeKey's doc comment, and a few more.
  it.each([
    ['ns/web', 'ns/web'],
    ['', ''],
    ['ünïcødé', 'ünïcødé'],
    ['\ud7ff', '\ud7ff'],
    ['\uffff', '\u{127ff}'],
    ['\ue000', '\u{10800}'],
    ['😀', '\u{1003d}\u{10600}'],
    ['a\ud800b', 'a\u{10000}b'],
  ])('encodes %j as %j and back', (key, encoded) => {
    expect(encodeKey(key)).toBe(encoded);
    expect(decodeKey(encoded)).toBe(key);
  });

  it.each(['a', 'ns/x', '😀', '\udc00 lone trail', 'lone lead \ud83d', '\u0000', 'mixed 😀 \uffff ä'])(
    'round-trips %j through UTF-8 bytes',
    (key) => {
      const bytes = Buffer.from(encodeKey(key), 'utf8');
      expect(decodeKey(bytes.toString('utf8'))).toBe(key);
    },
  );

  // Pairs whose UTF-8 order differs from their UTF-16 order before encoding; after encoding they agree.
  it.each([
    ['😀', '\uffff'],
    ['😀', '\ue000'],
    ['a😀', 'a\uffff'],
    ['\ud7ff', '😀'],
    ['a', 'b'],
    ['ns1/', 'ns10/'],
    ['a', 'a\u0000'],
  ])('keeps UTF-16 order in UTF-8 bytes: %j < %j', (lower, higher) => {
    expect(compareUnits(lower, higher)).toBe(-1);
    expect(compareUtf8(encodeKey(lower), encodeKey(higher))).toBe(-1);
  });

  it('keeps prefixes: a key starts with a prefix exactly when its encoding does', () => {
    for (const [key, prefix, starts] of [
      ['ns/😀x', 'ns/😀', true],
      ['ns/\ud83dx', 'ns/😀', false],
      ['\uffffa', '\uffff', true],
    ] as const) {
      expect(encodeKey(key).startsWith(encodeKey(prefix))).toBe(starts);
    }
  });
});

describe('prefixUpperBound', () => {
  it.each([
    ['', undefined],
    ['ns/', 'ns/\u{10ffff}'],
  ])('of %j is %j', (prefix, bound) => {
    expect(prefixUpperBound(prefix)).toBe(bound);
  });

  it.each(['ns/', 'ns/\u{127ff}', 'ns/\u{127ff}\u{127ff}'])('is above %j and below ns0', (key) => {
    const bound = prefixUpperBound(encodeKey('ns/')) as string;
    expect(compareUtf8(key, bound)).toBe(-1);
    expect(compareUtf8(bound, 'ns0')).toBe(-1);
  });
});

describe('changeKey / parseChangeKey', () => {
  it.each([
    [7, 1, '0000000000000007.00000001'],
    [0, 0, '0000000000000000.00000000'],
    [1234, 99_999_999, '0000000000001234.99999999'],
    [Number.MAX_SAFE_INTEGER, 0, '9007199254740991.00000000'],
  ])('changeKey(%i, %i) is %s', (revision, index, key) => {
    expect(changeKey(revision, index)).toBe(key);
    expect(parseChangeKey(key)).toEqual({ revision, index });
  });

  it.each([
    [9, 0, 10, 0],
    [10, 0, 10, 1],
    [99, 5, 100, 0],
    [2, 10, 2, 9],
  ])('orders (%i, %i) and (%i, %i) lexicographically by revision, then index', (r1, i1, r2, i2) => {
    const [a, b] = [changeKey(r1, i1), changeKey(r2, i2)];
    const expected = r1 < r2 || (r1 === r2 && i1 < i2) ? -1 : 1;
    expect(compareUnits(a, b)).toBe(expected);
  });

  it.each([
    [-1, 0],
    [1.5, 0],
    [Number.MAX_SAFE_INTEGER + 1, 0],
    [1, -1],
    [1, 100_000_000],
  ])('changeKey(%d, %d) throws RangeError', (revision, index) => {
    expect(() => changeKey(revision, index)).toThrow(RangeError);
  });

  it.each(['7.1', '0000000000000007', 'x000000000000007.00000001'])('parseChangeKey(%j) throws', (key) => {
    expect(() => parseChangeKey(key)).toThrow(RangeError);
  });
});

describe('records', () => {
  it.each([
    [7, '{"a":1}', '{"revision":7,"value":{"a":1}}'],
    [1, 'null', '{"revision":1,"value":null}'],
  ])('encodeObject(%i, %s) is %s', (revision, json, text) => {
    expect(encodeObject(revision, json)).toBe(text);
    expect(decodeObject(text)).toEqual({ revision, value: JSON.parse(json) });
  });

  it.each([
    [
      { type: 'put', collection: 'c', key: 'k' } as const,
      '[1]',
      '{"type":"put","collection":"c","key":"k","value":[1]}',
    ],
    [
      { type: 'delete', collection: 'c', key: 'a"b' } as const,
      undefined,
      '{"type":"delete","collection":"c","key":"a\\"b"}',
    ],
  ])('encodeChange(%j) is %s', (change, json, text) => {
    expect(encodeChange(change, json)).toBe(text);
    expect(decodeChange(text)).toEqual(json === undefined ? change : { ...change, value: JSON.parse(json) });
  });
});
