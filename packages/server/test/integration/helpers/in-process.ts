import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../../src/index.js';
import { CLUSTER_ID, callApi, type Envelope } from './server-process.js';

/** The real server in this process: LevelDB on disk, HTTP on a loopback port. Exposes its store. */
export interface InProcessServer {
  readonly server: RunningServer;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Envelope }>;
  close(): Promise<void>;
}

export async function startInProcess(
  options: { bodyLimit?: number; simAgents?: number } = {},
): Promise<InProcessServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bcs-inproc-'));
  const server = await startServer({ port: 0, dataDir, clusterId: CLUSTER_ID, simAgents: 0, ...options });
  return {
    server,
    call: (method, path, body, headers) => callApi(server.url, method, path, body, headers),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
