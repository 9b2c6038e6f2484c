import type { MesosEvent } from '@bcs/core';
import { ManualClock } from '@bcs/testing/fakes';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../src/event-stream.js';
import { drainMicrotasks } from '../src/flush.js';
import { isUuidBase64 } from '../src/prng.js';
import { normalizeRanges, parseResources, rangesContain, subtractRanges, toMilli } from '../src/resources.js';
import { Timeline } from '../src/timeline.js';

const r = (begin: number, end: number) => ({ begin, end });

describe('port ranges', () => {
  it.each([
    [
      [r(5, 6), r(1, 2), r(3, 3)],
      [r(1, 3), r(5, 6)],
    ],
    [[r(4, 6), r(1, 3)], [r(1, 6)]],
    [
      [r(1, 5), r(2, 3), r(8, 9)],
      [r(1, 5), r(8, 9)],
    ],
    [[], []],
  ])('normalizeRanges(%j) = %j', (input, expected) => {
    expect(normalizeRanges(input)).toEqual(expected);
  });

  it.each([
    [[r(31000, 32000)], [r(31000, 31000), r(32000, 32000)], [r(31001, 31999)]],
    [[r(1, 10)], [r(3, 4), r(6, 6)], [r(1, 2), r(5, 5), r(7, 10)]],
    [[r(1, 3), r(5, 9)], [r(2, 6)], [r(1, 1), r(7, 9)]],
    [[r(1, 3)], [], [r(1, 3)]],
  ])('subtractRanges(%j, %j) = %j', (outer, inner, expected) => {
    expect(subtractRanges(outer, inner)).toEqual(expected);
  });

  it.each([
    [[r(1, 10)], [r(2, 3), r(10, 10)], true],
    [[r(1, 3), r(5, 9)], [r(3, 5)], false],
    [[r(1, 3)], [r(0, 0)], false],
    [[], [], true],
  ])('rangesContain(%j, %j) = %s', (outer, inner, expected) => {
    expect(rangesContain(outer, inner)).toBe(expected);
  });
});

describe('parseResources', () => {
  it('sums scalars in thousandths exactly (0.1 + 0.2 cpus = 300)', () => {
    const cpus = (value: number) => ({ name: 'cpus', type: 'SCALAR' as const, scalar: { value } });
    expect(parseResources([cpus(0.1), cpus(0.2)]).amounts.cpus).toBe(300);
    expect(toMilli(0.0005)).toBe(1);
  });

  it.each([
    ['an unknown name', [{ name: 'gpus', type: 'SCALAR', scalar: { value: 1 } }]],
    ['a negative scalar', [{ name: 'mem', type: 'SCALAR', scalar: { value: -1 } }]],
    ['ports as a scalar', [{ name: 'ports', type: 'SCALAR', scalar: { value: 1 } }]],
    ['an inverted range', [{ name: 'ports', type: 'RANGES', ranges: { range: [r(5, 4)] } }]],
    ['a port twice', [{ name: 'ports', type: 'RANGES', ranges: { range: [r(5, 6), r(6, 7)] } }]],
  ])('reports %s as a problem', (_label, list) => {
    expect(parseResources(list as never).problems).toHaveLength(1);
  });
});

describe('isUuidBase64', () => {
  it.each([
    ['yquKe+R9RxyK7YbDJb5OCA==', true],
    ['yquKe+R9RxyK7YbDJb5OCA', true],
    ['yquKe+R9RxyK7YbDJb5OCA=', false],
    ['AAAAAAAAAAAAAAAAAAAAAA==', false],
    ['5b4f2c1e-8a3d-4f6b-9c2e-1d7a3b9e0f42', false],
  ])('%s → %s', (uuid, expected) => {
    expect(isUuidBase64(uuid)).toBe(expected);
  });
});

describe('Timeline', () => {
  it('runs entries in (time, insertion) order with one clock timer, and catches up after pause', () => {
    const clock = new ManualClock(1000);
    const timeline = new Timeline(clock);
    const ran: string[] = [];
    timeline.at(1050, () => ran.push('b'));
    timeline.at(1020, () => ran.push('a'));
    timeline.at(1050, () => ran.push('c'));
    timeline.resume();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(30);
    expect(ran).toEqual(['a']);
    timeline.pause();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(ran).toEqual(['a']);
    timeline.resume();
    clock.advance(0);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(timeline.size).toBe(0);
  });

  it('runs entries added by a running entry when they fall due in the same advance', () => {
    const clock = new ManualClock(0);
    const timeline = new Timeline(clock);
    const ran: number[] = [];
    timeline.resume();
    timeline.after(10, () => {
      ran.push(clock.now());
      timeline.after(5, () => ran.push(clock.now()));
    });
    clock.advance(100);
    expect(ran).toEqual([10, 15]);
  });
});

describe('EventStream', () => {
  it('delivers in order after the current microtask, never re-entrantly, and rethrows listener errors', async () => {
    const seen: string[] = [];
    let depth = 0;
    const stream = new EventStream((event) => {
      depth++;
      seen.push(`${event.type}@${depth}`);
      if (event.type === 'HEARTBEAT' && seen.length === 1)
        stream.push({ type: 'ERROR', error: { message: 'x' } });
      depth--;
    });
    stream.push({ type: 'HEARTBEAT' });
    stream.push({ type: 'HEARTBEAT' });
    expect(seen).toEqual([]);
    await drainMicrotasks();
    expect(seen).toEqual(['HEARTBEAT@1', 'HEARTBEAT@1', 'ERROR@1']);
  });

  it('end() delivers what is queued plus the last event; close() drops everything', async () => {
    const ended: MesosEvent[] = [];
    const a = new EventStream((e) => ended.push(e));
    a.push({ type: 'HEARTBEAT' });
    a.end({ type: 'ERROR', error: { message: 'bye' } });
    a.push({ type: 'HEARTBEAT' });
    const closed: MesosEvent[] = [];
    const b = new EventStream((e) => closed.push(e));
    b.push({ type: 'HEARTBEAT' });
    b.close();
    await drainMicrotasks();
    expect(ended.map((e) => e.type)).toEqual(['HEARTBEAT', 'ERROR']);
    expect(closed).toEqual([]);
    expect(a.open).toBe(false);
  });
});
