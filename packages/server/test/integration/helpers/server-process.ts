import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The built command. The test script runs `tsc -b` before vitest, so it exists. */
export const BIN = resolve(here, '../../../dist/bin/bcs-scheduler.js');
export const CLUSTER_ID = 'BCS-E2E-00001';
export const V4 = '/v4/scheduler/mesos';

/** A `bcs-scheduler` child process on a loopback port, with a LevelDB data dir that outlives restarts. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  url = '';

  private constructor(
    readonly dataDir: string,
    private readonly extraArgs: readonly string[],
  ) {}

  /** Makes a temp data dir and starts the server on it. */
  static async start(extraArgs: readonly string[] = []): Promise<ServerProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), 'bcs-e2e-'));
    const server = new ServerProcess(dataDir, extraArgs);
    await server.spawn();
    return server;
  }

  /** Everything the process printed so far (stdout and stderr). */
  get log(): string {
    return this.output;
  }

  private async spawn(): Promise<void> {
    this.output = '';
    const child = spawn(
      process.execPath,
      [BIN, '--port', '0', '--data-dir', this.dataDir, '--cluster-id', CLUSTER_ID, ...this.extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BCS_LOG_LEVEL: 'warn' } },
    );
    this.child = child;
    this.url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(this.output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Sends `signal` and waits for the process to exit; resolves to its exit code (null when killed). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const code = await stopChild(this.child, signal);
    this.child = undefined;
    return code;
  }

  /** SIGKILLs the process (no clean shutdown) and starts a new one on the same data dir. */
  async crashAndRestart(): Promise<void> {
    await this.stop('SIGKILL');
    await this.spawn();
  }

  /** Stops gracefully and starts again on the same data dir. */
  async restart(): Promise<void> {
    await this.stop('SIGTERM');
    await this.spawn();
  }

  /** Stops the process and removes the data dir. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** Calls the v4 API with the cluster header; returns status and parsed envelope. */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Envelope }> {
    return callApi(this.url, method, path, body);
  }
}

/** The v4 envelope as the tests read it. */
export interface Envelope {
  result: boolean;
  code: number;
  message: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary data shapes.
  data: any;
}

/**
 * One HTTP call with `fetch`. `body` is JSON-encoded unless it is a string (sent as is, for malformed JSON).
 * `headers` replaces the default cluster header when given.
 */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'BCS-ClusterID': CLUSTER_ID },
): Promise<{ status: number; body: Envelope }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(
    `${baseUrl}${path.startsWith('/v4') || path.startsWith('/bcsapi') ? '' : V4}${path}`,
    init,
  );
  const text = await res.text();
  let parsed: Envelope;
  try {
    parsed = JSON.parse(text) as Envelope;
  } catch {
    throw new Error(`${method} ${path}: not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed };
}
