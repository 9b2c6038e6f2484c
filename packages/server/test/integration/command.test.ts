import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeRecord } from '@bcs/mesos-http';
import { aSecret } from '@bcs/testing/builders';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BIN, ServerProcess } from './helpers/server-process.js';

// The `bcs-scheduler` command as an operator runs it.

const waitFor = vi.waitFor;

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('bcs-scheduler', () => {
  it('prints "listening on http://HOST:PORT" and answers on that address', async () => {
    server = await ServerProcess.start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await server.call('GET', '/namespaces/defaultGroup/configmaps');
    expect(res).toEqual({ status: 200, body: { result: true, code: 0, message: 'success', data: [] } });
  });

  it('exits 0 on SIGTERM after closing the store, and the data dir opens again', async () => {
    server = await ServerProcess.start();
    expect(await server.stop('SIGTERM')).toBe(0);
    await server.restart();
    expect((await server.call('GET', '/agentsettings')).status).toBe(200);
  });

  it('refuses a second server on the same data dir with exit code 1 and a clear message', async () => {
    server = await ServerProcess.start();
    const second = spawnSync(process.execPath, [BIN, '--port', '0', '--data-dir', server.dataDir], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('in use by another process');
  });

  it('exits 2 with the usage text for a bad flag', () => {
    const run = spawnSync(process.execPath, [BIN, '--port', 'eighty'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--port must be an integer');
    expect(run.stderr).toContain('usage: bcs-scheduler');
  });

  it('exits 2 for --executor bcs without --executor-uri, naming the flag', () => {
    const run = spawnSync(process.execPath, [BIN, '--executor', 'bcs'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--executor-uri');
  });

  it('subscribes to the master of --mesos-master, and exits 0 on SIGTERM', async () => {
    const subscribes: unknown[] = [];
    const master = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        if (body.type !== 'SUBSCRIBE') return void res.writeHead(202).end();
        subscribes.push(body);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's-1' });
        const event = { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-e2e' } } };
        res.write(encodeRecord(JSON.stringify(event)));
      });
    });
    await new Promise<void>((resolve) => master.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(master.address() as AddressInfo).port}`;
      server = await ServerProcess.start(['--mesos-master', url, '--log-level', 'info']);
      await waitFor(() => expect(subscribes).toHaveLength(1), { timeout: 10_000 });
      // The link's transition line (fields, not text): subscribed with the master's framework id.
      await waitFor(() => expect(server?.log).toMatch(/"state":"subscribed".*"frameworkId":"fw-e2e"/), {
        timeout: 10_000,
      });
      expect(await server.stop('SIGTERM')).toBe(0);
    } finally {
      master.closeAllConnections();
      await new Promise((resolve) => master.close(resolve));
    }
  });

  it('validates settings from the environment like flags', () => {
    const run = spawnSync(process.execPath, [BIN], {
      encoding: 'utf8',
      env: { ...process.env, BCS_PORT: 'nope' },
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--port must be an integer');
  });

  it('logs one JSON line per request with no body and no secret content', async () => {
    server = await ServerProcess.start(['--log-level', 'info']);
    const secret = aSecret({ datas: { 'secret-subkey': { content: 'dG9wLXNlY3JldC12YWx1ZQ==' } } });
    expect((await server.call('POST', '/namespaces/defaultGroup/secrets', secret)).status).toBe(200);
    const refused = aSecret({
      kind: 'Secret',
      datas: { 'secret-subkey': { content: 'dG9wLXNlY3JldC12YWx1ZQ==' } },
    });
    expect((await server.call('POST', '/namespaces/defaultGroup/secrets', refused)).status).toBe(400);
    await server.stop('SIGTERM');
    const lines = server.log.split('\n').filter((l) => l.includes('"msg":"request"'));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({
        method: 'POST',
        path: '/v4/scheduler/mesos/namespaces/defaultGroup/secrets',
      });
      expect(typeof entry.ms).toBe('number');
    }
    expect(server.log).not.toContain('dG9wLXNlY3JldC12YWx1ZQ==');
  });
});
