import { ErrorCode, parseSubscribeOptions } from '@bcs/core';
import { describe, expect, it } from 'vitest';

const parse = (query: string) => parseSubscribeOptions(new URLSearchParams(query));

describe('parseSubscribeOptions', () => {
  it.each([
    ['', {}],
    ['namespace=defaultGroup', { namespace: 'defaultGroup' }],
    [
      'application=app-test&deployment=deployment-test',
      { application: 'app-test', deployment: 'deployment-test' },
    ],
    ['kinds=taskgroup.status,deployment.status', { kinds: ['taskgroup.status', 'deployment.status'] }],
    ['kinds=command.status', { kinds: ['command.status'] }],
    ['since=0', { since: 0 }],
    ['since=42', { since: 42 }],
    ['snapshot=true', { snapshot: true }],
    ['snapshot=1&namespace=a', { snapshot: true, namespace: 'a' }],
    ['snapshot=false&since=3', { since: 3 }],
    ['clusterId=x', {}],
  ])('%s gives %j', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });

  it.each([
    ['since=-1', 'since: must be a whole number ≥ 0'],
    ['since=1.5', 'since'],
    ['since=', 'since'],
    ['since=abc', 'since'],
    ['since=99999999999999999999', 'since'],
    ['kinds=taskgroup', 'kinds: must be a comma-separated list'],
    ['kinds=', 'kinds'],
    ['namespace=a.b', 'namespace: must be a name'],
    ['application=', 'application'],
    ['deployment=' + 'x'.repeat(64), 'deployment'],
    ['snapshot=yes', 'snapshot: must be true, 1, false or 0'],
    ['snapshot=1&since=2', 'snapshot: must not be given with since'],
  ])('refuses %s, naming the parameter and its rule', (query, message) => {
    expect(() => parse(query)).toThrow(message);
    expect(() => parse(query)).toThrow(expect.objectContaining({ code: ErrorCode.BadParams }));
  });

  it('names every offending parameter at once', () => {
    expect(() => parse('since=x&kinds=y')).toThrow(/kinds: .*; since: /);
  });
});
