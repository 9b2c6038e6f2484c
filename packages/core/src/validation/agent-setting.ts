import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ErrorCode, type Issue, ValidationError } from '../errors.js';
import { isPlainObject } from './canonical-keys.js';
import { InnerIp, isIpv4 } from './rules.js';
import { createValidator } from './validate.js';

/** Attribute and taint names: letters, digits, `-`, `_` and `.`, 1–63 characters (`attr3`, `district`). */
export const ATTRIBUTE_NAME_PATTERN = '^[A-Za-z0-9._-]{1,63}$';
const ATTRIBUTE_NAME_RULE = 'must be 1-63 letters, digits, "-", "_" or "."';

const AttributeName = () =>
  Type.String({ pattern: ATTRIBUTE_NAME_PATTERN, errorMessage: ATTRIBUTE_NAME_RULE });

// `additionalProperties: false` makes TypeBox check record keys against the key pattern: without it a
// pattern-keyed record accepts any key. The rule covers both failures TypeBox reports on the map itself: a
// value that is not an object (path `strings`) and a bad key (path `strings.<key>`).
// Left-out maps are filled in by `toAgentSetting`, which also serves settings created implicitly.
const AttributeMap = <T extends TSchema>(value: T) =>
  Type.Record(Type.String({ pattern: ATTRIBUTE_NAME_PATTERN }), value, {
    additionalProperties: false,
    errorMessage: `must be an object keyed by 1-63 letters, digits, "-", "_" or "."`,
  });

const TextValueSchema = Type.Object({ value: Type.String() });
const ScalarValueSchema = Type.Object({ value: Type.Number() });
/** Taints: key → value (see {@link AttributeMap} on defaults). */
const TaintMap = () =>
  Type.Record(
    Type.String({ pattern: ATTRIBUTE_NAME_PATTERN }),
    Type.String({ errorMessage: 'must be a string' }),
    {
      additionalProperties: false,
      errorMessage: `must be an object of strings keyed by 1-63 letters, digits, "-", "_" or "."`,
    },
  );

/**
 * One entry of `POST /agentsettings` (the document's `[]BcsClusterAgentSetting`). `disabled` defaults to
 * false; left-out maps stay left out here and become `{}` when stored (`toAgentSetting`), as the entry
 * replaces the stored setting entirely.
 */
export const AgentSettingSchema = Type.Object({
  innerIP: InnerIp(),
  disabled: Type.Boolean({ default: false }),
  strings: Type.Optional(AttributeMap(TextValueSchema)),
  scalars: Type.Optional(AttributeMap(ScalarValueSchema)),
  noSchedule: Type.Optional(TaintMap()),
});

export type AgentSettingDefinition = Static<typeof AgentSettingSchema>;

/** One entry of `PUT /agentsettings/taint`: `noSchedule` replaces the IP's taints (`{}` clears them). */
export const AgentTaintSchema = Type.Object({ innerIP: InnerIp(), noSchedule: TaintMap() });

export type AgentTaintDefinition = Static<typeof AgentTaintSchema>;

/**
 * The `valuetype` codes of `POST /agentsettings/update` (bcs-common `MesosValue_Type`). Only scalar and text
 * attributes can be set through the API; ranges and sets are refused.
 */
export const AgentValueType = { Scalar: 101, Ranges: 102, Text: 103, Set: 104 } as const;

/** `POST /agentsettings/update`, the document's `BcsClusterAgentSettingUpdate`. Duplicate IPs are allowed. */
export const AgentSettingUpdateSchema = Type.Object({
  ips: Type.Array(InnerIp(), { minItems: 1 }),
  name: AttributeName(),
  valuetype: Type.Union([Type.Literal(AgentValueType.Scalar), Type.Literal(AgentValueType.Text)], {
    errorMessage: 'must be 101 (scalar) or 103 (text); ranges (102) and sets (104) are not supported',
  }),
  text: Type.Optional(TextValueSchema),
  scalar: Type.Optional(ScalarValueSchema),
});

export type AgentSettingUpdateDefinition = Static<typeof AgentSettingUpdateSchema>;

const settingValidator = createValidator('agentsetting', AgentSettingSchema);
const taintValidator = createValidator('agentsetting', AgentTaintSchema);
const updateValidator = createValidator('agentsetting', AgentSettingUpdateSchema);

/**
 * Validates the body of `POST /agentsettings`: a non-empty array of settings with distinct IPs. Issue paths carry the
 * entry index: `[1].innerIP: must be an IPv4 address`, `[2].innerIP: must be unique in the request`.
 */
export function parseAgentSettings(body: unknown): AgentSettingDefinition[] {
  return parseEntries(body, settingValidator);
}

/** Validates the body of `PUT /agentsettings/taint` the same way: `[{innerIP, noSchedule}, …]`, distinct IPs. */
export function parseAgentTaints(body: unknown): AgentTaintDefinition[] {
  return parseEntries(body, taintValidator);
}

/**
 * Validates the body of `POST /agentsettings/update`. Key case is free (`valueType` works). `text` is
 * required for valuetype 103 and `scalar` for 101; the other one is ignored. IPs are returned de-duplicated,
 * in order.
 */
export function parseAgentSettingUpdate(body: unknown): AgentSettingUpdateDefinition {
  const definition = updateValidator.parse(body);
  const issues: Issue[] = [];
  if (definition.valuetype === AgentValueType.Text && definition.text === undefined) {
    issues.push({ path: 'text', rule: 'is required when valuetype is 103 (text)' });
  }
  if (definition.valuetype === AgentValueType.Scalar && definition.scalar === undefined) {
    issues.push({ path: 'scalar', rule: 'is required when valuetype is 101 (scalar)' });
  }
  if (issues.length > 0) throw new ValidationError('agentsetting', issues);
  return { ...definition, ips: [...new Set(definition.ips)] };
}

/**
 * Parses the `ips` query parameter: comma-separated IPv4 addresses. Splits on commas, trims, drops empty
 * parts and duplicates (first occurrence wins). Throws `ValidationError` code `BadParams` naming `ips[i]`
 * (the index among the non-empty parts) for a part that is not IPv4, or `ips: is required` when `required`
 * and nothing is left.
 *
 * Examples: `" 10.0.0.1, ,10.0.0.2,10.0.0.1"` → `['10.0.0.1', '10.0.0.2']`; `undefined` → `[]` (or the
 * `is required` error); `"10.0.0.1,host-a"` → `ips[1]: must be an IPv4 address`.
 */
export function parseIpList(raw: string | undefined, options: { required: boolean }): string[] {
  const parts = (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return checkIpList(parts, options);
}

/**
 * Checks an already split IP list, as a service receives it: every entry IPv4, and at least one when
 * `required`. Returns the list de-duplicated, first occurrence first. Throws like {@link parseIpList}.
 */
export function checkIpList(ips: readonly string[], options: { required: boolean }): string[] {
  const issues: Issue[] = [];
  ips.forEach((ip, index) => {
    if (!isIpv4(ip)) issues.push({ path: `ips[${index}]`, rule: 'must be an IPv4 address' });
  });
  if (options.required && ips.length === 0) issues.push({ path: 'ips', rule: 'is required' });
  if (issues.length > 0) throw new ValidationError('ips', issues, ErrorCode.BadParams);
  return [...new Set(ips)];
}

/**
 * Validates every entry of an array body (at least one), prefixing issue paths with the entry index
 * (`[1].innerIP`), then checks that the IPs are distinct. Reports the issues of all entries at once.
 */
function parseEntries<T extends { innerIP: string }>(body: unknown, validator: EntryValidator<T>): T[] {
  if (!Array.isArray(body))
    throw new ValidationError('agentsetting', [{ path: '', rule: 'body must be a JSON array' }]);
  // An empty list would answer 200 and change nothing: a client bug, not a request (issue 9 §0).
  if (body.length === 0)
    throw new ValidationError('agentsetting', [{ path: '', rule: 'must list at least one agent setting' }]);
  const issues: Issue[] = [];
  const entries: T[] = [];
  const firstIndexOf = new Map<string, number>();
  body.forEach((item: unknown, index) => {
    if (!isPlainObject(item)) {
      issues.push({ path: `[${index}]`, rule: 'must be an object' });
      return;
    }
    const itemIssues = validator.issues(item);
    if (itemIssues.length > 0) {
      issues.push(...itemIssues.map((issue) => ({ path: prefixPath(index, issue.path), rule: issue.rule })));
      return;
    }
    const entry = validator.parse(item);
    if (firstIndexOf.has(entry.innerIP)) {
      issues.push({
        path: `[${index}].innerIP`,
        rule: `must be unique in the request (also at [${firstIndexOf.get(entry.innerIP)}])`,
      });
    } else {
      firstIndexOf.set(entry.innerIP, index);
    }
    entries.push(entry);
  });
  if (issues.length > 0) throw new ValidationError('agentsetting', issues);
  return entries;
}

/** The part of a compiled validator that {@link parseEntries} uses. */
interface EntryValidator<T> {
  issues(input: unknown): Issue[];
  parse(input: unknown): T;
}

function prefixPath(index: number, path: string): string {
  if (path === '') return `[${index}]`;
  return path.startsWith('[') ? `[${index}]${path}` : `[${index}].${path}`;
}
