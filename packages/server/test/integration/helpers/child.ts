import type { ChildProcess } from 'node:child_process';

/**
 * Sends `signal` to `child` and waits for it to exit; resolves to its exit code (null when killed by a signal).
 * A child that already exited (or none) resolves at once.
 */
export async function stopChild(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals,
): Promise<number | null> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null)
    return child?.exitCode ?? null;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill(signal);
  return exited;
}
