import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLUSTER_ID,
  callApi,
  cleanUp,
  runningInstances,
  smallApplication,
  startServerExample,
  tempDir,
  waitUntil,
} from './helpers/api.js';
import { exampleMain, NodeProcess } from './helpers/node-process.js';

afterEach(cleanUp);

describe('examples/server', () => {
  it('serves the v4 API on the port of PORT=0, schedules an application, and exits 0 on SIGTERM', async () => {
    const dataDir = await tempDir('bcs-example-server-');
    const server = await startServerExample(dataDir);
    expect(server.port).toBeGreaterThan(0);
    expect(server.eventsUrl).toBe(`ws://127.0.0.1:${server.port}/v4/scheduler/mesos/events`);
    expect(await server.process.output()).toContain(`(header BCS-ClusterID: ${CLUSTER_ID})`);

    const created = await callApi(
      server.url,
      'POST',
      '/namespaces/ex-server/applications',
      smallApplication('ex-server', 'web', 2),
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ result: true, code: 0, data: { ID: 'web', RunAs: 'ex-server' } });
    const fetched = await callApi(server.url, 'GET', '/namespaces/ex-server/applications/web');
    expect(fetched.status).toBe(200);
    expect(fetched.body.data).toMatchObject({ ID: 'web', DefineInstances: 2 });
    // The simulated cluster runs them.
    await waitUntil(
      () => runningInstances(server.url, 'ex-server', 'web'),
      (n) => n === 2,
    );
    // LevelDB on disk, in the data dir given.
    expect(existsSync(join(dataDir, 'store'))).toBe(true);

    const exit = await server.process.kill('SIGTERM');
    const output = await server.process.output();
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/server: SIGTERM, shutting down\nserver: closed\n/);
  });

  it('refuses a port out of range with exit code 2 and the usage', async () => {
    const server = await NodeProcess.start(exampleMain('server'), ['--port', '70000']);
    const exit = await server.waitForExit();
    const output = await server.output();
    expect(exit, output).toEqual({ code: 2, signal: null });
    expect(output).toContain('port must be 0-65535, got "70000"');
    expect(output).toContain('usage:');
  });
});
