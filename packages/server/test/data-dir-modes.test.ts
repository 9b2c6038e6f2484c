import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';

// Issue 9 §0: the server's data dir (scheduler store and simulated cluster state) is 0700, its files 0600.

let root: string | undefined;
afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('startServer data dir', () => {
  it('creates the data dir, the store and the simulated cluster private to the owner', async () => {
    root = await mkdtemp(join(tmpdir(), 'bcs-datadir-'));
    const dataDir = join(root, 'data');
    const server = await startServer({ port: 0, dataDir, simAgents: 1 });
    await server.close();
    expect(await mode(dataDir)).toBe(0o700);
    for (const sub of ['store', 'sim-cluster']) {
      const dir = join(dataDir, sub);
      expect([sub, await mode(dir)]).toEqual([sub, 0o700]);
      for (const file of await readdir(dir)) {
        expect([file, await mode(join(dir, file))]).toEqual([file, 0o600]);
      }
    }
  });
});
