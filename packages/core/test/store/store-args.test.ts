import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.js';
import type { BatchOp } from '../../src/ports/store.js';
import {
  checkBatch,
  checkChangesOptions,
  checkLimit,
  checkListOptions,
  checkPrecondition,
  checkRevision,
  checkTarget,
  valueJson,
} from '../../src/store/store-args.js';

const refused = expect.objectContaining({ code: ErrorCode.ParameterError });

describe('checkTarget', () => {
  it.each([
    ['configmap', 'ns/a'],
    ['a-1', 'x'],
  ])('takes %j / %j', (collection, key) => {
    expect(() => checkTarget(collection, key)).not.toThrow();
  });

  it.each([
    ['ConfigMap', 'k'],
    ['', 'k'],
    ['-a', 'k'],
    ['a/b', 'k'],
    [7, 'k'],
    ['c', ''],
    ['c', 7],
  ])('refuses %j / %j', (collection, key) => {
    expect(() => checkTarget(collection, key)).toThrow(refused);
  });
});

describe('valueJson', () => {
  it.each<[unknown, string]>([
    [{ a: [1] }, '{"a":[1]}'],
    [null, 'null'],
    ['', '""'],
    [0, '0'],
  ])('%j → %s', (value, text) => {
    expect(valueJson(value)).toBe(text);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a BigInt', 1n],
  ])('refuses %s', (_label, value) => {
    expect(() => valueJson(value)).toThrow(refused);
  });

  it('refuses a cycle, keeping the JSON error as cause', () => {
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => valueJson(cycle)).toThrow(expect.objectContaining({ cause: expect.any(TypeError) }));
  });
});

describe('numbers', () => {
  it.each([undefined, 1, 500])('checkLimit takes %j', (limit) => {
    expect(() => checkLimit(limit)).not.toThrow();
  });

  it.each([0, -1, 1.5, '2', Number.NaN])('checkLimit refuses %j', (limit) => {
    expect(() => checkLimit(limit)).toThrow(refused);
  });

  it.each([0, 1, Number.MAX_SAFE_INTEGER])('checkRevision takes %j', (revision) => {
    expect(() => checkRevision('after', revision)).not.toThrow();
  });

  it.each([-1, 0.5, 2 ** 53, '1', undefined])('checkRevision refuses %j', (revision) => {
    expect(() => checkRevision('after', revision)).toThrow(refused);
  });
});

describe('options', () => {
  it('checks list options', () => {
    expect(() => checkListOptions({ prefix: 'ns/', after: 'ns/a', limit: 2 })).not.toThrow();
    expect(() => checkListOptions({ prefix: 1 as never })).toThrow(refused);
    expect(() => checkListOptions({ after: 1 as never })).toThrow(refused);
    expect(() => checkListOptions({ limit: 0 })).toThrow(refused);
  });

  it('checks changes options', () => {
    expect(() => checkChangesOptions({ after: 0, limit: 10 })).not.toThrow();
    expect(() => checkChangesOptions({ after: -1 })).toThrow(refused);
    expect(() => checkChangesOptions({ after: 0, limit: 0 })).toThrow(refused);
  });

  it.each([undefined, { absent: true as const }, { revision: 0 }])(
    'checkPrecondition takes %j',
    (expected) => {
      expect(() => checkPrecondition(expected)).not.toThrow();
    },
  );

  it.each([{ revision: -1 }, { absent: false }, {}])('checkPrecondition refuses %j', (expected) => {
    expect(() => checkPrecondition(expected as never)).toThrow(refused);
  });
});

describe('checkBatch', () => {
  it("returns each put's JSON text, undefined for a delete", () => {
    const ops: BatchOp[] = [
      { type: 'put', collection: 'c', key: 'a', value: { n: 1 } },
      { type: 'delete', collection: 'c', key: 'b' },
    ];
    expect(checkBatch(ops)).toEqual(['{"n":1}', undefined]);
  });

  it.each<[string, unknown]>([
    ['not an array', { type: 'put' }],
    ['an unknown type', [{ type: 'merge', collection: 'c', key: 'k' }]],
    ['a bad collection', [{ type: 'delete', collection: 'C', key: 'k' }]],
    ['a bad precondition', [{ type: 'delete', collection: 'c', key: 'k', expect: { revision: -1 } }]],
    ['an undefined value', [{ type: 'put', collection: 'c', key: 'k', value: undefined }]],
    ['a null op', [null]],
  ])('refuses %s', (_label, ops) => {
    expect(() => checkBatch(ops as BatchOp[])).toThrow(refused);
  });
});
