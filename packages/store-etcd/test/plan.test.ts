import type { BatchOp } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { StoreKeys } from '../src/keys.js';
import { planGroup, type QueuedWrite } from '../src/plan.js';

const keys = new StoreKeys('c');
const limits = { maxOps: 8, maxBytes: 100_000 };

function write(ops: BatchOp[]): QueuedWrite {
  return {
    ops,
    values: ops.map((op) => (op.type === 'put' ? JSON.stringify(op.value) : undefined)),
    resolve: () => undefined,
    reject: () => undefined,
  };
}
const put = (key: string, value: unknown = 1): BatchOp => ({ type: 'put', collection: 'thing', key, value });

describe('planGroup: one etcd transaction per group, cut at the limits', () => {
  it('gives each write its revision and log record, and nets objects per key', () => {
    const plan = planGroup(keys, 4, [write([put('a'), put('b')]), write([put('a', 2)])], new Map(), limits);
    expect(plan.taken).toBe(2);
    expect(plan.revision).toBe(6);
    expect(plan.outcomes).toEqual([
      { revision: 5, changed: true },
      { revision: 6, changed: true },
    ]);
    expect(plan.objects.size).toBe(2);
    expect(plan.logs.map((log) => log.key.toString())).toEqual([
      keys.log(5, 0).toString(),
      keys.log(6, 0).toString(),
    ]);
  });

  it('stops before the write that would take the transaction over maxOps', () => {
    // Counter 1 + (3 objects + 1 log) + (3 objects + 1 log) = 9 > 8: the second write goes to the next group.
    const plan = planGroup(
      keys,
      0,
      [write([put('a'), put('b'), put('c')]), write([put('d'), put('e'), put('f')])],
      new Map(),
      limits,
    );
    expect(plan.taken).toBe(1);
    expect(plan.revision).toBe(1);
    expect(plan.oversize).toBeUndefined();
  });

  it('stops before the write that would take it over maxBytes', () => {
    const big = 'x'.repeat(600);
    const plan = planGroup(keys, 0, [write([put('a', big)]), write([put('b', big)])], new Map(), {
      maxOps: 128,
      maxBytes: 1_500,
    });
    expect(plan.taken).toBe(1);
  });

  it('hands a first write over the limits to the split protocol, alone', () => {
    const ops = Array.from({ length: 10 }, (_, i) => put(`k${i}`));
    const plan = planGroup(keys, 2, [write(ops), write([put('z')])], new Map(), limits);
    expect(plan.taken).toBe(1);
    expect(plan.revision).toBe(3);
    expect(plan.oversize?.changes).toHaveLength(10);
    expect(plan.oversize?.objects.size).toBe(10);
  });

  it('leaves a failed precondition out whole, taking no revision', () => {
    const conflict = write([put('x'), { ...put('a'), expect: { absent: true } }]);
    const plan = planGroup(keys, 0, [conflict, write([put('b')])], new Map([['thing\u0000a', 1]]), limits);
    expect(plan.outcomes[0]).toHaveProperty('error');
    expect(plan.outcomes[1]).toEqual({ revision: 1, changed: true });
    expect([...plan.objects.values()].map((o) => o.key.toString())).toEqual([
      keys.object('thing', 'b').toString(),
    ]);
  });
});
