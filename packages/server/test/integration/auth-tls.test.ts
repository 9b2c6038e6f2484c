import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@bcs/core';
import { anApplication } from '@bcs/testing/builders';
import { createTestCa } from '@bcs/testing/net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseTokenFile } from '../../src/auth-tokens.js';
import { type RunningServer, startServer } from '../../src/index.js';
import { stopChild } from './helpers/child.js';
import { BIN, CLUSTER_ID, callApi, type Envelope, V4 } from './helpers/server-process.js';

// issue 15 §3 end to end: the real server in this process over HTTPS (a test CA made here), LevelDB on disk,
// the simulated cluster, bearer tokens on the REST API and on the WSS event stream.

const READER = 'reader-secret-0123456789';
const WRITER = 'writer-secret-0123456789';
const ADMIN = 'admin-secret-01234567890';
const TEAM_A = 'team-a-secret-0123456789';
const TOKENS = [
  { token: READER, name: 'reader', role: 'read' },
  { token: WRITER, name: 'writer', role: 'write' },
  { token: ADMIN, name: 'admin', role: 'admin' },
  { token: TEAM_A, name: 'team-a-ci', role: 'write', namespaces: ['team-a'] },
]
  .map((entry) => JSON.stringify(entry))
  .join('\n');
const ALL_TOKENS = [READER, WRITER, ADMIN, TEAM_A];

const ca = createTestCa();
const pair = ca.issue(['127.0.0.1', 'localhost']);
const lines: Record<string, unknown>[] = [];
const keep = (fields: object, message?: string) => lines.push({ ...fields, message });
const logger: Logger = { debug: keep, info: keep, warn: keep, error: keep };

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bcs-auth-'));
  server = await startServer({
    port: 0,
    dataDir,
    clusterId: CLUSTER_ID,
    simAgents: 1,
    logger,
    auth: { authenticate: parseTokenFile(TOKENS, 'tokens.jsonl').authenticate },
    tls: { cert: pair.certPem, key: pair.keyPem },
  });
});
afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** One HTTPS call trusting the test CA only. */
function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Envelope; headers: Record<string, unknown> }> {
  const url = new URL(
    `${server.url}${path.startsWith('/v4') || path.startsWith('/bcsapi') ? '' : V4}${path}`,
  );
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: ca.certPem,
        headers: {
          'BCS-ClusterID': CLUSTER_ID,
          'Content-Type': 'application/json',
          ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function app(name: string, namespace: string) {
  const body = anApplication({ metadata: { name, namespace }, spec: { instance: 1 } }) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.01', memory: '1' } };
  return body;
}

type Message = { type: string; [key: string]: unknown };

/** A WSS subscriber trusting the test CA; resolves once open, or rejects with the refusal's status. */
function subscribe(query: string): Promise<{ messages: Message[]; socket: WebSocket }> {
  const url = `${server.url.replace(/^https/, 'wss')}${V4}/events?clusterId=${CLUSTER_ID}&${query}`;
  const socket = new WebSocket(url, { ca: ca.certPem });
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ messages, socket }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

async function until(done: () => boolean): Promise<void> {
  // Bounded by the test timeout; polls the messages received so far.
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('HTTPS with bearer tokens', () => {
  it('serves HTTPS with the given certificate, refusing clients that do not trust its CA', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const other = createTestCa('another-ca');
    await expect(
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          `${server.url}${V4}/namespaces/x/configmaps`,
          { ca: other.certPem },
          resolve,
        );
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toThrow();
  });

  it('answers 401 without a token or with a wrong one, and 403 for a read token on POST', async () => {
    const none = await call('GET', '/namespaces/team-a/applications');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ result: false, code: 1405401, data: null });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    expect((await call('GET', '/namespaces/team-a/applications', 'wrong-secret-0123456789')).status).toBe(
      401,
    );
    expect((await call('GET', '/namespaces/team-a/applications', READER)).status).toBe(200);
    const post = await call('POST', '/namespaces/team-a/applications', READER, app('web', 'team-a'));
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ result: false, code: 1405403, data: null });
    const list = await call('GET', '/namespaces/team-a/applications', ADMIN);
    expect(list.body.data).toEqual([]);
  });

  it('keeps a namespaced token to its namespace, and its event stream too', async () => {
    const refused = await call('POST', '/namespaces/team-b/applications', TEAM_A, app('web', 'team-b'));
    expect(refused).toMatchObject({ status: 403, body: { code: 1405403 } });
    expect((await call('GET', '/namespaces/team-b/applications', ADMIN)).body.data).toEqual([]);
    expect((await call('POST', '/namespaces/team-a/applications', TEAM_A, app('web', 'team-a'))).status).toBe(
      200,
    );
    expect((await call('POST', '/namespaces/team-b/applications', WRITER, app('web', 'team-b'))).status).toBe(
      200,
    );

    // Over WSS with the token in the query, as a browser sends it.
    const stream = await subscribe(`snapshot=true&access_token=${TEAM_A}`);
    await until(() => stream.messages.some((m) => m.type === 'snapshot'));
    const snapshot = stream.messages.find((m) => m.type === 'snapshot')!.snapshot as {
      applications: { namespace: string }[];
    };
    expect(snapshot.applications.map((a) => a.namespace)).toEqual(['team-a']);
    expect((await call('POST', '/namespaces/team-b/applications', ADMIN, app('api', 'team-b'))).status).toBe(
      200,
    );
    expect((await call('POST', '/namespaces/team-a/applications', ADMIN, app('api', 'team-a'))).status).toBe(
      200,
    );
    const events = () =>
      stream.messages.flatMap((m) =>
        m.type === 'events' ? (m.events as { namespace: string; application: string }[]) : [],
      );
    // Events arrive in commit order: once team-a/api's is in, team-b/api's (committed before) would be too.
    await until(() => events().some((e) => e.application === 'api'));
    expect(new Set(events().map((e) => e.namespace))).toEqual(new Set(['team-a']));
    stream.socket.close();

    await expect(subscribe(`namespace=team-b&access_token=${TEAM_A}`)).rejects.toThrow('refused 403');
    await expect(subscribe('since=0')).rejects.toThrow('refused 401');
    await expect(subscribe('access_token=wrong-secret-0123456789')).rejects.toThrow('refused 401');
  });

  it('never writes a token to the log, and names who made each request', async () => {
    await call('GET', '/namespaces/team-a/applications', WRITER);
    const text = JSON.stringify(lines);
    for (const token of [...ALL_TOKENS, 'wrong-secret-0123456789']) expect(text).not.toContain(token);
    const requests = lines.filter((line) => line.message === 'request');
    expect(requests.length).toBeGreaterThan(5);
    expect(new Set(requests.map((line) => line.user))).toEqual(
      new Set([undefined, 'reader', 'writer', 'admin', 'team-a-ci']),
    );
  });
});

describe('the HTTP limits over HTTPS', () => {
  it('keeps the URL and header bounds and the Host check, in the envelope', async () => {
    const longUrl = await call('GET', `/namespaces/team-a/applications?x=${'a'.repeat(9000)}`, READER);
    expect(longUrl).toMatchObject({ status: 414, body: { result: false, code: 1405007 } });
    const bigHead = await raw({ 'X-Big': 'b'.repeat(70 * 1024) });
    expect(bigHead).toMatchObject({ status: 431, body: { result: false, code: 1405007 } });
    const evil = await raw({ Host: 'evil.example' });
    expect(evil).toMatchObject({ status: 403, body: { result: false, code: 1405234 } });
  });

  /** A GET with extra headers, trusting the test CA; status and envelope. */
  function raw(headers: Record<string, string>): Promise<{ status: number; body: Envelope }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${server.url}${V4}/namespaces/team-a/applications`,
        {
          ca: ca.certPem,
          servername: 'localhost',
          headers: { 'BCS-ClusterID': CLUSTER_ID, Authorization: `Bearer ${READER}`, ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
});

describe('bcs-scheduler refuses to start', () => {
  /** Runs the built command to its exit; its code and stderr. */
  function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, '--port', '0', '--sim-agents', '0', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, BCS_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  }

  it('with an invalid tokens file, naming the line and not the token', async () => {
    const file = join(dataDir, 'bad-tokens.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ token: READER, name: 'a', role: 'read' })}\n{"token":"${WRITER}","name":"b","role":"root"}\n`,
    );
    const { code, stderr } = await run(['--data-dir', join(dataDir, 'refused-1'), '--auth-tokens', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:2: `);
    expect(stderr).not.toContain(WRITER);
  });

  it('on a non-loopback host without --auth-tokens', async () => {
    const { code, stderr } = await run(['--data-dir', join(dataDir, 'refused-2'), '--host', '0.0.0.0']);
    expect(code).toBe(2);
    expect(stderr).toContain('--insecure-no-auth');
  });
});

describe('bcs-scheduler with tokens', () => {
  /** Starts the built command; resolves with the child, its URL and a view of its output, once listening. */
  async function start(args: readonly string[]) {
    const child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--sim-agents', '0', '--cluster-id', CLUSTER_ID, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BCS_LOG_LEVEL: 'info' },
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (https?:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    return { child, url, output: () => output };
  }

  it('serves HTTPS from --tls-cert and --tls-key', async () => {
    await writeFile(join(dataDir, 'cert.pem'), pair.certPem);
    await writeFile(join(dataDir, 'key.pem'), pair.keyPem, { mode: 0o600 });
    const { child, url } = await start([
      '--data-dir',
      join(dataDir, 'tls'),
      '--tls-cert',
      join(dataDir, 'cert.pem'),
      '--tls-key',
      join(dataDir, 'key.pem'),
    ]);
    try {
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          `${url}${V4}/namespaces/ns/configmaps`,
          { ca: ca.certPem, headers: { 'BCS-ClusterID': CLUSTER_ID } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
  });

  it('warns when --insecure-no-auth serves a non-loopback host', async () => {
    const { child, output } = await start([
      '--data-dir',
      join(dataDir, 'insecure'),
      '--host',
      '0.0.0.0',
      '--insecure-no-auth',
    ]);
    try {
      const warning = output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => line.msg.includes('--insecure-no-auth'));
      expect(warning?.level).toBe(40);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
  });

  it('re-reads the tokens file on SIGHUP, keeping the old tokens when the new file is invalid', async () => {
    const file = join(dataDir, 'reload-tokens.jsonl');
    const entry = (token: string, name: string) => JSON.stringify({ token, name, role: 'read' });
    await writeFile(file, entry(READER, 'first'));
    const { child, url, output } = await start([
      '--data-dir',
      join(dataDir, 'reload'),
      '--auth-tokens',
      file,
    ]);
    const status = async (token: string) =>
      (
        await callApi(url, 'GET', '/namespaces/ns/configmaps', undefined, {
          'BCS-ClusterID': CLUSTER_ID,
          Authorization: `Bearer ${token}`,
        })
      ).status;
    try {
      expect(await status(READER)).toBe(200);
      expect(await status(WRITER)).toBe(401);
      await writeFile(file, '{"token": "broken"');
      child.kill('SIGHUP');
      await until(() => output().includes('auth tokens not reloaded'));
      expect(await status(READER)).toBe(200);
      await writeFile(file, entry(WRITER, 'second'));
      child.kill('SIGHUP');
      await until(() => output().includes('auth tokens reloaded'));
      expect(await status(WRITER)).toBe(200);
      expect(await status(READER)).toBe(401);
      expect(output()).not.toContain(READER);
      expect(output()).not.toContain(WRITER);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
  });
});
