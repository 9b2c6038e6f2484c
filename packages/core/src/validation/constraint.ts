import { type Static, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { patternError } from '../scheduler/feasibility/match.js';
import { DEFINITION_LIMITS } from './limits.js';
import { StringMap } from './rules.js';

/**
 * Placement constraints of an application or deployment (spec/bcs-behaviour.md §3.4). `intersectionItem` is an
 * AND of items; each item's `unionData` is an OR of elements. The API document writes `IntersectionItem`; key
 * case is folded onto these names by the validator.
 */

/** The operators a constraint element may use. `LESS` is ours: the original had none (§15.9). */
export const CONSTRAINT_OPERATORS = [
  'UNIQUE',
  'MAXPER',
  'GROUPBY',
  'CLUSTER',
  'LIKE',
  'UNLIKE',
  'GREATER',
  'LESS',
  'EXCLUDE',
  'TOLERATION',
] as const;

/** One of {@link CONSTRAINT_OPERATORS}. */
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** The value types of a constraint element (BCS's own numbering, not Mesos'): 1 Scalar, 2 Ranges, 3 Text, 4 Set. */
export const ConstraintValueType = { Scalar: 1, Ranges: 2, Text: 3, Set: 4 } as const;

/** One of the {@link ConstraintValueType} numbers. */
export type ConstraintValueType = (typeof ConstraintValueType)[keyof typeof ConstraintValueType];

/**
 * One constraint element. `name` is an offer attribute (`hostname` means the offer's host name); the value
 * field that matters is the one `type` selects. `type` may be left out for `UNIQUE`, which compares the
 * attribute between taskgroups and has no value of its own.
 */
export const ConstraintDataSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  operate: Type.Union(
    CONSTRAINT_OPERATORS.map((op) => Type.Literal(op)),
    { errorMessage: `must be one of: ${CONSTRAINT_OPERATORS.join(', ')}` },
  ),
  type: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 4,
      errorMessage: 'must be 1 (scalar), 2 (ranges), 3 (text) or 4 (set)',
    }),
  ),
  scalar: Type.Optional(Type.Object({ value: Type.Number() })),
  ranges: Type.Optional(
    Type.Array(Type.Object({ begin: Type.Integer(), end: Type.Integer() }), {
      maxItems: DEFINITION_LIMITS.constraintValues,
    }),
  ),
  text: Type.Optional(Type.Object({ value: Type.String() })),
  set: Type.Optional(
    Type.Object({ item: Type.Array(Type.String(), { maxItems: DEFINITION_LIMITS.constraintValues }) }),
  ),
});

/** A constraint element as parsed. */
export type ConstraintData = Static<typeof ConstraintDataSchema>;

/** `constraint` of an application or deployment. `nodeSelector` is accepted and ignored, as in the original. */
export const ConstraintSchema = Type.Object({
  intersectionItem: Type.Optional(
    Type.Array(
      Type.Object({
        unionData: Type.Optional(
          Type.Array(ConstraintDataSchema, { maxItems: DEFINITION_LIMITS.constraintItems }),
        ),
      }),
      { maxItems: DEFINITION_LIMITS.constraintItems },
    ),
  ),
  nodeSelector: Type.Optional(StringMap()),
});

/** A `constraint` block as parsed. */
export type Constraint = Static<typeof ConstraintSchema>;

/**
 * Rules of each operator that the schema cannot express, with paths under `path` (default `constraint`):
 *
 * - any `type` needs its value: 1 `scalar`, 2 non-empty `ranges` with `begin ≤ end`, 3 `text`, 4 `set`
 *   (the original refused null values, §1.2 `CheckConstraints`);
 * - `MAXPER`: type 3, `text.value` a whole number ≥ 1 (`"2"` = at most two per attribute value);
 * - `GROUPBY`: type 4 with at least one item (the groups to spread over);
 * - `CLUSTER`, `LIKE`, `UNLIKE`: type 3 or 4;
 * - `LIKE`, `UNLIKE`: each pattern a glob or an RE2 regular expression (`scheduler/feasibility/match.ts`
 *   `patternError`): `(`, `(?=x)` or `(a)\1` is refused;
 * - `GREATER`, `LESS`: type 1 (compared with a SCALAR attribute);
 * - `EXCLUDE`: type 4, each item `labelKey:labelValue`;
 * - `TOLERATION`: type 3 (`name` = taint key, `text.value` = taint value);
 * - `UNIQUE`: no value needed.
 *
 * Example: `{ name: 'hostname', operate: 'MAXPER', type: 3, text: { value: 'two' } }` at item 0, element 0 →
 * `constraint.intersectionItem[0].unionData[0].text.value: must be a whole number ≥ 1 for MAXPER`.
 */
export function constraintIssues(constraint: Constraint | undefined, path = 'constraint'): Issue[] {
  const issues: Issue[] = [];
  constraint?.intersectionItem?.forEach((item, i) => {
    item.unionData?.forEach((data, j) => {
      issues.push(...elementIssues(data, `${path}.intersectionItem[${i}].unionData[${j}]`));
    });
  });
  return issues;
}

const TYPE_FIELD: Record<ConstraintValueType, 'scalar' | 'ranges' | 'text' | 'set'> = {
  1: 'scalar',
  2: 'ranges',
  3: 'text',
  4: 'set',
};

/** The value types each operator accepts; UNIQUE accepts any (or none). */
const OPERATOR_TYPES: Record<ConstraintOperator, readonly ConstraintValueType[] | undefined> = {
  UNIQUE: undefined,
  MAXPER: [3],
  GROUPBY: [4],
  CLUSTER: [3, 4],
  LIKE: [3, 4],
  UNLIKE: [3, 4],
  GREATER: [1],
  LESS: [1],
  EXCLUDE: [4],
  TOLERATION: [3],
};

function elementIssues(data: ConstraintData, path: string): Issue[] {
  const allowed = OPERATOR_TYPES[data.operate];
  if (
    allowed !== undefined &&
    (data.type === undefined || !allowed.includes(data.type as ConstraintValueType))
  ) {
    const names = allowed.map((t) => `${t} (${TYPE_FIELD[t]})`).join(' or ');
    return [{ path: `${path}.type`, rule: `must be ${names} for ${data.operate}` }];
  }
  if (data.type === undefined) return [];
  const missing = valueIssue(data, data.type as ConstraintValueType, path);
  if (missing !== undefined) return [missing];
  return operatorIssues(data, path);
}

function valueIssue(data: ConstraintData, type: ConstraintValueType, path: string): Issue | undefined {
  const field = TYPE_FIELD[type];
  if (data[field] === undefined) return { path: `${path}.${field}`, rule: `is required for type ${type}` };
  if (type === ConstraintValueType.Ranges) {
    const ranges = data.ranges ?? [];
    if (ranges.length === 0) return { path: `${path}.ranges`, rule: 'must have at least 1 item' };
    const bad = ranges.findIndex((r) => r.begin > r.end);
    if (bad >= 0) return { path: `${path}.ranges[${bad}]`, rule: 'begin must be ≤ end' };
  }
  return undefined;
}

function operatorIssues(data: ConstraintData, path: string): Issue[] {
  switch (data.operate) {
    case 'MAXPER':
      return /^[1-9][0-9]*$/.test(data.text?.value ?? '')
        ? []
        : [{ path: `${path}.text.value`, rule: 'must be a whole number ≥ 1 for MAXPER' }];
    case 'GROUPBY':
      return (data.set?.item.length ?? 0) > 0
        ? []
        : [{ path: `${path}.set.item`, rule: 'must have at least 1 item for GROUPBY' }];
    case 'EXCLUDE': {
      const bad = data.set?.item.findIndex((item) => !/^[^:]+:.*$/.test(item)) ?? -1;
      return bad < 0
        ? []
        : [{ path: `${path}.set.item[${bad}]`, rule: 'must be "labelKey:labelValue" for EXCLUDE' }];
    }
    case 'LIKE':
    case 'UNLIKE':
      return patternIssues(data, path);
    default:
      return [];
  }
}

function patternIssues(data: ConstraintData, path: string): Issue[] {
  const patterns: [string, string][] =
    data.type === ConstraintValueType.Text
      ? [[`${path}.text.value`, data.text?.value ?? '']]
      : (data.set?.item ?? []).map((item, k) => [`${path}.set.item[${k}]`, item]);
  const issues: Issue[] = [];
  for (const [at, pattern] of patterns) {
    const error = patternError(pattern);
    if (error !== undefined) {
      issues.push({
        path: at,
        rule: `must be a glob or an RE2 regular expression for ${data.operate} (${error})`,
      });
    }
  }
  return issues;
}
