import { describe, expect, it } from 'vitest';
import { compilePattern, globToRegExp, matchesAny } from '../../../src/scheduler/feasibility/match.js';

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
    ['a*', '^a[\\s\\S]*$'],
    ['a?c', '^a[\\s\\S]c$'],
    ['[!x]', '^[^x]$'],
    ['\\*', '^\\*$'],
  ])('glob %j → /%s/', (glob, source) => {
    expect(globToRegExp(glob).source).toBe(source);
  });

  it('matches any of several patterns', () => {
    expect(matchesAny('sh', ['sz', 's?'])).toBe(true);
    expect(matchesAny('gz', ['sz', 'sh'])).toBe(false);
  });
});
