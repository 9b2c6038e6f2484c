import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/fakes/manual-clock.js';

describe('ManualClock', () => {
  it.each([
    [0, 0],
    [1_527_839_061_316, 1_527_839_061_316],
  ])('starts at %i', (start, expected) => {
    expect(new ManualClock(start).now()).toBe(expected);
  });

  // The worked example of the class doc: at 1000, timers at +50 and +20, advance(60).
  it('fires due timers in time order with now() at each due time', () => {
    const clock = new ManualClock(1000);
    const fired: [string, number][] = [];
    clock.setTimer(50, () => fired.push(['a', clock.now()]));
    clock.setTimer(20, () => fired.push(['b', clock.now()]));
    expect(clock.advance(60)).toBe(2);
    expect(fired).toEqual([
      ['b', 1020],
      ['a', 1050],
    ]);
    expect(clock.now()).toBe(1060);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ['before the due time', 99, [], 1],
    ['at the due time', 100, ['t'], 0],
    ['past the due time', 150, ['t'], 0],
  ])('advance %s', (_label, ms, expected, pending) => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(100, () => fired.push('t'));
    clock.advance(ms);
    expect(fired).toEqual(expected);
    expect(clock.pendingTimers).toBe(pending);
  });

  it.each([
    [0, 0],
    [-5, 0],
  ])('a delay of %i fires on the next advance(0), not inside setTimer', (delay, advance) => {
    const clock = new ManualClock(10);
    let fired = 0;
    clock.setTimer(delay, () => fired++);
    expect(fired).toBe(0);
    clock.advance(advance);
    expect(fired).toBe(1);
    expect(clock.now()).toBe(10);
  });

  it('keeps the order timers were set in for equal due times', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    for (const i of [1, 2, 3]) clock.setTimer(10, () => fired.push(i));
    clock.advance(10);
    expect(fired).toEqual([1, 2, 3]);
  });

  it('fires timers set by callbacks when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const fired: [string, number][] = [];
    clock.setTimer(10, () => {
      fired.push(['outer', clock.now()]);
      clock.setTimer(5, () => fired.push(['inner', clock.now()]));
      clock.setTimer(100, () => fired.push(['late', clock.now()]));
    });
    expect(clock.advance(20)).toBe(2);
    expect(fired).toEqual([
      ['outer', 10],
      ['inner', 15],
    ]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('cancel removes a timer, and cancelling twice is harmless', () => {
    const clock = new ManualClock();
    let fired = 0;
    const cancel = clock.setTimer(10, () => fired++);
    clock.setTimer(10, () => fired++);
    cancel();
    cancel();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(10);
    expect(fired).toBe(1);
  });

  it.each([
    ['forward past a timer', 500, 1, 500],
    ['backward (clock skew)', 50, 0, 50],
  ])('set() %s', (_label, target, fired, now) => {
    const clock = new ManualClock(100);
    clock.setTimer(300, () => undefined);
    expect(clock.set(target)).toBe(fired);
    expect(clock.now()).toBe(now);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('advance(%d) throws RangeError', (ms) => {
    expect(() => new ManualClock().advance(ms)).toThrow(RangeError);
  });
});
