import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Core is pure: it never imports a transport or storage library, and reads time and randomness only through
// its ports (style.md points 9 and 15). `src/defaults/` holds the wall-clock and random defaults.
const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? walk(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
})(src);
const importsOf = (text: string) =>
  [...text.matchAll(/from\s+'([^']+)'|import\s+'([^']+)'/g)].map((m) => m[1] ?? m[2]);

describe('core boundaries', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(src, f), f]))(
    '%s imports no koa, level, ws or other @bcs package',
    (_, file) => {
      const forbidden = importsOf(readFileSync(file, 'utf8')).filter((spec) =>
        /^(koa|@koa\/|level|classic-level|memory-level|abstract-level|ws$|pino|@bcs\/)/.test(spec ?? ''),
      );
      expect(forbidden).toEqual([]);
    },
  );

  it.each(files.filter((f) => !relative(src, f).startsWith('defaults')).map((f) => [relative(src, f), f]))(
    '%s reads no wall clock or randomness',
    (_, file) => {
      // Comments may name what the code avoids; only code counts.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(text).not.toMatch(
        /Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(|setTimeout\(|setInterval\(/,
      );
    },
  );
});
