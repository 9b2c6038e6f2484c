import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokenFile, parseTokenFile, TOKEN_FILE_LIMITS, TokenFileError } from '../src/auth-tokens.js';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

const FILE = [
  '# tokens of the test cluster',
  '',
  line({ token: 'reader-secret-0123456789', name: 'reader', role: 'read' }),
  line({ token: `sha256:${sha('hashed-secret-0123456789').toUpperCase()}`, name: 'ci', role: 'write' }),
  line({
    token: 'team-a-secret-0123456789',
    name: 'team-a',
    role: 'admin',
    namespaces: ['team-a', 'team-a'],
  }),
].join('\n');

describe('parseTokenFile', () => {
  it('reads tokens in clear and as sha256: hashes, with roles and namespaces', () => {
    const table = parseTokenFile(FILE, 'tokens.jsonl');
    expect(table.size()).toBe(3);
    expect(table.authenticate('reader-secret-0123456789')).toEqual({ name: 'reader', role: 'read' });
    expect(table.authenticate('hashed-secret-0123456789')).toEqual({ name: 'ci', role: 'write' });
    expect(table.authenticate('team-a-secret-0123456789')).toEqual({
      name: 'team-a',
      role: 'admin',
      namespaces: ['team-a'],
    });
  });

  it('knows no other token, nor a hash given as the token', () => {
    const table = parseTokenFile(FILE, 'tokens.jsonl');
    for (const token of [
      '',
      'reader-secret-012345678',
      'reader-secret-0123456789 ',
      `sha256:${sha('hashed-secret-0123456789')}`,
    ]) {
      expect(table.authenticate(token)).toBeUndefined();
    }
    expect(table.authenticate('x'.repeat(TOKEN_FILE_LIMITS.tokenLength.max + 1))).toBeUndefined();
  });

  it('keeps hashes only: no entry holds a token', () => {
    const table = parseTokenFile(FILE, 'tokens.jsonl');
    const kept = JSON.stringify(table.entries().map((e) => ({ ...e, sha256: e.sha256.toString('latin1') })));
    expect(kept).not.toContain('reader-secret-0123456789');
    expect(table.entries()[0]!.sha256.toString('hex')).toBe(sha('reader-secret-0123456789'));
  });

  it.each([
    ['not JSON', 'reader-secret-0123456789', 1],
    ['an array', '[]', 1],
    ['an unknown field', line({ token: 'a'.repeat(16), name: 'n', role: 'read', extra: 1 }), 1],
    ['no name', line({ token: 'a'.repeat(16), role: 'read' }), 1],
    ['a bad name', line({ token: 'a'.repeat(16), name: 'has space', role: 'read' }), 1],
    ['a bad role', line({ token: 'a'.repeat(16), name: 'n', role: 'root' }), 1],
    ['a short token', line({ token: 'short', name: 'n', role: 'read' }), 1],
    ['a token with a space', line({ token: 'a a a a a a a a a a', name: 'n', role: 'read' }), 1],
    ['a bad hash', line({ token: 'sha256:abc', name: 'n', role: 'read' }), 1],
    ['bad namespaces', line({ token: 'a'.repeat(16), name: 'n', role: 'read', namespaces: ['Bad_NS'] }), 1],
    ['namespaces not a list', line({ token: 'a'.repeat(16), name: 'n', role: 'read', namespaces: 'ns' }), 1],
    [
      'a repeated name',
      [
        line({ token: 'a'.repeat(16), name: 'n', role: 'read' }),
        line({ token: 'b'.repeat(16), name: 'n', role: 'read' }),
      ].join('\n'),
      2,
    ],
    [
      'a repeated token (once hashed)',
      [
        '# c',
        line({ token: 'a'.repeat(16), name: 'n', role: 'read' }),
        line({ token: `sha256:${sha('a'.repeat(16))}`, name: 'm', role: 'read' }),
      ].join('\n'),
      3,
    ],
  ])('refuses %s, naming the file and line, never the token', (_what, text, lineNumber) => {
    let error: unknown;
    try {
      parseTokenFile(text, 'tokens.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TokenFileError);
    const message = (error as Error).message;
    expect(message.startsWith(`tokens.jsonl:${lineNumber}: `)).toBe(true);
    for (const secret of ['reader-secret-0123456789', 'a'.repeat(16), 'b'.repeat(16)]) {
      expect(message).not.toContain(secret);
    }
  });

  it('refuses more tokens than the bound', () => {
    const lines = Array.from({ length: TOKEN_FILE_LIMITS.tokens + 1 }, (_, i) =>
      line({ token: `sha256:${sha(String(i))}`, name: `t${i}`, role: 'read' }),
    );
    expect(() => parseTokenFile(lines.join('\n'), 'f')).toThrow(`f:${TOKEN_FILE_LIMITS.tokens + 1}: `);
    expect(parseTokenFile(lines.slice(1).join('\n'), 'f').size()).toBe(TOKEN_FILE_LIMITS.tokens);
  });
});

describe('loadTokenFile', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads a file, and refuses one past the size bound or missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bcs-tokens-'));
    const path = join(dir, 'tokens.jsonl');
    await writeFile(path, FILE);
    expect((await loadTokenFile(path)).size()).toBe(3);
    await writeFile(path, `${FILE}\n${'#'.repeat(TOKEN_FILE_LIMITS.bytes)}`);
    await expect(loadTokenFile(path)).rejects.toBeInstanceOf(TokenFileError);
    await expect(loadTokenFile(join(dir, 'missing'))).rejects.toBeInstanceOf(TokenFileError);
  });

  it('replaces the tokens of a table in one step (SIGHUP reload)', async () => {
    const table = parseTokenFile(FILE, 'a');
    table.replace(
      parseTokenFile(line({ token: 'fresh-secret-0123456789', name: 'fresh', role: 'read' }), 'b'),
    );
    expect(table.size()).toBe(1);
    expect(table.authenticate('reader-secret-0123456789')).toBeUndefined();
    expect(table.authenticate('fresh-secret-0123456789')).toEqual({ name: 'fresh', role: 'read' });
  });
});
