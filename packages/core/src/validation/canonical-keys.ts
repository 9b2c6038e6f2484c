import { Kind, type TSchema } from '@sinclair/typebox';

/**
 * Renames the keys of `value` to the property names of `schema`, matching case-insensitively, as Go's
 * `encoding/json` did (spec/bcs-behaviour.md §0). The API document relies on it: it writes `IntersectionItem`,
 * `MaxRetries` and `networkType` for the fields `intersectionItem`, `maxRetries` and `networktype`.
 *
 * - An exact match wins over a case-folded one: `{ name: 'a', Name: 'b' }` keeps `name: 'a'`.
 * - Keys the schema does not know are kept as they are (unknown keys are ignored by validation, as in Go).
 * - Keys of records (labels, `datas`) are user data and are never renamed; their values are walked.
 * - The input is not modified; a new value is returned.
 *
 * Example: with properties `{ intersectionItem }`, `{ IntersectionItem: [] }` becomes `{ intersectionItem: [] }`.
 */
export function canonicalizeKeys(schema: TSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = (schema as { items?: TSchema }).items;
    return items === undefined || Array.isArray(items)
      ? value.slice()
      : value.map((item) => canonicalizeKeys(items, item));
  }
  if (!isPlainObject(value)) return value;
  if (schema[Kind] === 'Record') return walkRecord(schema, value);
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (properties === undefined) return { ...value };
  return walkObject(properties, value);
}

function walkObject(
  properties: Record<string, TSchema>,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const byLowerCase = new Map<string, string>();
  for (const name of Object.keys(properties)) byLowerCase.set(name.toLowerCase(), name);
  const out: Record<string, unknown> = {};
  const exact = new Set<string>();
  for (const [key, item] of Object.entries(value)) {
    const target = key in properties ? key : (byLowerCase.get(key.toLowerCase()) ?? key);
    if (exact.has(target)) continue;
    if (target === key) exact.add(key);
    const propertySchema = properties[target];
    out[target] = propertySchema === undefined ? item : canonicalizeKeys(propertySchema, item);
  }
  return out;
}

function walkRecord(schema: TSchema, value: Record<string, unknown>): Record<string, unknown> {
  const patterns = (schema as { patternProperties?: Record<string, TSchema> }).patternProperties ?? {};
  const itemSchema = Object.values(patterns)[0];
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = itemSchema === undefined ? item : canonicalizeKeys(itemSchema, item);
  }
  return out;
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
