import protobuf from 'protobufjs';

/**
 * A strict walk of a JSON value against a reflected proto2 message type, with the proto3 JSON mapping's value
 * rules (https://protobuf.dev/programming-guides/json/). Returns the first problem as `<json path>: <rule>`,
 * e.g. `accept.operations[0].launch_group.task_group.tasks[0].foo: unknown field`; `undefined` = valid.
 *
 * - Every key is a field: its proto name (`framework_id`) or its lowerCamelCase JSON name (`frameworkId`), not
 *   both; with `protoNamesOnly`, the proto name only (a Mesos master reads nothing else and ignores other keys,
 *   spec/mesos-v1.md §2). `null` counts as unset (proto3 JSON).
 * - Every `required` field is set.
 * - Scalars: int32/uint32 and int64/uint64 as an integer number or a decimal string, in range; double/float as
 *   a finite number or `"NaN"`, `"Infinity"`, `"-Infinity"`; bool as `true`/`false`; string; bytes as standard
 *   base64, padding optional (Mesos decodes the `+/` alphabet only, spec/mesos-v1.md §2; proto3 JSON would also
 *   take URL-safe, which would let a UUID's text, `cabb8a7b-e47d-…`, pass as bytes).
 * - Enums by value name, or by a number the enum defines.
 * - Repeated fields as arrays (no `null` elements), maps as objects, messages as objects, recursively.
 */
export function checkMessage(
  type: protobuf.Type,
  value: unknown,
  path = '',
  options: CheckOptions = {},
): string | undefined {
  const problem = walkMessage(type, value, options.protoNamesOnly === true);
  if (problem === undefined) return undefined;
  const at = prefix(path, problem.path);
  return `${at === '' ? '(root)' : at}: ${problem.rule}`;
}

/** Options of {@link checkMessage}. */
export interface CheckOptions {
  /** Accept only proto field names (`framework_id`), not the JSON names (`frameworkId`). Default false. */
  readonly protoNamesOnly?: boolean;
}

/** The value of `field` in a JSON object, under its proto name or its JSON name. */
export function fieldValue(object: Record<string, unknown>, field: protobuf.Field): unknown {
  return object[field.name] ?? object[jsonName(field)];
}

const jsonNames = new WeakMap<protobuf.Field, string>();

/** The proto3 JSON name: underscores dropped, the character after each one upper-cased (`json_name` wins). */
export function jsonName(field: protobuf.Field): string {
  let name = jsonNames.get(field);
  if (name === undefined) {
    const explicit = field.options?.json_name as string | undefined;
    name = explicit ?? field.name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
    jsonNames.set(field, name);
  }
  return name;
}

// A problem's path is relative to the value being walked, and only built on the way back up from a problem:
// the walk of a valid value allocates no path strings.
interface Problem {
  /** `''` for the value itself, `a.b[0]` below it. */
  readonly path: string;
  readonly rule: string;
}

const problemAt = (path: string, rule: string): Problem => ({ path, rule });

/** `key` (a field name, or `[i]`) prepended to a problem's path. */
function under(key: string, problem: Problem | undefined): Problem | undefined {
  return problem === undefined ? undefined : { path: prefix(key, problem.path), rule: problem.rule };
}

function prefix(head: string, tail: string): string {
  if (head === '') return tail;
  if (tail === '') return head;
  return tail.startsWith('[') ? `${head}${tail}` : `${head}.${tail}`;
}

/** What the walk needs of a type, built once per type and naming mode. */
interface Shape {
  /** Key → field: proto names, and JSON names unless proto names only. */
  readonly fields: Map<string, protobuf.Field>;
  /** Required fields, with the spellings they may be given under. */
  readonly required: readonly { readonly name: string; readonly keys: readonly string[] }[];
  readonly oneofs: readonly { readonly name: string; readonly members: readonly (readonly string[])[] }[];
}

const shapes = { both: new WeakMap<protobuf.Type, Shape>(), proto: new WeakMap<protobuf.Type, Shape>() };

function shapeOf(type: protobuf.Type, protoOnly: boolean): Shape {
  const cache = protoOnly ? shapes.proto : shapes.both;
  let shape = cache.get(type);
  if (shape === undefined) {
    const keysOf = (field: protobuf.Field) => (protoOnly ? [field.name] : [field.name, jsonName(field)]);
    const fields = new Map<string, protobuf.Field>();
    for (const field of type.fieldsArray) for (const key of keysOf(field)) fields.set(key, field);
    shape = {
      fields,
      required: type.fieldsArray.filter((f) => f.required).map((f) => ({ name: f.name, keys: keysOf(f) })),
      oneofs: type.oneofsArray.map((o) => ({ name: o.name, members: o.fieldsArray.map(keysOf) })),
    };
    cache.set(type, shape);
  }
  return shape;
}

const isSet = (object: Record<string, unknown>, keys: readonly string[]) =>
  keys.some((key) => object[key] !== undefined && object[key] !== null);

function walkMessage(type: protobuf.Type, value: unknown, protoOnly: boolean): Problem | undefined {
  if (!isObject(value)) return problemAt('', `expected a JSON object (${type.name}), got ${kind(value)}`);
  const shape = shapeOf(type, protoOnly);
  // Two keys can name one field only when JSON names are accepted.
  const seen = protoOnly ? undefined : new Map<string, string>();
  for (const key of Object.keys(value)) {
    const child = value[key];
    // An undefined value never reaches the wire (JSON.stringify drops the key).
    if (child === undefined) continue;
    const field = shape.fields.get(key);
    if (field === undefined) return problemAt(key, 'unknown field');
    if (seen !== undefined) {
      const earlier = seen.get(field.name);
      if (earlier !== undefined) return problemAt(key, `field given twice (also as ${earlier})`);
      seen.set(field.name, key);
    }
    if (child === null) continue;
    const problem = walkField(field, child, protoOnly);
    if (problem !== undefined) return under(key, problem);
  }
  for (const { name, keys } of shape.required)
    if (!isSet(value, keys)) return problemAt(name, `missing required field (${type.name})`);
  for (const oneof of shape.oneofs) {
    const set = oneof.members.filter((keys) => isSet(value, keys));
    if (set.length > 1) return problemAt(set[1]![0]!, `oneof ${oneof.name} already set by ${set[0]![0]}`);
  }
  return undefined;
}

function walkField(field: protobuf.Field, value: unknown, protoOnly: boolean): Problem | undefined {
  if (field instanceof protobuf.MapField) return walkMap(field, value, protoOnly);
  if (!field.repeated) return walkSingle(field, value, protoOnly);
  if (!Array.isArray(value))
    return problemAt('', `expected an array (repeated ${field.type}), got ${kind(value)}`);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const problem =
      item === null || item === undefined
        ? problemAt('', 'null element in a repeated field')
        : walkSingle(field, item, protoOnly);
    if (problem !== undefined) return under(`[${i}]`, problem);
  }
  return undefined;
}

function walkMap(field: protobuf.MapField, value: unknown, protoOnly: boolean): Problem | undefined {
  if (!isObject(value)) return problemAt('', `expected an object (map<${field.keyType}, ${field.type}>)`);
  for (const key of Object.keys(value)) {
    const keyProblem = field.keyType === 'string' ? undefined : checkScalar(field.keyType, key, true);
    if (keyProblem !== undefined) return problemAt(key, `bad map key: ${keyProblem}`);
    const problem = walkSingle(field, value[key], protoOnly);
    if (problem !== undefined) return under(key, problem);
  }
  return undefined;
}

function walkSingle(field: protobuf.FieldBase, value: unknown, protoOnly: boolean): Problem | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return walkMessage(resolved, value, protoOnly);
  const rule =
    resolved instanceof protobuf.Enum ? checkEnum(resolved, value) : checkScalar(field.type, value, false);
  return rule === undefined ? undefined : problemAt('', rule);
}

function checkEnum(type: protobuf.Enum, value: unknown): string | undefined {
  if (typeof value === 'string')
    return Object.hasOwn(type.values, value)
      ? undefined
      : `${JSON.stringify(value)} is not a value of enum ${type.name}`;
  if (typeof value === 'number')
    return Object.hasOwn(type.valuesById, value)
      ? undefined
      : `${value} is not a number of enum ${type.name}`;
  return `expected an enum name (${type.name}), got ${kind(value)}`;
}

const INTEGER_RANGES: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const FLOAT_WORDS = new Set(['NaN', 'Infinity', '-Infinity']);
// The standard alphabet; `=` padding optional, but if present the length is a multiple of 4.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A scalar's JSON form (`mapKey`: a map key, always a string, e.g. `"true"` for bool). */
function checkScalar(type: string, value: unknown, mapKey: boolean): string | undefined {
  const range = INTEGER_RANGES[type];
  if (range !== undefined) return checkInteger(type, range, value);
  switch (type) {
    case 'double':
    case 'float':
      if (typeof value === 'number' ? Number.isFinite(value) : FLOAT_WORDS.has(value as string))
        return undefined;
      return `expected a ${type} number, got ${kind(value)}`;
    case 'bool':
      if (mapKey ? value === 'true' || value === 'false' : typeof value === 'boolean') return undefined;
      return `expected a bool, got ${kind(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${kind(value)}`;
    case 'bytes':
      return isBase64(value) ? undefined : `expected base64 bytes, got ${kind(value)}`;
    default:
      return `unsupported scalar type ${type}`;
  }
}

function checkInteger(type: string, [min, max]: readonly [bigint, bigint], value: unknown) {
  // Safe integers compare as numbers (every bound is ≥ 2^31 in magnitude, so only 64-bit ones need BigInt).
  if (Number.isSafeInteger(value) && Math.abs(value as number) < 2 ** 31)
    return (value as number) < 0 && min === 0n ? `${String(value)} is out of range for ${type}` : undefined;
  let n: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = BigInt(value);
  else return `expected an ${type} (integer number or decimal string), got ${kind(value)}`;
  return n < min || n > max ? `${String(value)} is out of range for ${type}` : undefined;
}

function isBase64(value: unknown): boolean {
  if (typeof value !== 'string' || !BASE64.test(value)) return false;
  const unpadded = value.replace(/=+$/, '');
  if (unpadded.length !== value.length && value.length % 4 !== 0) return false;
  return unpadded.length % 4 !== 1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
