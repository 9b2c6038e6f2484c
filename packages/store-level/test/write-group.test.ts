import { type BatchOp, ErrorCode } from '@bcs/core';
import { MemoryLevel } from 'memory-level';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/session.js';
import { idOf, MAX_GROUP_OPS, planGroup, type QueuedWrite, takeGroup } from '../src/write-group.js';

/** A queued write of `ops` whose answer nobody waits for. */
function queued(ops: readonly BatchOp[]): QueuedWrite {
  const values = ops.map((op) => (op.type === 'put' ? JSON.stringify(op.value) : undefined));
  return { ops, values, resolve: () => undefined, reject: () => undefined };
}

/** A queued write of `count` puts. */
function puts(count: number): QueuedWrite {
  return queued(
    Array.from({ length: count }, (_, i) => ({ type: 'put', collection: 'thing', key: `k${i}`, value: i })),
  );
}

describe('takeGroup', () => {
  it.each([
    ['everything queued when it fits', [1, 2, 3], [3, 0]],
    ['writes while their operations add up to MAX_GROUP_OPS', [6000, 4000, 1], [2, 1]],
    ['a single write larger than MAX_GROUP_OPS on its own', [MAX_GROUP_OPS + 1, 1], [1, 1]],
  ])('takes %s', (_label, sizes, [taken, left]) => {
    const queue = sizes.map(puts);
    const group = takeGroup(queue);
    expect(group.map((write) => write.ops.length)).toEqual(sizes.slice(0, taken));
    expect(queue).toHaveLength(left as number);
  });
});

describe('planGroup', () => {
  it('plans the doc comment example: one revision per changing write, conflicts and no-ops take none', async () => {
    const db = new MemoryLevel();
    await db.open();
    const session = await Session.load(db);
    session.revision = 7;
    const group = [
      queued([{ type: 'put', collection: 'thing', key: 'a', value: 1 }]),
      queued([{ type: 'put', collection: 'thing', key: 'b', value: 2, expect: { absent: true } }]),
      queued([{ type: 'delete', collection: 'thing', key: 'c' }]),
      queued([{ type: 'put', collection: 'thing', key: 'd', value: 4 }]),
    ];
    const stored = new Map([
      [idOf('thing', 'b'), 3],
      [idOf('thing', 'c'), undefined],
    ]);
    const plan = planGroup(session, group, stored);
    expect(plan.revision).toBe(9);
    expect(plan.outcomes).toEqual([
      { revision: 8, changed: true },
      { error: expect.objectContaining({ code: ErrorCode.Conflict }) },
      { revision: 8, changed: false },
      { revision: 9, changed: true },
    ]);
    expect(plan.operations.map((op) => [op.type, op.key, op.type === 'put' ? op.value : undefined])).toEqual([
      ['put', 'a', '{"revision":8,"value":1}'],
      ['put', '0000000000000008.00000000', '{"type":"put","collection":"thing","key":"a","value":1}'],
      ['put', 'd', '{"revision":9,"value":4}'],
      ['put', '0000000000000009.00000000', '{"type":"put","collection":"thing","key":"d","value":4}'],
      ['put', 'revision', '9'],
    ]);
    await db.close();
  });

  it('each write sees what the earlier writes of the group changed, not only what is stored', async () => {
    const db = new MemoryLevel();
    await db.open();
    const session = await Session.load(db);
    const group = [
      queued([{ type: 'put', collection: 'thing', key: 'k', value: 1, expect: { absent: true } }]),
      queued([{ type: 'put', collection: 'thing', key: 'k', value: 2, expect: { absent: true } }]),
      queued([{ type: 'delete', collection: 'thing', key: 'k', expect: { revision: 1 } }]),
      queued([{ type: 'delete', collection: 'thing', key: 'k' }]),
    ];
    const plan = planGroup(session, group, new Map([[idOf('thing', 'k'), undefined]]));
    expect(plan.outcomes).toEqual([
      { revision: 1, changed: true },
      { error: expect.objectContaining({ code: ErrorCode.Conflict }) },
      { revision: 2, changed: true },
      { revision: 2, changed: false },
    ]);
    await db.close();
  });

  it('plans nothing to write when no write changes anything', async () => {
    const db = new MemoryLevel();
    await db.open();
    const session = await Session.load(db);
    const plan = planGroup(session, [queued([{ type: 'delete', collection: 'thing', key: 'k' }])], new Map());
    expect(plan).toEqual({ operations: [], revision: 0, outcomes: [{ revision: 0, changed: false }] });
    await db.close();
  });
});
