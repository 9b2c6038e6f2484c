import { createHash, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';
import { type Authenticate, isValidName, type Principal, ROLES, type Role } from '@bcs/core';

/** Bounds of a tokens file (`--auth-tokens`). */
export const TOKEN_FILE_LIMITS = {
  /** Bytes of the file. */
  bytes: 4 * 1024 * 1024,
  /** Tokens in it. */
  tokens: 10_000,
  /** Characters of a token given in clear (at least 16: a guessable token is refused). */
  tokenLength: { min: 16, max: 4096 },
  /** Characters of a token's name. */
  nameLength: 64,
  /** Namespaces of one token. */
  namespaces: 1000,
} as const;

/** A tokens file line that breaks a rule; the message names the file and line (never the token). */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

/** One token of the file, already hashed. */
export interface TokenEntry extends Principal {
  /** SHA-256 of the token's UTF-8 bytes. */
  readonly sha256: Buffer;
}

/** The tokens the server accepts. Holds SHA-256 hashes only, never a token. */
export interface TokenTable {
  /** The principal of a presented token, or `undefined`; compares hashes in constant time. */
  readonly authenticate: Authenticate;
  /** How many tokens it holds. */
  size(): number;
  /** Takes the entries of another table (a reloaded file) in one step. */
  replace(next: TokenTable): void;
  /** The entries (for `replace`). */
  entries(): readonly TokenEntry[];
}

const FIELDS = new Set(['token', 'name', 'role', 'namespaces']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;
const SHA256_FORM = /^sha256:([0-9a-fA-F]{64})$/;
/** A token goes in an HTTP header and a URL: visible ASCII, no space. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/**
 * Reads a tokens file: JSON Lines, one object per line,
 * `{"token": "...", "name": "ci", "role": "read" | "write" | "admin", "namespaces": ["team-a"]}`;
 * blank lines and lines starting with `#` are skipped. `token` is the secret itself (16 to 4096 visible ASCII
 * characters) or `sha256:<64 hex digits>`, the SHA-256 of it (`printf %s TOKEN | sha256sum`), so the file need
 * not hold the secret. `namespaces` (optional, at most 1000 names) limits the token to those namespaces.
 * Names and tokens must be unique. At most 4 MiB and 10 000 tokens. Throws a {@link TokenFileError} naming
 * `source` and the line of the first problem.
 */
export function parseTokenFile(text: string, source: string): TokenTable {
  if (Buffer.byteLength(text) > TOKEN_FILE_LIMITS.bytes) {
    throw new TokenFileError(`${source}: larger than ${TOKEN_FILE_LIMITS.bytes} bytes`);
  }
  const entries: TokenEntry[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${source}:${index + 1}`;
    const fail = (rule: string): never => {
      throw new TokenFileError(`${where}: ${rule}`);
    };
    if (entries.length >= TOKEN_FILE_LIMITS.tokens) fail(`more than ${TOKEN_FILE_LIMITS.tokens} tokens`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // JSON.parse's message may quote the line, token included: say only that it is not JSON.
      fail('not a JSON object (one per line: {"token", "name", "role", "namespaces"?})');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      fail('not a JSON object (one per line: {"token", "name", "role", "namespaces"?})');
    }
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !FIELDS.has(key));
    if (unknown.length > 0) fail(`unknown field ${JSON.stringify(unknown[0]!.slice(0, 32))}`);
    const { token, name, role, namespaces } = record;
    if (typeof name !== 'string' || name.length > TOKEN_FILE_LIMITS.nameLength || !NAME.test(name)) {
      fail(
        `name must be 1 to ${TOKEN_FILE_LIMITS.nameLength} letters, digits and . _ @ : - (starting with a letter or digit)`,
      );
    }
    if (names.has(name as string)) fail(`name ${JSON.stringify(name)} is used by another token`);
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      fail(`role must be one of ${ROLES.join(', ')}`);
    }
    const sha256 = hashOf(token, fail);
    const hex = sha256.toString('hex');
    if (hashes.has(hex)) fail("the token is the same as another line's");
    let limited: string[] | undefined;
    if (namespaces !== undefined) {
      if (
        !Array.isArray(namespaces) ||
        namespaces.length > TOKEN_FILE_LIMITS.namespaces ||
        !namespaces.every((ns) => typeof ns === 'string' && isValidName(ns))
      ) {
        fail(
          `namespaces must be a list of at most ${TOKEN_FILE_LIMITS.namespaces} namespace names (1–63 letters, digits and "-")`,
        );
      }
      limited = [...new Set(namespaces as string[])];
    }
    names.add(name as string);
    hashes.add(hex);
    entries.push({
      name: name as string,
      role: role as Role,
      sha256,
      ...(limited === undefined ? {} : { namespaces: limited }),
    });
  }
  return createTokenTable(entries);
}

/** Reads and parses the tokens file at `path` (see {@link parseTokenFile}); reads at most its bound. */
export async function loadTokenFile(path: string): Promise<TokenTable> {
  let text: string;
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new TokenFileError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  try {
    const buffer = Buffer.alloc(TOKEN_FILE_LIMITS.bytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > TOKEN_FILE_LIMITS.bytes) {
      throw new TokenFileError(`${path}: larger than ${TOKEN_FILE_LIMITS.bytes} bytes`);
    }
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  return parseTokenFile(text, path);
}

/**
 * A table over hashed entries. Lookup: SHA-256 of the presented token, found by its hex form, then confirmed
 * with `crypto.timingSafeEqual` on the two hashes. Timing can at most tell an attacker about the hash of a
 * guess, which says nothing usable about a token (finding a token from its hash is a preimage attack).
 */
export function createTokenTable(initial: readonly TokenEntry[]): TokenTable {
  let byHash = index(initial);
  let list = initial;
  const table: TokenTable = {
    authenticate(token) {
      if (typeof token !== 'string' || token.length > TOKEN_FILE_LIMITS.tokenLength.max) return undefined;
      const presented = createHash('sha256').update(token, 'utf8').digest();
      const entry = byHash.get(presented.toString('hex'));
      if (entry === undefined || !timingSafeEqual(entry.sha256, presented)) return undefined;
      return entry.principal;
    },
    size: () => list.length,
    entries: () => list,
    replace(next) {
      list = next.entries();
      byHash = index(list);
    },
  };
  return table;
}

function index(entries: readonly TokenEntry[]): Map<string, { sha256: Buffer; principal: Principal }> {
  return new Map(
    entries.map((entry) => [
      entry.sha256.toString('hex'),
      {
        sha256: entry.sha256,
        principal: Object.freeze({
          name: entry.name,
          role: entry.role,
          ...(entry.namespaces === undefined ? {} : { namespaces: Object.freeze([...entry.namespaces]) }),
        }),
      },
    ]),
  );
}

/** The SHA-256 of a line's `token`: the given `sha256:` hash, or the hash of the token in clear. */
function hashOf(token: unknown, fail: (rule: string) => never): Buffer {
  const { min, max } = TOKEN_FILE_LIMITS.tokenLength;
  if (typeof token !== 'string') return fail('token must be a string');
  const given = SHA256_FORM.exec(token);
  if (given !== null) return Buffer.from(given[1]!.toLowerCase(), 'hex');
  if (token.startsWith('sha256:')) return fail('token: sha256: must be followed by 64 hex digits');
  if (token.length < min || token.length > max || !TOKEN_CHARS.test(token)) {
    return fail(
      `token must be ${min} to ${max} visible ASCII characters (no spaces), or sha256:<64 hex digits>`,
    );
  }
  return createHash('sha256').update(token, 'utf8').digest();
}
