import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { canonicalizeKeys, isPlainObject } from '../../src/validation/canonical-keys.js';

const schema = Type.Object({
  intersectionItem: Type.Array(Type.Object({ unionData: Type.String() })),
  maxRetries: Type.Integer(),
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  datas: Type.Record(Type.String(), Type.Object({ type: Type.String() })),
});

describe('canonicalizeKeys', () => {
  it.each([
    ['IntersectionItem', { IntersectionItem: [] }, { intersectionItem: [] }],
    ['MaxRetries', { MaxRetries: 3 }, { maxRetries: 3 }],
    ['MAXRETRIES', { MAXRETRIES: 3 }, { maxRetries: 3 }],
    ['an exact key is kept', { maxRetries: 3 }, { maxRetries: 3 }],
  ])('renames %s to the schema property', (_, input, expected) => {
    expect(canonicalizeKeys(schema, input)).toEqual(expected);
  });

  it('prefers an exact match over a case-folded one, in either order', () => {
    expect(canonicalizeKeys(schema, { name: 'a', Name: 'b' })).toEqual({ name: 'a' });
    expect(canonicalizeKeys(schema, { Name: 'b', name: 'a' })).toEqual({ name: 'a' });
  });

  it('keeps keys the schema does not know', () => {
    expect(canonicalizeKeys(schema, { Unknown: 1, name: 'x' })).toEqual({ Unknown: 1, name: 'x' });
  });

  it('walks array items', () => {
    expect(canonicalizeKeys(schema, { intersectionItem: [{ UnionData: 'a' }, { uniondata: 'b' }] })).toEqual({
      intersectionItem: [{ unionData: 'a' }, { unionData: 'b' }],
    });
  });

  it('never renames record keys (user data) but walks record values', () => {
    expect(canonicalizeKeys(schema, { labels: { App: 'x' }, datas: { Item: { TYPE: 'file' } } })).toEqual({
      labels: { App: 'x' },
      datas: { Item: { type: 'file' } },
    });
  });

  it('returns a new value and leaves the input untouched', () => {
    const input = { MaxRetries: 1, intersectionItem: [{ UnionData: 'a' }] };
    const snapshot = structuredClone(input);
    const output = canonicalizeKeys(schema, input);
    expect(output).not.toBe(input);
    expect(input).toEqual(snapshot);
  });

  it.each([null, 3, 'text', true])('returns the scalar %s as it is', (value) => {
    expect(canonicalizeKeys(schema, value)).toBe(value);
  });
});

describe('isPlainObject', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['x', false],
    [1, false],
    [undefined, false],
  ])('%j → %s', (value, expected) => {
    expect(isPlainObject(value)).toBe(expected);
  });
});
