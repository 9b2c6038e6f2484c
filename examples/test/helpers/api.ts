import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleMain, NodeProcess, stopAll } from './node-process.js';

export const CLUSTER_ID = 'BCS-LOCAL-00001';
export const V4 = '/v4/scheduler/mesos';

/** The v4 envelope as the tests read it. */
export interface Envelope {
  result: boolean;
  code: number;
  message: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary data shapes.
  data: any;
}

/** One call of the v4 API with the cluster header; `path` is under `/v4/scheduler/mesos`. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Envelope }> {
  const init: RequestInit = { method, headers: { 'BCS-ClusterID': CLUSTER_ID } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${baseUrl}${V4}${path}`, init);
  return { status: res.status, body: (await res.json()) as Envelope };
}

/** An application of `instances` small instances (0.25 cpu, 64 MB), so many fit on a 4-cpu simulated agent. */
export function smallApplication(namespace: string, name: string, instances: number) {
  return {
    apiVersion: 'v4',
    kind: 'application',
    metadata: { name, namespace },
    spec: {
      instance: instances,
      template: {
        spec: {
          networkMode: 'BRIDGE',
          containers: [{ image: 'nginx:1.27', resources: { limits: { cpu: '0.25', memory: '64' } } }],
        },
      },
    },
  };
}

/** Polls `read` every 100 ms until `done` holds; fails after `ms` with the last value. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Running instances of an application, as `GET …/applications/{name}` reports them (-1 while absent). */
export async function runningInstances(baseUrl: string, namespace: string, name: string): Promise<number> {
  const res = await callApi(baseUrl, 'GET', `/namespaces/${namespace}/applications/${name}`);
  return res.status === 200 ? (res.body.data.RunningInstances as number) : -1;
}

/** The server example as a child process, and the URLs it printed. */
export interface ServerExample {
  readonly process: NodeProcess;
  readonly url: string;
  readonly port: number;
  readonly eventsUrl: string;
}

/** Starts the server example on `port` (0: any free one) with its data in `dataDir`; resolves once it answers. */
export async function startServerExample(dataDir: string, port = 0): Promise<ServerExample> {
  const server = await NodeProcess.start(exampleMain('server'), ['--data-dir', dataDir], {
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/);
  const [, eventsUrl] = await server.waitFor(/events on (ws:\/\/\S+)/);
  return { process: server, url: url!, port: Number(new URL(url!).port), eventsUrl: eventsUrl! };
}

const tempDirs: string[] = [];

/** A fresh temp directory for a data dir; {@link cleanUp} removes it. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** After each test: stops every example process, then removes every temp directory. */
export async function cleanUp(): Promise<void> {
  await stopAll();
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
