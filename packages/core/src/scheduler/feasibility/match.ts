/**
 * The pattern test of LIKE, UNLIKE and requested-IP host filters (spec/bcs-behaviour.md §3.4): a value
 * matches a pattern when the pattern, read as an fnmatch glob, matches the whole value, **or**, read as a
 * regular expression, matches anywhere in it. A pattern that is not a valid regular expression can still
 * match as a glob; it never throws.
 *
 * Glob syntax: `*` any run of characters (`/` included, fnmatch without FNM_PATHNAME), `?` one character,
 * `[abc]`, `[a-z]`, `[!abc]` or `[^abc]` a class, `\x` the character x; an unclosed `[` is literal.
 */

/** Tests a value against one compiled pattern. */
export type PatternTest = (value: string) => boolean;

const CACHE = new Map<string, PatternTest>();

/**
 * The test for `pattern`, compiled once (cached).
 *
 * Examples: `web-*` matches `web-1` (glob); `web-[0-9]+` matches `web-12` (regexp); `eb` matches `web`
 * (unanchored regexp); `sz` does not match `shenzhen`; `(` matches `(` (glob) and nothing else, no throw.
 */
export function compilePattern(pattern: string): PatternTest {
  let test = CACHE.get(pattern);
  if (test === undefined) {
    const glob = globToRegExp(pattern);
    const regexp = tryRegExp(pattern);
    test =
      regexp === undefined ? (value) => glob.test(value) : (value) => glob.test(value) || regexp.test(value);
    if (CACHE.size > 10_000) CACHE.clear();
    CACHE.set(pattern, test);
  }
  return test;
}

/** Whether `value` matches any of `patterns`. Example: `sh` against [`sz`, `s?`] → true. */
export function matchesAny(value: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) if (compilePattern(pattern)(value)) return true;
  return false;
}

function tryRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * An anchored RegExp equivalent to the glob `pattern`.
 * Examples: `a*` → /^a[\s\S]*$/; `a?c` → /^a[\s\S]c$/; `[!x]` → /^[^x]$/; `\*` → /^\*$/.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeChar(pattern[++i] as string);
    else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) source += '\\[';
      else {
        source += classSource(pattern.slice(i + 1, end));
        i = end;
      }
    } else source += escapeChar(c);
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    // A class such as [z-a] is invalid: such a glob matches nothing.
    return /(?!)/;
  }
}

function escapeChar(c: string): string {
  return c.replace(SPECIAL, '\\$&');
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
