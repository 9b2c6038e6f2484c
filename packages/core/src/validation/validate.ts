import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import { ErrorCode, type Issue, ValidationError } from '../errors.js';
import { canonicalizeKeys, isPlainObject } from './canonical-keys.js';
import { applyDefaults } from './defaults.js';

/**
 * A compiled validator for one definition shape. `parse` canonicalises key case, applies the schema's
 * defaults, checks every rule, and either returns the typed value or throws one `ValidationError` listing
 * every offending field.
 */
export interface Validator<S extends TSchema> {
  readonly schema: S;
  /** Returns a new, typed value; never modifies `input`. */
  parse(input: unknown): Static<S>;
  /** The issues `parse` would report (empty when valid), without throwing. */
  issues(input: unknown): Issue[];
}

/**
 * Compiles `schema` once. `subject` names the thing in messages: `invalid <subject>: <path>: <rule>; …`.
 * A schema may carry `errorMessage` to state its rule in words; otherwise the rule is derived from the
 * failed keyword (`must be a string`, `is required`, `must be one of: a, b`).
 */
export function createValidator<S extends TSchema>(subject: string, schema: S): Validator<S> {
  const check: TypeCheck<S> = TypeCompiler.Compile(schema);
  const prepare = (input: unknown): unknown => {
    return applyDefaults(schema, canonicalizeKeys(schema, input));
  };
  const issuesOf = (prepared: unknown): Issue[] => {
    if (check.Check(prepared)) return [];
    return collectIssues(check.Errors(prepared));
  };
  return {
    schema,
    parse(input) {
      if (!isPlainObject(input))
        throw new ValidationError(subject, [{ path: '', rule: 'body must be a JSON object' }]);
      const prepared = prepare(input);
      const issues = issuesOf(prepared);
      if (issues.length > 0) throw new ValidationError(subject, issues, ErrorCode.InvalidData);
      return prepared as Static<S>;
    },
    issues(input) {
      if (!isPlainObject(input)) return [{ path: '', rule: 'body must be a JSON object' }];
      return issuesOf(prepare(input));
    },
  };
}

/** Turns TypeBox errors into issues: one per field path (the first, most specific), in document order. */
export function collectIssues(errors: Iterable<ValueError>): Issue[] {
  const byPath = new Map<string, Issue>();
  for (const error of errors) {
    const path = toDottedPath(error.path);
    if (byPath.has(path) || [...byPath.keys()].some((p) => p !== '' && path.startsWith(`${p}.`))) continue;
    byPath.set(path, { path, rule: ruleOf(error) });
  }
  return [...byPath.values()];
}

/** `/spec/ports/0/name` → `spec.ports[0].name`; `/datas/a~1b` → `datas.a/b`. */
export function toDottedPath(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

const BOUND_ERRORS: ReadonlySet<ValueErrorType> = new Set([
  ValueErrorType.ArrayMaxItems,
  ValueErrorType.ObjectMaxProperties,
  ValueErrorType.StringMaxLength,
]);

function ruleOf(error: ValueError): string {
  const schema = error.schema as TSchema & { errorMessage?: string };
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  if (error.value === undefined) return 'is required';
  // A bound on a collection or a string is stated as the bound, whatever the schema's own rule says.
  if (!BOUND_ERRORS.has(error.type) && typeof schema.errorMessage === 'string') return schema.errorMessage;
  switch (error.type) {
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Boolean:
      return 'must be true or false';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify((schema as { const?: unknown }).const)}`;
    case ValueErrorType.Union:
      return unionRule(schema);
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return `must match ${schema.pattern}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be ≥ ${schema.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be ≤ ${schema.maximum}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${schema.exclusiveMinimum}`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${schema.maxItems} items`;
    case ValueErrorType.ObjectMaxProperties:
      return `must have at most ${schema.maxProperties} entries`;
    default:
      return error.message.replace(/^Expected/, 'must be');
  }
}

function unionRule(schema: TSchema): string {
  const members = (schema as { anyOf?: TSchema[] }).anyOf ?? [];
  if (members.length > 0 && members.every((m) => m[Kind] === 'Literal')) {
    return `must be one of: ${members.map((m) => String((m as { const?: unknown }).const)).join(', ')}`;
  }
  return 'does not match any allowed form';
}
