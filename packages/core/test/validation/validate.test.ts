import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ValidationError } from '../../src/errors.js';
import { createValidator, toDottedPath } from '../../src/validation/validate.js';
import { issuePaths } from '../helpers/core.js';

const schema = Type.Object({
  kind: Type.Literal('service'),
  mode: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')])),
  metadata: Type.Object({ name: Type.String({ pattern: '^x', errorMessage: 'must start with x' }) }),
  spec: Type.Object({
    ports: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
      }),
    ),
  }),
  replicas: Type.Integer({ default: 1 }),
});
const validator = createValidator('service', schema);
const valid = () => ({
  kind: 'service',
  metadata: { name: 'x1' },
  spec: { ports: [{ name: 'p', port: 80 }] },
});

function issuesOf(input: unknown) {
  try {
    validator.parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(ErrorCode.InvalidData);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('createValidator', () => {
  it('returns a new typed value with defaults applied, leaving the input untouched', () => {
    const input = valid();
    const parsed = validator.parse(input);
    expect(parsed).toEqual({ ...valid(), replicas: 1 });
    expect(input).toEqual(valid());
  });

  it('matches keys case-insensitively', () => {
    expect(
      validator.parse({ KIND: 'service', Metadata: { Name: 'x' }, spec: { Ports: [] } }).metadata.name,
    ).toBe('x');
  });

  it('names nested array fields by path', () => {
    const input = {
      ...valid(),
      spec: {
        ports: [
          { name: '', port: 80 },
          { name: 'q', port: 70000 },
        ],
      },
    };
    expect(issuesOf(input)).toEqual([
      { path: 'spec.ports[0].name', rule: 'must not be empty' },
      { path: 'spec.ports[1].port', rule: 'must be ≤ 65535' },
    ]);
  });

  it('reports a missing field as "is required"', () => {
    const { metadata: _, ...input } = valid();
    expect(issuesOf(input)).toEqual([{ path: 'metadata', rule: 'is required' }]);
  });

  it('reports one issue per path, and none under a failed parent', () => {
    const issues = issuesOf({ ...valid(), metadata: 'text', spec: { ports: [{ name: 1, port: 'x' }] } });
    expect(issuePaths({ issues })).toEqual(['metadata', 'spec.ports[0].name', 'spec.ports[0].port']);
    expect(new Set(issuePaths({ issues })).size).toBe(issues.length);
  });

  it('states literal and union-of-literal rules', () => {
    expect(issuesOf({ ...valid(), kind: 'Service' })).toEqual([{ path: 'kind', rule: 'must be "service"' }]);
    expect(issuesOf({ ...valid(), mode: 'c' })).toEqual([{ path: 'mode', rule: 'must be one of: a, b' }]);
  });

  it("uses a schema's errorMessage as the rule", () => {
    expect(issuesOf({ ...valid(), metadata: { name: 'y' } })).toEqual([
      { path: 'metadata.name', rule: 'must start with x' },
    ]);
  });

  it.each([[[]], [null], ['text'], [3]])('refuses a body that is not an object: %j', (body) => {
    expect(issuesOf(body)).toEqual([{ path: '', rule: 'body must be a JSON object' }]);
  });

  it('issues() reports what parse() throws, without throwing', () => {
    const input = { ...valid(), kind: 'x' };
    expect(validator.issues(input)).toEqual(issuesOf(input));
    expect(validator.issues(valid())).toEqual([]);
  });
});

describe('toDottedPath', () => {
  it.each([
    ['', ''],
    ['/metadata/name', 'metadata.name'],
    ['/spec/ports/0/name', 'spec.ports[0].name'],
    ['/datas/a~1b', 'datas.a/b'],
    ['/a~0b', 'a~b'],
    ['/0/innerIP', '[0].innerIP'],
  ])('%j → %j', (pointer, dotted) => {
    expect(toDottedPath(pointer)).toBe(dotted);
  });
});
