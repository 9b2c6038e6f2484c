import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  InnerIp,
  isIpv4,
  isValidName,
  Name,
  NumericString,
  nameIssues,
  namespaceIssues,
} from '../../src/validation/rules.js';
import { createValidator } from '../../src/validation/validate.js';

describe('names and namespaces', () => {
  it.each([
    ['defaultGroup', true],
    ['a', true],
    ['app-test', true],
    ['0abc', true],
    ['A1-b2', true],
    ['a'.repeat(63), true],
    ['a.b', false],
    ['a'.repeat(64), false],
    ['-a', false],
    ['a-', false],
    ['', false],
    ['a_b', false],
    ['a b', false],
    ['a/b', false],
  ])('%j → %s', (name, ok) => {
    expect(isValidName(name)).toBe(ok);
  });

  it('Name() states its rule', () => {
    const issues = createValidator('x', Type.Object({ name: Name() })).issues({ name: 'a.b' });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('name');
    expect(issues[0]?.rule).toContain('"."');
  });
});

describe('IPv4', () => {
  it.each([
    ['127.0.0.1', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['10.0.0.10', true],
    ['256.0.0.1', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['01.2.3.4', false],
    ['a.b.c.d', false],
    [' 1.2.3.4', false],
    ['::1', false],
    ['', false],
  ])('%j → %s', (ip, ok) => {
    expect(isIpv4(ip)).toBe(ok);
  });

  it('InnerIp() states its rule', () => {
    const issues = createValidator('x', Type.Object({ ip: InnerIp() })).issues({ ip: 'host' });
    expect(issues).toEqual([{ path: 'ip', rule: 'must be an IPv4 address' }]);
  });
});

describe('URL checks', () => {
  it.each([
    [{}, 'ns-a', []],
    [{ namespace: 'ns-a' }, 'ns-a', []],
    [{ namespace: 'ns-b' }, 'ns-a', ['metadata.namespace']],
  ])('namespaceIssues(%j, %j)', (metadata, url, paths) => {
    expect(namespaceIssues(metadata, url).map((issue) => issue.path)).toEqual(paths);
  });

  it.each([
    [{}, 'a', []],
    [{ name: 'a' }, 'a', []],
    [{ name: 'b' }, 'a', ['metadata.name']],
  ])('nameIssues(%j, %j)', (metadata, url, paths) => {
    expect(nameIssues(metadata, url).map((issue) => issue.path)).toEqual(paths);
  });
});

describe('NumericString', () => {
  const validator = createValidator('x', Type.Object({ cpu: NumericString() }));
  it.each([
    ['0.5', true],
    ['1', true],
    [' 2 ', true],
    ['-1', false],
    ['abc', false],
    ['1.', false],
  ])('%j → %s', (cpu, ok) => {
    expect(validator.issues({ cpu }).length === 0).toBe(ok);
  });
});
