import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import type { BatchOp } from '../../src/ports/store.js';
import { needsStoredRevision, planBatch } from '../../src/store/batch-plan.js';

const put = (key: string, expect?: BatchOp['expect']): BatchOp => ({
  type: 'put',
  collection: 'thing',
  key,
  value: key,
  ...(expect === undefined ? {} : { expect }),
});
const del = (key: string, expect?: BatchOp['expect']): BatchOp => ({
  type: 'delete',
  collection: 'thing',
  key,
  ...(expect === undefined ? {} : { expect }),
});

/** A store holding `a` at revision 1 only; the batch would be revision 2. */
const storedA = (_collection: string, key: string) => (key === 'a' ? 1 : undefined);
const indices = (ops: BatchOp[]) => planBatch(ops, 2, storedA).map((planned) => planned.index);

describe('planBatch', () => {
  it.each<[string, BatchOp[], number[]]>([
    ["the doc comment's example", [del('b'), put('a'), del('a')], [1, 2]],
    ['a put always writes', [put('a'), put('new')], [0, 1]],
    ['a delete of a missing key changes nothing', [del('b')], []],
    ['a delete sees a put earlier in the batch', [put('b'), del('b')], [0, 1]],
    ['a second delete of one key changes nothing', [del('a'), del('a')], [0]],
    ['preconditions that hold', [put('a', { revision: 1 }), put('b', { absent: true })], [0, 1]],
    ['a precondition sees the revision the batch will have', [put('b'), put('b', { revision: 2 })], [0, 1]],
    ['an empty batch', [], []],
  ])('%s', (_label, ops, expected) => {
    expect(indices(ops)).toEqual(expected);
  });

  it.each<[string, BatchOp[]]>([
    ['a stale revision', [put('a', { revision: 9 })]],
    ['a revision on a missing key', [put('b', { revision: 1 })]],
    ['absent on a stored key', [del('a', { absent: true })]],
    ['absent on a key put earlier in the batch', [put('n', { absent: true }), put('n', { absent: true })]],
    ['a revision on a key deleted earlier in the batch', [del('a'), put('a', { revision: 1 })]],
  ])('throws Conflict for %s', (_label, ops) => {
    expect(() => indices(ops)).toThrow(expect.objectContaining({ code: ErrorCode.Conflict }));
  });

  it('asks for a stored revision only for keys the batch has not changed yet, and only when needed', () => {
    const asked: string[] = [];
    const stored = (_collection: string, key: string) => {
      asked.push(key);
      return undefined;
    };
    planBatch(
      [put('x'), del('y'), put('z', { absent: true }), put('x', { revision: 1 }), del('z')],
      1,
      stored,
    );
    expect(asked).toEqual(['y', 'z']);
  });
});

describe('needsStoredRevision', () => {
  it.each<[BatchOp, boolean]>([
    [put('k'), false],
    [put('k', { absent: true }), true],
    [put('k', { revision: 3 }), true],
    [del('k'), true],
  ])('%j → %s', (op, expected) => {
    expect(needsStoredRevision(op)).toBe(expected);
  });
});
