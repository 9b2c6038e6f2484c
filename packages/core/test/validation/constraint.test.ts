import { anApplication, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type ValidationError } from '../../src/errors.js';
import { parseApplication } from '../../src/validation/application.js';
import { type Constraint, type ConstraintData, constraintIssues } from '../../src/validation/constraint.js';

const E = 'constraint.intersectionItem[0].unionData[0]';
const one = (data: ConstraintData): Constraint => ({ intersectionItem: [{ unionData: [data] }] });

describe('constraintIssues', () => {
  it.each<[string, ConstraintData]>([
    ['UNIQUE without a type', { name: 'hostname', operate: 'UNIQUE' }],
    ['UNIQUE with text', { name: 'hostname', operate: 'UNIQUE', type: 3, text: { value: '' } }],
    ['MAXPER 2', { name: 'hostname', operate: 'MAXPER', type: 3, text: { value: '2' } }],
    ['GROUPBY over two cities', { name: 'City', operate: 'GROUPBY', type: 4, set: { item: ['sz', 'sh'] } }],
    ['CLUSTER text', { name: 'City', operate: 'CLUSTER', type: 3, text: { value: 'shenzhen' } }],
    ['CLUSTER set', { name: 'City', operate: 'CLUSTER', type: 4, set: { item: ['shenzhen'] } }],
    ['LIKE regexp', { name: 'hostname', operate: 'LIKE', type: 3, text: { value: 'mesos-slave-[0-9]+' } }],
    ['UNLIKE glob set', { name: 'hostname', operate: 'UNLIKE', type: 4, set: { item: ['bad-*'] } }],
    ['LIKE leading-star glob', { name: 'hostname', operate: 'LIKE', type: 3, text: { value: '*-web' } }],
    ['LIKE the ReDoS pattern', { name: 'hostname', operate: 'LIKE', type: 3, text: { value: '(a+)+$' } }],
    ['GREATER', { name: 'ip-resources', operate: 'GREATER', type: 1, scalar: { value: 0 } }],
    ['LESS', { name: 'load', operate: 'LESS', type: 1, scalar: { value: 0.8 } }],
    ['EXCLUDE', { name: 'hostname', operate: 'EXCLUDE', type: 4, set: { item: ['app:db', 'tier:'] } }],
    ['TOLERATION', { name: 'key1', operate: 'TOLERATION', type: 3, text: { value: 'value1' } }],
    ['UNIQUE with ranges', { name: 'port', operate: 'UNIQUE', type: 2, ranges: [{ begin: 1, end: 1 }] }],
  ])('accepts %s', (_, data) => {
    expect(constraintIssues(one(data))).toEqual([]);
  });

  it.each<[string, ConstraintData]>([
    ['text.value', { name: 'hostname', operate: 'MAXPER', type: 3, text: { value: 'two' } }],
    ['text.value', { name: 'hostname', operate: 'MAXPER', type: 3, text: { value: '0' } }],
    ['text', { name: 'hostname', operate: 'MAXPER', type: 3 }],
    ['type', { name: 'hostname', operate: 'MAXPER', type: 4, set: { item: ['2'] } }],
    ['type', { name: 'hostname', operate: 'MAXPER', text: { value: '2' } }],
    ['set.item', { name: 'City', operate: 'GROUPBY', type: 4, set: { item: [] } }],
    ['set', { name: 'City', operate: 'GROUPBY', type: 4 }],
    ['type', { name: 'City', operate: 'CLUSTER', type: 1, scalar: { value: 1 } }],
    ['type', { name: 'cpu', operate: 'GREATER', type: 3, text: { value: '1' } }],
    ['scalar', { name: 'cpu', operate: 'LESS', type: 1 }],
    ['set.item[1]', { name: 'hostname', operate: 'EXCLUDE', type: 4, set: { item: ['app:db', 'nocolon'] } }],
    ['text', { name: 'key1', operate: 'TOLERATION', type: 3 }],
    ['ranges', { name: 'port', operate: 'UNIQUE', type: 2, ranges: [] }],
    ['ranges[0]', { name: 'port', operate: 'UNIQUE', type: 2, ranges: [{ begin: 5, end: 1 }] }],
    ['text', { name: 'hostname', operate: 'UNIQUE', type: 3 }],
    // Patterns RE2 cannot compile (it has no lookaround or backreference); a leading `*` is a glob, kept.
    ['text.value', { name: 'hostname', operate: 'LIKE', type: 3, text: { value: 'node-(' } }],
    ['set.item[1]', { name: 'hostname', operate: 'UNLIKE', type: 4, set: { item: ['*-web', '(?=x)'] } }],
    ['text.value', { name: 'hostname', operate: 'LIKE', type: 3, text: { value: '(a)\\1' } }],
  ])('refuses %s', (field, data) => {
    expect(constraintIssues(one(data)).map((issue) => issue.path)).toEqual([`${E}.${field}`]);
  });

  it('names the item and element', () => {
    const constraint: Constraint = {
      intersectionItem: [
        { unionData: [{ name: 'hostname', operate: 'UNIQUE' }] },
        {
          unionData: [
            { name: 'a', operate: 'UNIQUE' },
            { name: 'b', operate: 'GREATER', type: 1 },
          ],
        },
      ],
    };
    expect(constraintIssues(constraint, 'spec.constraint').map((issue) => issue.path)).toEqual([
      'spec.constraint.intersectionItem[1].unionData[1].scalar',
    ]);
  });

  it('is empty for no constraint and for empty items', () => {
    expect(constraintIssues(undefined)).toEqual([]);
    expect(constraintIssues({ intersectionItem: [{}] })).toEqual([]);
  });
});

describe('constraint schema', () => {
  const parsePaths = (data: JsonObject): string[] => {
    try {
      parseApplication(
        anApplication({ constraint: { IntersectionItem: [{ unionData: [data] }] } }),
        'defaultGroup',
      );
    } catch (error) {
      expect((error as ValidationError).code).toBe(ErrorCode.InvalidData);
      return (error as ValidationError).issues.map((issue) => issue.path);
    }
    return [];
  };

  it.each<[string, JsonObject]>([
    ['operate', { name: 'hostname', operate: 'unique' }],
    ['operate', { name: 'hostname', operate: 'NEAR' }],
    ['type', { name: 'hostname', operate: 'UNIQUE', type: 5 }],
    ['type', { name: 'hostname', operate: 'UNIQUE', type: 0 }],
    ['name', { name: '', operate: 'UNIQUE' }],
    ['scalar.value', { name: 'cpu', operate: 'GREATER', type: 1, scalar: { value: '1' } }],
    ['set.item', { name: 'City', operate: 'GROUPBY', type: 4, set: { item: 'sz' } }],
  ])('refuses %s: %j', (field, data) => {
    expect(parsePaths(data)).toEqual([`${E}.${field}`]);
  });

  it('folds the case of keys inside elements (Operate, Text.Value)', () => {
    expect(parsePaths({ Name: 'hostname', Operate: 'MAXPER', Type: 3, Text: { Value: '1' } })).toEqual([]);
  });
});
