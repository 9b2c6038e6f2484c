/** A JSON value as a client sends it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Overrides for a builder: any subset of `T`, nested objects partial too. Arrays and scalars replace the
 * base value whole; `undefined` deletes the key. Values of any JSON type are allowed, so tests can send
 * wrong types on purpose (`{ spec: { instance: 'two' } }`).
 */
export type DeepPartial<T> = T extends JsonValue[]
  ? JsonValue[]
  : T extends JsonObject
    ? { [K in keyof T]?: DeepPartial<T[K]> | JsonValue | undefined }
    : JsonValue | undefined;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a new deep copy of `base` with `overrides` merged in: plain objects merge key by key, recursively;
 * arrays and scalars replace the base value (arrays are not merged index by index); a key whose override is
 * `undefined` is removed. Neither argument is modified, and the result shares no objects with them.
 *
 * Examples: `deepMerge({ a: { b: 1, c: 2 } }, { a: { c: 3 } })` → `{ a: { b: 1, c: 3 } }`;
 * `deepMerge({ a: [1, 2] }, { a: [3] })` → `{ a: [3] }`; `deepMerge({ a: 1, b: 2 }, { b: undefined })` → `{ a: 1 }`.
 */
export function deepMerge<T extends JsonObject>(base: T, overrides?: DeepPartial<T>): T {
  const out = structuredClone(base) as JsonObject;
  if (overrides === undefined) return out as T;
  mergeInto(out, overrides as Record<string, JsonValue | undefined>);
  return out as T;
}

function mergeInto(target: JsonObject, overrides: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) {
      delete target[key];
    } else if (isObject(value) && isObject(target[key])) {
      mergeInto(target[key], value);
    } else {
      target[key] = structuredClone(value) as JsonValue;
    }
  }
}
