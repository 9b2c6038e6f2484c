import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  globToRe2Source,
  matchesAny,
  patternError,
} from '../../../src/scheduler/feasibility/match.js';

describe('compilePattern (glob or unanchored regexp)', () => {
  it.each<[string, string, boolean]>([
    ['web-*', 'web-1', true],
    ['web-[0-9]+', 'web-12', true],
    ['eb', 'web', true],
    ['sz', 'shenzhen', false],
    ['(', '(', true],
    ['(', 'x', false],
    ['node-?', 'node-1', true],
    // As a regexp, [!1] is the class {!, 1}: the OR of both readings passes.
    ['node-[!1]', 'node-1', true],
    ['node-[!1]', 'node-2', true],
    ['^node-[^1]$', 'node-1', false],
    ['[', '[', true],
    ['a\\*', 'a*', true],
  ])('%j vs %j → %s', (pattern, value, expected) => {
    expect(compilePattern(pattern)(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ['a*', 'a.*'],
    ['a?c', 'a.c'],
    ['[!x]', '[^x]'],
    ['\\*', '\\*'],
    ['a.b', 'a\\.b'],
  ])('glob %j → RE2 %s (whole value, DOTALL)', (glob, source) => {
    expect(globToRe2Source(glob)).toBe(source);
  });

  it('matches a glob * across newlines, as fnmatch does', () => {
    expect(compilePattern('a*z')('a\nz')).toBe(true);
  });

  it('matches any of several patterns', () => {
    expect(matchesAny('sh', ['sz', 's?'])).toBe(true);
    expect(matchesAny('gz', ['sz', 'sh'])).toBe(false);
  });

  // Both readings run on RE2: the backtracking blow-ups of JavaScript's RegExp cannot happen. Against
  // 27 `a`s and `!`, `(a+)+$` took 12 s per test on RegExp; RE2's time is linear in the value.
  it('matches the ReDoS pattern (a+)+$ in linear time, with the find semantics of Go', () => {
    const test = compilePattern('(a+)+$');
    expect(test(`${'a'.repeat(27)}!`)).toBe(false);
    expect(test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(test(`!${'a'.repeat(27)}`)).toBe(true);
  });

  it('matches a glob of many stars against a long value without blowing up', () => {
    const glob = `${'*a'.repeat(20)}*b`;
    expect(compilePattern(glob)('a'.repeat(5_000))).toBe(false);
    expect(compilePattern(glob)(`${'a'.repeat(5_000)}b`)).toBe(true);
  });
});

// The literal and `*`-only fast paths must agree with running both readings on RE2.
describe('compilePattern fast paths', () => {
  const reference = (pattern: string, value: string): boolean => {
    const glob = RE2JS.compile(globToRe2Source(pattern), RE2JS.DOTALL).testExact(value);
    let regexp = false;
    try {
      regexp = RE2JS.compile(pattern).test(value);
    } catch {
      regexp = false;
    }
    return glob || regexp;
  };

  it('agree with RE2 on globs of literals and stars, and on literals', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '-', '*'), maxLength: 7 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '-', '\n'), maxLength: 9 }),
        (pattern, value) => compilePattern(pattern)(value) === reference(pattern, value),
      ),
      { seed: 9, numRuns: 3000 },
    );
  });
});

describe('patternError (what create and update accept)', () => {
  it.each(['node-[0-9]+', 'web-*', '*-web', '?x', 'a**', '*', '[!abc]', '(a+)+$', '^node-1$', ''])(
    'accepts %j',
    (pattern) => {
      expect(patternError(pattern)).toBeUndefined();
    },
  );

  it.each(['(', '[', '(?=x)', '(?<=x)y', '(a)\\1', 'a{1001}', 'x)'])('refuses %j', (pattern) => {
    expect(patternError(pattern)).toEqual(expect.any(String));
  });
});
