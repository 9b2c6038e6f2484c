import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COMMAND_TIMEOUT_MS, HealthCheckOptionsToken } from '@bcs/core';
import { createMemoryStore } from '@bcs/testing/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

// `--command-timeout` and `--health-max-concurrent` reach core through startServer's `commands` and
// `healthChecks` options.
describe('startServer core options', () => {
  let server: RunningServer | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('passes the command timeout and the health-check concurrency to core', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bcs-core-flags-'));
    server = await startServer({
      port: 0,
      dataDir,
      store: createMemoryStore(),
      simAgents: 1,
      commands: { timeoutMs: 42_000 },
      healthChecks: { maxConcurrent: 7 },
    });
    expect(server.scheduler.commands.timeoutMs).toBe(42_000);
    expect(server.scheduler.container.resolve(HealthCheckOptionsToken)).toEqual({ maxConcurrent: 7 });
  });

  it("keeps core's defaults without them", async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bcs-core-flags-'));
    server = await startServer({ port: 0, dataDir, store: createMemoryStore(), simAgents: 1 });
    expect(server.scheduler.commands.timeoutMs).toBe(DEFAULT_COMMAND_TIMEOUT_MS);
  });
});
