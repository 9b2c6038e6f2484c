/**
 * RFC 6902 JSON Patch on JSON values, with bounds, for mutating admission webhooks. Pure: the document is
 * copied first and the copy patched, so a patch applies whole or not at all.
 *
 * Bounds ({@link JSON_PATCH_LIMITS}): at most 1,000 operations; a JSON Pointer of at most 32 tokens and
 * 1,024 characters; values at most 64 levels deep; and all the values the patch adds (by add, replace and
 * copy) at most 1 MiB of JSON in total, so a chain of copies cannot double a document a thousand times.
 * The tokens `__proto__`, `constructor` and `prototype` are refused anywhere in a pointer, so a patch can
 * never reach an object's prototype; objects are written with own data properties only.
 */

/** The bounds of {@link applyJsonPatch}. */
export const JSON_PATCH_LIMITS = {
  maxOperations: 1000,
  maxPointerTokens: 32,
  maxPointerLength: 1024,
  maxValueDepth: 64,
  /** JSON characters of every value added by add, replace and copy, summed. */
  maxAddedBytes: 1024 * 1024,
} as const;

/** One operation, as parsed from JSON (fields checked by {@link applyJsonPatch}). */
export interface JsonPatchOperation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** A patch that cannot be applied: `index` is the operation (-1 for the patch as a whole), `rule` why. */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
  constructor(
    readonly index: number,
    readonly rule: string,
  ) {
    super(index < 0 ? `patch: ${rule}` : `patch operation ${index}: ${rule}`);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

const FORBIDDEN_TOKENS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies `patch` (an array of RFC 6902 operations) to a copy of `document` and returns the copy. Throws
 * {@link JsonPatchError} on a malformed patch, a path that does not exist, a failed `test`, or a bound.
 *
 * Worked example: `{"a":1}` with `[{"op":"add","path":"/b","value":[1]},{"op":"copy","from":"/b","path":"/b/-"}]`
 * → `{"a":1,"b":[1,[1]]}`.
 */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError(-1, 'must be an array of operations');
  if (patch.length > JSON_PATCH_LIMITS.maxOperations) {
    throw new JsonPatchError(-1, `must have at most ${JSON_PATCH_LIMITS.maxOperations} operations`);
  }
  const budget = { left: JSON_PATCH_LIMITS.maxAddedBytes };
  // The whole document is a value too: copied through JSON so only plain data remains.
  let root = cloneJson(document as Json, -1, { left: Number.POSITIVE_INFINITY });
  patch.forEach((raw, index) => {
    root = applyOperation(root, parseOperation(raw, index), index, budget);
  });
  return root;
}

function parseOperation(raw: unknown, index: number): JsonPatchOperation & { tokens: string[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new JsonPatchError(index, 'must be an object');
  }
  const op = raw as Record<string, unknown>;
  if (typeof op.op !== 'string') throw new JsonPatchError(index, 'op must be a string');
  if (typeof op.path !== 'string') throw new JsonPatchError(index, 'path must be a string');
  const parsed = { op: op.op, path: op.path, tokens: parsePointer(op.path, index, 'path') };
  if (op.op === 'move' || op.op === 'copy') {
    if (typeof op.from !== 'string') throw new JsonPatchError(index, 'from must be a string');
    return { ...parsed, from: op.from };
  }
  if (op.op === 'add' || op.op === 'replace' || op.op === 'test') {
    if (!Object.hasOwn(op, 'value')) throw new JsonPatchError(index, 'value is required');
    return { ...parsed, value: op.value };
  }
  if (op.op === 'remove') return parsed;
  throw new JsonPatchError(index, 'op must be add, remove, replace, move, copy or test');
}

/** RFC 6901: `""` is the whole document; `/a~1b/~0c` is `["a/b", "~c"]`. */
export function parsePointer(pointer: string, index: number, field: string): string[] {
  if (pointer === '') return [];
  if (pointer.length > JSON_PATCH_LIMITS.maxPointerLength) {
    throw new JsonPatchError(
      index,
      `${field} must be at most ${JSON_PATCH_LIMITS.maxPointerLength} characters`,
    );
  }
  if (!pointer.startsWith('/')) throw new JsonPatchError(index, `${field} must be "" or start with "/"`);
  const tokens = pointer.slice(1).split('/');
  if (tokens.length > JSON_PATCH_LIMITS.maxPointerTokens) {
    throw new JsonPatchError(
      index,
      `${field} must have at most ${JSON_PATCH_LIMITS.maxPointerTokens} tokens`,
    );
  }
  return tokens.map((token) => {
    if (/~[^01]|~$/.test(token)) throw new JsonPatchError(index, `${field} has an invalid ~ escape`);
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (FORBIDDEN_TOKENS.has(key)) throw new JsonPatchError(index, `${field} must not name "${key}"`);
    return key;
  });
}

function applyOperation(
  root: Json,
  op: JsonPatchOperation & { tokens: string[] },
  index: number,
  budget: { left: number },
): Json {
  switch (op.op) {
    case 'add':
      return add(root, op.tokens, cloneJson(op.value as Json, index, budget), index);
    case 'remove':
      return remove(root, op.tokens, index).root;
    case 'replace': {
      const value = cloneJson(op.value as Json, index, budget);
      return add(remove(root, op.tokens, index).root, op.tokens, value, index);
    }
    case 'move': {
      const from = parsePointer(op.from as string, index, 'from');
      if (isProperPrefix(from, op.tokens))
        throw new JsonPatchError(index, 'from must not be a parent of path');
      const removed = remove(root, from, index);
      return add(removed.root, op.tokens, removed.value, index);
    }
    case 'copy': {
      const from = parsePointer(op.from as string, index, 'from');
      return add(root, op.tokens, cloneJson(get(root, from, index), index, budget), index);
    }
    default: {
      // test
      if (!jsonEqual(get(root, op.tokens, index), op.value as Json)) {
        throw new JsonPatchError(index, 'test failed: the value differs');
      }
      return root;
    }
  }
}

function get(root: Json, tokens: readonly string[], index: number): Json {
  let node = root;
  for (const token of tokens) node = child(node, token, index);
  return node;
}

function child(node: Json, token: string, index: number): Json {
  if (Array.isArray(node)) {
    const i = arrayIndex(token, node.length - 1, index);
    return node[i] as Json;
  }
  if (node !== null && typeof node === 'object' && Object.hasOwn(node, token)) return node[token] as Json;
  throw new JsonPatchError(index, `path does not exist at "${token}"`);
}

function parentOf(root: Json, tokens: readonly string[], index: number): Container {
  const parent = get(root, tokens.slice(0, -1), index);
  if (parent === null || typeof parent !== 'object') {
    throw new JsonPatchError(index, 'path does not exist: its parent is not an object or array');
  }
  return parent;
}

function add(root: Json, tokens: readonly string[], value: Json, index: number): Json {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens, index);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last, parent.length, index);
    parent.splice(i, 0, value);
  } else {
    Object.defineProperty(parent, last, { value, writable: true, enumerable: true, configurable: true });
  }
  return root;
}

function remove(root: Json, tokens: readonly string[], index: number): { root: Json; value: Json } {
  if (tokens.length === 0) return { root: null, value: root };
  const parent = parentOf(root, tokens, index);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length - 1, index);
    const [value] = parent.splice(i, 1);
    return { root, value: value as Json };
  }
  if (!Object.hasOwn(parent, last)) throw new JsonPatchError(index, `path does not exist at "${last}"`);
  const value = parent[last] as Json;
  delete parent[last];
  return { root, value };
}

/** An array index token: digits without a leading zero, at most `max`. */
function arrayIndex(token: string, max: number, index: number): number {
  if (!/^(0|[1-9]\d{0,8})$/.test(token)) throw new JsonPatchError(index, `"${token}" is not an array index`);
  const i = Number(token);
  if (i > max) throw new JsonPatchError(index, `array index ${i} is out of range`);
  return i;
}

function isProperPrefix(prefix: readonly string[], tokens: readonly string[]): boolean {
  return prefix.length < tokens.length && prefix.every((token, i) => tokens[i] === token);
}

/**
 * A deep copy of a JSON value with only own enumerable data, charging its JSON size to `budget` and refusing
 * values deeper than the bound or not JSON (functions, undefined, non-finite numbers).
 */
function cloneJson(value: Json, index: number, budget: { left: number }, depth = 0): Json {
  if (depth > JSON_PATCH_LIMITS.maxValueDepth) {
    throw new JsonPatchError(index, `value must be at most ${JSON_PATCH_LIMITS.maxValueDepth} levels deep`);
  }
  const charge = (bytes: number) => {
    budget.left -= bytes;
    if (budget.left < 0) {
      throw new JsonPatchError(
        index,
        `the values added must be at most ${JSON_PATCH_LIMITS.maxAddedBytes} bytes of JSON`,
      );
    }
  };
  if (value === null || typeof value === 'boolean') {
    charge(5);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonPatchError(index, 'value must be JSON');
    charge(String(value).length);
    return value;
  }
  if (typeof value === 'string') {
    charge(value.length + 2);
    return value;
  }
  if (Array.isArray(value)) {
    charge(2);
    return value.map((item) => cloneJson(item, index, budget, depth + 1));
  }
  if (typeof value !== 'object') throw new JsonPatchError(index, 'value must be JSON');
  charge(2);
  const copy: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) {
    charge(key.length + 3);
    const item = cloneJson(value[key] as Json, index, budget, depth + 1);
    Object.defineProperty(copy, key, { value: item, writable: true, enumerable: true, configurable: true });
  }
  return copy;
}

/** Deep equality of JSON values (RFC 6902 §4.6): object members in any order, arrays in order. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i] as Json))
    );
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key] as Json, b[key] as Json))
  );
}
