import { ErrorCode } from '@bcs/core';
import { describe, expect, it } from 'vitest';
import { checkHandshake, type HandshakeRules, originAllowed } from '../src/handshake.js';

const PATH = '/v4/scheduler/mesos/events';
const rules: HandshakeRules = { paths: [PATH], clusterId: 'C', exclusive: true };

describe('originAllowed (Host 127.0.0.1:8899)', () => {
  it.each<[string | undefined, readonly string[], boolean]>([
    [undefined, [], true],
    ['http://127.0.0.1:8899', [], true],
    ['HTTP://127.0.0.1:8899', [], true],
    ['https://127.0.0.1:8899', [], true],
    ['http://127.0.0.1:9999', [], false],
    ['http://evil.example', [], false],
    ['null', [], false],
    ['null', ['*'], true],
    ['http://evil.example', ['*'], true],
    ['https://console.example', ['https://console.example'], true],
    ['https://console.example:443', ['https://console.example'], true],
    ['http://console.example', ['https://console.example'], false],
    ['https://console.example.evil', ['https://console.example'], false],
    ['chrome-extension://abc', [], false],
  ])('Origin %j with allowed %j → %s', (origin, allowed, expected) => {
    expect(originAllowed(origin, '127.0.0.1:8899', allowed)).toBe(expected);
  });

  it('compares default ports: Origin http://sched.example matches Host sched.example:80', () => {
    expect(originAllowed('http://sched.example', 'sched.example:80', [])).toBe(true);
  });
});

describe('checkHandshake with Origin and Host rules', () => {
  const request = (headers: Record<string, string>) => ({ url: `${PATH}?clusterId=C`, headers });

  it('refuses a foreign Origin with 403, code 1405234, before the cluster id', () => {
    expect(checkHandshake(request({ host: 'h:1', origin: 'http://evil.example' }), rules)).toMatchObject({
      kind: 'refuse',
      status: 403,
      code: ErrorCode.FilterFailed,
    });
  });

  it('refuses a Host that checkHost refuses with 403', () => {
    const verdict = checkHandshake(request({ host: 'evil.example' }), {
      ...rules,
      checkHost: (host) => host === 'h:1',
    });
    expect(verdict).toMatchObject({ kind: 'refuse', status: 403, code: ErrorCode.FilterFailed });
    expect(checkHandshake(request({ host: 'h:1' }), { ...rules, checkHost: (h) => h === 'h:1' }).kind).toBe(
      'accept',
    );
  });
});
