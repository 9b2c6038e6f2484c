// The built `bcs-scheduler` command in its own process, for the HTTP benchmarks: the load generator or poller
// runs in the bench process, the server in this child.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command (`pnpm bench` runs `tsc -b` first); `BCS_BENCH_BIN` names another build (an A/B against an older commit). */
export const BIN =
  process.env.BCS_BENCH_BIN ??
  fileURLToPath(new URL('../packages/server/dist/bin/bcs-scheduler.js', import.meta.url));

/**
 * Starts the command on a free loopback port with `dataDir`, `clusterId` and extra flags; resolves once it
 * printed `listening on`, to `{ url, stop, pid, child }` (`stop` sends SIGTERM and resolves when it exited;
 * `pid` is the server's process id, for /proc sampling; `child` the ChildProcess, whose stdout carries the
 * server's log lines when `args` sets `--log-level`). `nodeArgs` go to node before the command (e.g.
 * `--expose-gc`); `ipc` opens an IPC channel to the child (`child.send`, the soak benchmark's probe); `bin`
 * runs another build of the command than {@link BIN} (the open-loop A/B runs two in one process).
 */
export async function startServerProcess({
  dataDir,
  clusterId,
  args = [],
  nodeArgs = [],
  ipc = false,
  bin = BIN,
}) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, bin, '--port', '0', '--data-dir', dataDir, '--cluster-id', clusterId, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc'] : [])],
      env: { ...process.env, BCS_LOG_LEVEL: 'silent' },
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const stop = () =>
    new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  return { url, stop, pid: child.pid, child };
}
