import { describe, expect, it } from 'vitest';
import { noFitMessage } from '../../src/scheduler/context.js';
import { EXECUTOR_OVERHEAD } from '../../src/scheduler/resources.js';
import { aContext } from './helpers.js';

describe('noFitMessage', () => {
  it.each<[Record<string, number>, string]>([
    [
      { 'constraint UNIQUE(InnerIP)': 3, cpus: 1 },
      'no agent fits: constraint UNIQUE(InnerIP) rejected 3 agents; cpus rejected 1 agent',
    ],
    [{ ports: 2, mem: 2 }, 'no agent fits: mem rejected 2 agents; ports rejected 2 agents'],
    [{}, 'no agent fits: no offers'],
  ])('%j → %s', (rejections, expected) => {
    expect(noFitMessage({ rejections: new Map(Object.entries(rejections)) })).toBe(expected);
  });
});

describe('SchedulingContext', () => {
  it('counts each agent once per checker', () => {
    const ctx = aContext();
    ctx.note('cpus', 'a1');
    ctx.note('cpus', 'a1');
    ctx.note('cpus', 'a2');
    ctx.note('ports', 'a1');
    expect(Object.fromEntries(ctx.rejections)).toEqual({ cpus: 2, ports: 1 });
    ctx.clearRejections();
    expect(ctx.rejections.size).toBe(0);
  });

  it('defaults the executor overhead and has no seed', () => {
    const ctx = aContext();
    expect(ctx.overhead).toBe(EXECUTOR_OVERHEAD);
    expect(ctx.seed).toBeUndefined();
    expect(ctx.ranker.name).toBe('spread');
  });
});
