import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseCliConfig } from '../src/cli-config.js';

// issue 15 §3: --auth-tokens, --tls-cert/--tls-key, and no authentication only on a loopback host.

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['128.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['sched.example', false],
    ['localhost.example', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('authentication flags', () => {
  it('needs no flag on the default host (pnpm start stays flag-free)', () => {
    expect(parseCliConfig([], {})).toMatchObject({
      host: '127.0.0.1',
      authTokens: undefined,
      insecureNoAuth: false,
    });
    expect(parseCliConfig(['--host', '::1'], {})).toMatchObject({ host: '::1', authTokens: undefined });
  });

  it.each([
    [['--host', '0.0.0.0'], {}],
    [['--host', '10.0.0.5'], {}],
    [[], { BCS_HOST: '::' }],
    [['--host', 'sched.example'], { BCS_INSECURE_NO_AUTH: 'false' }],
  ])('refuses a non-loopback host without tokens: %j %j', (argv, env) => {
    expect(() => parseCliConfig(argv, env)).toThrow(/--host .*--auth-tokens.*--insecure-no-auth/);
  });

  it.each([
    [
      ['--host', '0.0.0.0', '--auth-tokens', '/etc/bcs/tokens.jsonl'],
      {},
      { authTokens: '/etc/bcs/tokens.jsonl' },
    ],
    [['--host', '0.0.0.0'], { BCS_AUTH_TOKENS: 't.jsonl' }, { authTokens: 't.jsonl' }],
    [['--host', '0.0.0.0', '--insecure-no-auth'], {}, { insecureNoAuth: true }],
    [['--host', '0.0.0.0'], { BCS_INSECURE_NO_AUTH: 'true' }, { insecureNoAuth: true }],
    [['--auth-tokens', 't.jsonl'], {}, { host: '127.0.0.1', authTokens: 't.jsonl' }],
  ])('accepts %j %j', (argv, env, expected) => {
    expect(parseCliConfig(argv, env)).toMatchObject(expected);
  });

  it.each([
    [[], { BCS_INSECURE_NO_AUTH: 'yes' }, '--insecure-no-auth'],
    [['--host', '0.0.0.0'], { BCS_INSECURE_NO_AUTH: 'yes' }, '--insecure-no-auth'],
    [['--auth-tokens', ''], {}, '--auth-tokens'],
    [['--tls-cert', 'c.pem'], {}, '--tls-cert and --tls-key'],
    [['--tls-key', 'k.pem'], {}, '--tls-cert and --tls-key'],
    [['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--store', 'etcd://127.0.0.1:2379'], {}, '--tls-cert'],
  ] as const)('refuses %j (env %j), naming %s', (argv, env, flag) => {
    expect(() => parseCliConfig(argv, env)).toThrow(flag);
  });

  it('takes the TLS files from flags or the environment', () => {
    expect(parseCliConfig(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}).tls).toEqual({
      cert: 'c.pem',
      key: 'k.pem',
    });
    expect(parseCliConfig([], { BCS_TLS_CERT: 'c.pem', BCS_TLS_KEY: 'k.pem' }).tls).toEqual({
      cert: 'c.pem',
      key: 'k.pem',
    });
  });
});
