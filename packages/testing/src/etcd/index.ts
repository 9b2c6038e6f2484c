import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Members of the cluster: 1 (default) or 3. */
  readonly members?: 1 | 3;
  /** The etcd binary; default `$ETCD_BIN` or `etcd` on the PATH (Debian's `etcd-server` installs /usr/bin/etcd). */
  readonly bin?: string;
  /** Extra flags for every member, e.g. `['--max-txn-ops=16']`. */
  readonly args?: readonly string[];
  /** How long to wait for every member to answer `/health` (ms, default 30 000). */
  readonly readyTimeoutMs?: number;
  /**
   * Where the data directories go. Default: /dev/shm when it exists (fsync costs little: fast tests), else the
   * OS temp dir. A benchmark passes a directory on disk to measure etcd's real fsync cost.
   */
  readonly baseDir?: string;
}

/** One member of a cluster started by {@link startEtcd}. */
export interface EtcdMember {
  readonly name: string;
  /** `http://127.0.0.1:<port>`: the member's client URL. */
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** The member's process, undefined while it is stopped. */
  readonly process: ChildProcess | undefined;
}

/** A running etcd cluster on loopback. */
export interface EtcdCluster {
  /** The client URL of every member, in member order (what a client's `hosts` takes). */
  readonly endpoints: readonly string[];
  readonly members: readonly EtcdMember[];
  /** Sends `signal` (default SIGKILL) to member `index` and waits for it to exit; its data dir is kept. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts member `index` again on its data dir and waits for it to answer `/health`. */
  restart(index: number): Promise<void>;
  /** Kills every member and removes the data dirs. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released: another process could take it before etcd does). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}

/**
 * Starts an etcd cluster of 1 or 3 members as child processes on loopback: free ports, a fresh temporary data
 * directory per member (under /dev/shm when it exists, so fsync costs little in tests), and resolves once
 * every member answers `/health`. Call `stop()` in `afterAll`; the processes are also killed when this process
 * exits.
 *
 * @example
 * const etcd = await startEtcd({ members: 1 });
 * const store = createEtcdStore({ hosts: etcd.endpoints, clusterId: 'test' });
 * afterAll(() => etcd.stop());
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const bin = options.bin ?? process.env.ETCD_BIN ?? 'etcd';
  const base = options.baseDir ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const root = mkdtempSync(join(base, 'bcs-etcd-'));
  const token = `bcs-test-${process.pid}-${Date.now()}`;
  const specs: { name: string; clientUrl: string; peerUrl: string; dataDir: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientUrl = `http://127.0.0.1:${await freePort()}`;
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    specs.push({ name: `m${i}`, clientUrl, peerUrl, dataDir: join(root, `m${i}`) });
  }
  const initialCluster = specs.map((spec) => `${spec.name}=${spec.peerUrl}`).join(',');
  const processes: (ChildProcess | undefined)[] = specs.map(() => undefined);
  let stopped = false;

  const launch = (index: number): ChildProcess => {
    const spec = specs[index] as (typeof specs)[number];
    const child = spawn(
      bin,
      [
        `--name=${spec.name}`,
        `--data-dir=${spec.dataDir}`,
        `--listen-client-urls=${spec.clientUrl}`,
        `--advertise-client-urls=${spec.clientUrl}`,
        `--listen-peer-urls=${spec.peerUrl}`,
        `--initial-advertise-peer-urls=${spec.peerUrl}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=${token}`,
        '--logger=zap',
        '--log-level=error',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on('exit', (code, signal) => {
      if (!stopped && processes[index] === child && signal === null && code !== 0) {
        process.emitWarning(`etcd ${spec.name} exited with code ${code}: ${stderr}`);
      }
    });
    child.on('error', () => undefined);
    processes[index] = child;
    return child;
  };

  const waitHealthy = async (indices: readonly number[]): Promise<void> => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    for (const index of indices) {
      const spec = specs[index] as (typeof specs)[number];
      for (;;) {
        const child = processes[index];
        if (child === undefined || child.exitCode !== null)
          throw new Error(`startEtcd: member ${spec.name} exited before it was ready (is ${bin} installed?)`);
        if (await healthy(spec.clientUrl)) break;
        if (Date.now() > deadline) throw new Error(`startEtcd: member ${spec.name} not healthy in time`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const killOne = async (index: number, signal: NodeJS.Signals): Promise<void> => {
    const child = processes[index];
    if (child === undefined) return;
    processes[index] = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };

  const onExit = (): void => {
    for (const child of processes) child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await Promise.all(specs.map((_, index) => killOne(index, 'SIGKILL')));
    rmSync(root, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < count; i++) launch(i);
    await waitHealthy(specs.map((_, index) => index));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoints: specs.map((spec) => spec.clientUrl),
    get members() {
      return specs.map((spec, index) => ({ ...spec, process: processes[index] }));
    },
    kill: (index, signal = 'SIGKILL') => killOne(index, signal),
    restart: async (index) => {
      await killOne(index, 'SIGKILL');
      launch(index);
      await waitHealthy([index]);
    },
    stop,
  };
}
