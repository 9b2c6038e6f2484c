import {
  authenticateToken,
  ErrorCode,
  isBcsError,
  namespaceAllowed,
  type Principal,
  presentedToken,
  type Role,
  redactAccessToken,
  roleAllows,
} from '@bcs/core';
import { describe, expect, it } from 'vitest';

describe('roleAllows', () => {
  it.each<[Role, Role, boolean]>([
    ['read', 'read', true],
    ['read', 'write', false],
    ['write', 'read', true],
    ['write', 'admin', false],
    ['admin', 'write', true],
    ['admin', 'admin', true],
  ])('%s includes %s: %s', (role, needed, allowed) => {
    expect(roleAllows(role, needed)).toBe(allowed);
  });
});

describe('namespaceAllowed', () => {
  it('allows every namespace without a list, only the listed ones with one', () => {
    expect(namespaceAllowed({ name: 'a', role: 'read' }, 'x')).toBe(true);
    expect(namespaceAllowed({ name: 'a', role: 'read', namespaces: ['x'] }, 'x')).toBe(true);
    expect(namespaceAllowed({ name: 'a', role: 'read', namespaces: ['x'] }, 'y')).toBe(false);
    expect(namespaceAllowed({ name: 'a', role: 'read', namespaces: [] }, 'x')).toBe(false);
  });
});

describe('presentedToken', () => {
  const query = (text: string) => new URLSearchParams(text);
  it.each([
    ['Bearer abc', '', 'abc'],
    ['bearer  abc ', '', 'abc'],
    [undefined, 'access_token=q1', 'q1'],
    ['Bearer h1', 'access_token=q1', 'h1'],
    ['Basic dXNlcjpwdw==', 'access_token=q1', 'q1'],
    ['Basic dXNlcjpwdw==', '', undefined],
    ['Bearer', '', undefined],
    ['Bearer a b', '', undefined],
    [undefined, 'access_token=', undefined],
    [undefined, '', undefined],
  ])('Authorization %j, query %j → %j', (authorization, search, token) => {
    expect(presentedToken(authorization, query(search))).toBe(token);
  });
});

describe('authenticateToken', () => {
  const reader: Principal = { name: 'reader', role: 'read' };
  const authenticate = (token: string) => (token === 'good' ? reader : undefined);
  it('returns the principal of a known token', () => {
    expect(authenticateToken(authenticate, 'good')).toBe(reader);
  });
  it.each([undefined, 'bad'])(
    'refuses %j with Unauthorized (401), without the token in the message',
    (token) => {
      try {
        authenticateToken(authenticate, token);
        expect.unreachable();
      } catch (error) {
        expect(isBcsError(error) && error.code).toBe(ErrorCode.Unauthorized);
        expect(isBcsError(error) && error.status).toBe(401);
        expect(String((error as Error).message)).not.toContain('bad');
      }
    },
  );
});

describe('redactAccessToken', () => {
  it.each([
    ['/events', '/events'],
    ['/events?since=4', '/events?since=4'],
    ['/events?access_token=s3cret&since=4', '/events?access_token=REDACTED&since=4'],
    ['/events?since=4&access_token=s3cret', '/events?since=4&access_token=REDACTED'],
    ['/events?access%5Ftoken=s3cret', '/events?access%5Ftoken=REDACTED'],
    ['/events?access_token=a&access_token=b', '/events?access_token=REDACTED&access_token=REDACTED'],
    ['/events?my_access_token=x', '/events?my_access_token=x'],
  ])('%s → %s', (url, redacted) => {
    expect(redactAccessToken(url)).toBe(redacted);
  });
});
