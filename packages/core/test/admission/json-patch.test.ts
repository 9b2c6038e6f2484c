import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JSON_PATCH_LIMITS, JsonPatchError } from '../../src/index.js';

/** The index of the operation a patch failed at, or 'applied'. */
function failingIndex(document: unknown, patch: unknown): number | 'applied' {
  try {
    applyJsonPatch(document, patch);
    return 'applied';
  } catch (error) {
    if (error instanceof JsonPatchError) return error.index;
    throw error;
  }
}

describe('applyJsonPatch', () => {
  // RFC 6902 appendix A, and the doc comment's worked example.
  it.each([
    [
      'A.1 add an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 add an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'A.3 remove an object member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'A.4 remove an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replace a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.10 add a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'A.16 add an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    [
      '~1 and ~0 escapes',
      { 'a/b': 1, 'm~n': 2 },
      [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ],
      { 'a/b': 3 },
    ],
    [
      'copy (worked example)',
      { a: 1 },
      [
        { op: 'add', path: '/b', value: [1] },
        { op: 'copy', from: '/b', path: '/b/-' },
      ],
      { a: 1, b: [1, [1]] },
    ],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    [
      'a passing test',
      { a: { b: [1, 2] } },
      [{ op: 'test', path: '/a', value: { b: [1, 2] } }],
      { a: { b: [1, 2] } },
    ],
  ])('%s', (_label, document, patch, expected) => {
    expect(applyJsonPatch(document, patch)).toEqual(expected);
  });

  it('leaves the document it was given unchanged', () => {
    const document = { spec: { containers: [{ image: 'a' }] } };
    applyJsonPatch(document, [{ op: 'replace', path: '/spec/containers/0/image', value: 'b' }]);
    expect(document.spec.containers[0]?.image).toBe('a');
  });

  it.each([
    ['A.8 a failing test', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 0],
    ['A.12 add to a missing parent', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 0],
    ['A.15 a test of a missing member', { foo: 'bar' }, [{ op: 'test', path: '/baz', value: 'bar' }], 0],
    ['remove a missing member', { foo: 'bar' }, [{ op: 'remove', path: '/baz' }], 0],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 0 }], 0],
    ['an index with a leading zero', { a: [1, 2] }, [{ op: 'replace', path: '/a/01', value: 0 }], 0],
    ['a pointer without a leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }], 0],
    ['an unknown op', { a: 1 }, [{ op: 'merge', path: '/a' }], 0],
    ['add without a value', { a: 1 }, [{ op: 'add', path: '/b' }], 0],
    ['move into its own child', { a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 0],
    [
      'the second operation failing',
      { a: 1 },
      [
        { op: 'remove', path: '/a' },
        { op: 'remove', path: '/a' },
      ],
      1,
    ],
    ['an invalid ~ escape', { a: 1 }, [{ op: 'remove', path: '/a~2' }], 0],
  ])('refuses %s, naming the operation', (_label, document, patch, index) => {
    expect(failingIndex(document, patch)).toBe(index);
  });

  it('refuses a patch that is not an array', () => {
    expect(failingIndex({}, { op: 'add', path: '/a', value: 1 })).toBe(-1);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the pointer token %s (no prototype pollution)',
    (token) => {
      const document = JSON.parse('{"a":{}}');
      expect(failingIndex(document, [{ op: 'add', path: `/${token}/polluted`, value: true }])).toBe(0);
      expect(failingIndex(document, [{ op: 'add', path: `/a/${token}`, value: { polluted: true } }])).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('copies a __proto__ member of a value as plain data, never as a prototype', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true}}');
    const result = applyJsonPatch({}, [{ op: 'add', path: '/a', value }]) as { a: Record<string, unknown> };
    expect(Object.getPrototypeOf(result.a)).toBe(Object.prototype);
    expect(Object.hasOwn(result.a, '__proto__')).toBe(true);
    expect(result.a.polluted).toBeUndefined();
  });

  it(`refuses more than ${JSON_PATCH_LIMITS.maxOperations} operations`, () => {
    const ops = (n: number) => Array.from({ length: n }, () => ({ op: 'test', path: '', value: {} }));
    expect(failingIndex({}, ops(JSON_PATCH_LIMITS.maxOperations))).toBe('applied');
    expect(failingIndex({}, ops(JSON_PATCH_LIMITS.maxOperations + 1))).toBe(-1);
  });

  it(`refuses a pointer of more than ${JSON_PATCH_LIMITS.maxPointerTokens} tokens`, () => {
    const deep = `/${Array.from({ length: JSON_PATCH_LIMITS.maxPointerTokens + 1 }, () => 'a').join('/')}`;
    expect(failingIndex({}, [{ op: 'add', path: deep, value: 1 }])).toBe(0);
  });

  it(`refuses a value more than ${JSON_PATCH_LIMITS.maxValueDepth} levels deep`, () => {
    let value: unknown = 1;
    for (let i = 0; i <= JSON_PATCH_LIMITS.maxValueDepth; i++) value = [value];
    expect(failingIndex({}, [{ op: 'add', path: '/a', value }])).toBe(0);
  });

  it('refuses copies that would add more than the byte budget (a doubling chain)', () => {
    const patch = [
      { op: 'add', path: '/a', value: ['x'.repeat(1000)] },
      ...Array.from({ length: 20 }, () => ({ op: 'copy', from: '/a', path: '/a/-' })),
    ];
    const index = failingIndex({}, patch);
    // Each copy doubles /a: 2^k × ~1 KB passes 1 MiB after about 10 copies.
    expect(typeof index === 'number' && index > 5 && index <= 20).toBe(true);
  });
});
