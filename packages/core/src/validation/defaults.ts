import { Kind, type TSchema } from '@sinclair/typebox';
import { isPlainObject } from './canonical-keys.js';

/**
 * Fills in schema `default`s for properties that are absent (`undefined`), walking objects, arrays and the
 * values of records. Unlike TypeBox's `Value.Default` it never merges a default into a value that is present
 * (which turned `["x"]` into `{"0":"x"}` against an object default) and it reaches record values (configmap
 * `datas` items get `type: "file"`). Defaults are copied, never shared. Returns a new value.
 *
 * Example: with `{ type: { default: 'file' }, content }`, `{ content: 'x' }` becomes `{ content: 'x', type: 'file' }`.
 */
export function applyDefaults(schema: TSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = (schema as { items?: TSchema }).items;
    return items === undefined || Array.isArray(items)
      ? value
      : value.map((item) => applyDefaults(items, item));
  }
  if (!isPlainObject(value)) return value;
  if (schema[Kind] === 'Record') {
    const itemSchema = Object.values(
      (schema as { patternProperties?: Record<string, TSchema> }).patternProperties ?? {},
    )[0];
    if (itemSchema === undefined) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applyDefaults(itemSchema, v)]));
  }
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (properties === undefined) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [name, propertySchema] of Object.entries(properties)) {
    if (out[name] === undefined) {
      if ('default' in propertySchema) out[name] = structuredClone(propertySchema.default);
      else continue;
    }
    out[name] = applyDefaults(propertySchema, out[name]);
  }
  return out;
}
