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
  if (!isObject(value)) return `${at(path)}: expected a JSON object (${type.name}), got ${kind(value)}`;
  const fields = fieldIndex(type, options.protoNamesOnly === true);
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const field = fields.get(key);
    if (field === undefined) return `${join(path, key)}: unknown field`;
    const earlier = seen.get(field.name);
    if (earlier !== undefined) return `${join(path, key)}: field given twice (also as ${earlier})`;
    seen.set(field.name, key);
    if (child === null) continue;
    const problem = checkField(field, child, join(path, key), options);
    if (problem !== undefined) return problem;
  }
  for (const field of type.fieldsArray) {
    if (field.required && !isSet(value, field))
      return `${join(path, field.name)}: missing required field (${type.name})`;
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((field) => isSet(value, field));
    if (set.length > 1)
      return `${join(path, set[1]!.name)}: oneof ${oneof.name} already set by ${set[0]!.name}`;
  }
  return undefined;
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

/** The proto3 JSON name: underscores dropped, the character after each one upper-cased (`json_name` wins). */
export function jsonName(field: protobuf.Field): string {
  const explicit = field.options?.json_name as string | undefined;
  return explicit ?? field.name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
}

function isSet(object: Record<string, unknown>, field: protobuf.Field): boolean {
  const value = fieldValue(object, field);
  return value !== undefined && value !== null;
}

const bothNames = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();
const protoNames = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** Key → field for the proto names (and the JSON names unless `protoOnly`), built once per type. */
function fieldIndex(type: protobuf.Type, protoOnly: boolean): Map<string, protobuf.Field> {
  const indexes = protoOnly ? protoNames : bothNames;
  let index = indexes.get(type);
  if (index === undefined) {
    index = new Map();
    for (const field of type.fieldsArray) {
      index.set(field.name, field);
      if (!protoOnly) index.set(jsonName(field), field);
    }
    indexes.set(type, index);
  }
  return index;
}

function checkField(
  field: protobuf.Field,
  value: unknown,
  path: string,
  options: CheckOptions,
): string | undefined {
  if (field instanceof protobuf.MapField) return checkMap(field, value, path, options);
  if (!field.repeated) return checkSingle(field, value, path, options);
  if (!Array.isArray(value)) return `${path}: expected an array (repeated ${field.type}), got ${kind(value)}`;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const problem =
      item === null || item === undefined
        ? `${path}[${i}]: null element in a repeated field`
        : checkSingle(field, item, `${path}[${i}]`, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkMap(
  field: protobuf.MapField,
  value: unknown,
  path: string,
  options: CheckOptions,
): string | undefined {
  if (!isObject(value)) return `${path}: expected an object (map<${field.keyType}, ${field.type}>)`;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = field.keyType === 'string' ? undefined : checkScalar(field.keyType, key, true);
    if (keyProblem !== undefined) return `${path}.${key}: bad map key: ${keyProblem}`;
    const problem = checkSingle(field, item, `${path}.${key}`, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkSingle(
  field: protobuf.FieldBase,
  value: unknown,
  path: string,
  options: CheckOptions,
): string | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, value, path, options);
  if (resolved instanceof protobuf.Enum) return checkEnum(resolved, value, path);
  const problem = checkScalar(field.type, value, false);
  return problem === undefined ? undefined : `${path}: ${problem}`;
}

function checkEnum(type: protobuf.Enum, value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    if (Object.hasOwn(type.values, value)) return undefined;
    return `${path}: ${JSON.stringify(value)} is not a value of enum ${type.name}`;
  }
  if (typeof value === 'number') {
    if (Object.hasOwn(type.valuesById, value)) return undefined;
    return `${path}: ${value} is not a number of enum ${type.name}`;
  }
  return `${path}: expected an enum name (${type.name}), got ${kind(value)}`;
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

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function at(path: string): string {
  return path === '' ? '(root)' : path;
}
