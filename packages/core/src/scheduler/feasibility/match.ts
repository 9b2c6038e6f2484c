import { RE2JS } from 're2js';

/**
 * The pattern test of LIKE, UNLIKE and requested-IP host filters (spec/bcs-behaviour.md §3.4): a value
 * matches a pattern when the pattern, read as an fnmatch glob, matches the whole value, **or**, read as a
 * regular expression, matches anywhere in it (Go's `regexp.MatchString`, a find, not a full match).
 *
 * Both readings run on RE2 (`re2js`, a pure JS port of the engine Go's `regexp` is), whose matching time is
 * linear in the value whatever the pattern: `(a+)+$` cannot freeze the scheduler's queue as it did on
 * JavaScript's backtracking `RegExp`. The regular-expression syntax is RE2's (Go's): no backreferences, no
 * lookahead or lookbehind, repeat counts up to 1000.
 *
 * Glob syntax: `*` any run of characters (`/` included, fnmatch without FNM_PATHNAME), `?` one character,
 * `[abc]`, `[a-z]`, `[!abc]` or `[^abc]` a class, `\x` the character x; an unclosed `[` is literal.
 *
 * Which patterns are accepted at create or update ({@link patternError}): every pattern RE2 compiles, plus
 * those RE2 refuses only because a `*`, `?` or `+` has nothing to repeat (`*-web`, `?x`, `a**`): these are
 * globs, and as in the original (whose `regexp.MatchString` failed on them) only the glob reading matches.
 * Any other pattern RE2 refuses (`(`, `[`, `(?=x)`, `(a)\1`, `a{1001}`) is refused.
 */

/** Tests a value against one compiled pattern. */
export type PatternTest = (value: string) => boolean;

/** How many compiled patterns are kept; past it the oldest is dropped. */
const CACHE_LIMIT = 1_000;
const CACHE = new Map<string, PatternTest>();

/** The RE2 error codes that mean "a glob wildcard where a regexp needs an operand" (see the module doc). */
const GLOB_ONLY_ERRORS = new Set([
  'missing argument to repetition operator',
  'invalid nested repetition operator',
]);

/**
 * The test for `pattern`, compiled once (cached, at most {@link CACHE_LIMIT} patterns).
 *
 * Examples: `web-*` matches `web-1` (glob); `web-[0-9]+` matches `web-12` (regexp); `eb` matches `web`
 * (unanchored regexp); `sz` does not match `shenzhen`; `(` matches `(` (glob) and nothing else, no throw
 * (validation refuses it before it gets here, but a stored one never throws).
 */
export function compilePattern(pattern: string): PatternTest {
  let test = CACHE.get(pattern);
  if (test !== undefined) return test;
  const glob = compileGlob(pattern);
  const regexp = compileRegexp(pattern);
  test = regexp === undefined ? glob : (value) => glob(value) || regexp(value);
  if (CACHE.size >= CACHE_LIMIT) CACHE.delete(CACHE.keys().next().value as string);
  CACHE.set(pattern, test);
  return test;
}

/** Whether `value` matches any of `patterns`. Example: `sh` against [`sz`, `s?`] → true. */
export function matchesAny(value: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) if (compilePattern(pattern)(value)) return true;
  return false;
}

/**
 * Why `pattern` is refused as a LIKE/UNLIKE pattern, or `undefined` when it is accepted (see the module doc).
 *
 * Examples: `node-[0-9]+` → undefined; `*-web` → undefined (a glob); `(` → `missing closing ): \`(\``;
 * `(?=x)` → `invalid or unsupported Perl syntax: \`(?=\``.
 */
export function patternError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    const code = (error as { error?: unknown }).error;
    if (typeof code === 'string' && GLOB_ONLY_ERRORS.has(code)) return undefined;
    const input = (error as { input?: unknown }).input;
    return typeof code === 'string'
      ? `${code}${typeof input === 'string' && input !== '' ? `: \`${input}\`` : ''}`
      : String(error);
  }
}

/** Characters that make a pattern more than a literal, as a regular expression. */
const REGEXP_SPECIAL = /[\\.+*?()|[\]{}^$]/;
/** Characters that make a glob more than a literal, and those that make it more than literals and `*`. */
const GLOB_SPECIAL = /[*?[\\]/;
const GLOB_NOT_STAR = /[?[\\]/;

// The regexp reading (a find). A literal pattern, the common case (`sz`), is a substring test: RE2 gives the
// same answer, some 50 times slower.
function compileRegexp(pattern: string): PatternTest | undefined {
  if (!REGEXP_SPECIAL.test(pattern)) return (value) => value.includes(pattern);
  try {
    const re = RE2JS.compile(pattern);
    return (value) => re.test(value);
  } catch {
    return undefined;
  }
}

const NEVER: PatternTest = () => false;

// The glob reading (the whole value). A literal is an equality and a glob of literals and `*` (`web-*`,
// `*-db-*`) a left-to-right segment search, both linear; anything else runs on RE2.
function compileGlob(pattern: string): PatternTest {
  if (!GLOB_SPECIAL.test(pattern)) return (value) => value === pattern;
  if (!GLOB_NOT_STAR.test(pattern)) return starGlob(pattern.split('*'));
  try {
    const re = RE2JS.compile(globToRe2Source(pattern), RE2JS.DOTALL);
    return (value) => re.testExact(value);
  } catch {
    // A class such as [z-a] is invalid: such a glob matches nothing.
    return NEVER;
  }
}

/**
 * A glob made of literal `segments` joined by `*`: the first must start the value, the last end it, the others
 * occur in order between them. Taking each middle segment at its first occurrence is optimal (any match can be
 * shifted left to it), so the search is linear in the value for a fixed pattern.
 *
 * Example: [`web`, `-`, ``] (`web*-*`) matches `web-1` and `web--`, not `we-b`.
 */
function starGlob(segments: readonly string[]): PatternTest {
  const first = segments[0] as string;
  const last = segments[segments.length - 1] as string;
  const middle = segments.slice(1, -1);
  const fixed = first.length + last.length;
  return (value) => {
    if (value.length < fixed || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const segment of middle) {
      const found = value.indexOf(segment, at);
      if (found < 0 || found + segment.length > end) return false;
      at = found + segment.length;
    }
    return true;
  };
}

/**
 * The RE2 source, matched against the whole value with DOTALL, equivalent to the glob `pattern`.
 * Examples: `a*` → `a.*`; `a?c` → `a.c`; `[!x]` → `[^x]`; `\*` → `\*`; `a.b` → `a\.b`.
 */
export function globToRe2Source(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '\\' && i + 1 < pattern.length) source += RE2JS.quote(pattern[++i] as string);
    else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) source += '\\[';
      else {
        source += classSource(pattern.slice(i + 1, end));
        i = end;
      }
    } else source += RE2JS.quote(c);
  }
  return source;
}

// The index of the `]` closing the class opened at `open`; a `]` right after `[`, `[!` or `[^` is literal.
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) if (pattern[i] === ']') return i;
  return -1;
}

function classSource(body: string): string {
  let negate = false;
  if (body.startsWith('!') || body.startsWith('^')) {
    negate = true;
    body = body.slice(1);
  }
  const inner = body.replace(/[\\\]^[]/g, '\\$&');
  return `[${negate ? '^' : ''}${inner}]`;
}
