import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; examples run from there, as the READMEs say. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The built entry point of an example. `pnpm test` runs `tsc -b` before vitest, so it exists. */
export function exampleMain(name: 'embed-core' | 'server' | 'watch'): string {
  const main = join(ROOT, 'examples', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (tsc -b) first`);
  return main;
}

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const started = new Set<NodeProcess>();

/**
 * A `node` child process whose stdout and stderr go to one file, in the order the child wrote them (both fds
 * share one open file description), so a test can read "what came before what". Every process started is
 * tracked; {@link stopAll} kills those still running and removes every output file.
 */
export class NodeProcess {
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string,
    private readonly dir: string,
    readonly description: string,
  ) {
    this.exited = new Promise((done) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        done(this.exit);
      });
    });
  }

  /** Starts `node <script> ...args` in the repository root, with `env` added to this process's environment. */
  static async start(script: string, args: readonly string[] = [], env: Record<string, string> = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'bcs-example-out-'));
    const logFile = join(dir, 'output.log');
    const handle = await open(logFile, 'a');
    try {
      const child = spawn(process.execPath, [script, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', handle.fd, handle.fd],
      });
      const node = new NodeProcess(child, logFile, dir, `${script} ${args.join(' ')}`);
      started.add(node);
      return node;
    } finally {
      // The child has its own copies of the descriptor.
      await handle.close();
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything printed so far, stdout and stderr interleaved as written. */
  async output(): Promise<string> {
    return readFile(this.logFile, 'utf8');
  }

  /**
   * Polls the output every 50 ms until `pattern` matches it, and returns the match. Fails after `ms`, or as
   * soon as the process has exited without printing it, with the output in the message.
   */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const text = await this.output();
      const match = pattern.exec(text);
      if (match !== null) return match;
      if (this.exit !== undefined || Date.now() > deadline) {
        const why =
          this.exit === undefined ? `not printed within ${ms} ms` : `exited ${JSON.stringify(this.exit)}`;
        throw new Error(`${this.description}: ${pattern} ${why}; output:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for the process to end by itself; fails after `ms` with the output. */
  async waitForExit(ms = 30_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          void this.output().then((text) =>
            reject(new Error(`${this.description}: still running after ${ms} ms; output:\n${text}`)),
          ),
        ms,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` if still running, without waiting (SIGSTOP and SIGCONT pause and resume it). */
  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /** Sends `signal` (if still running) and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<Exit> {
    if (this.exit === undefined) this.child.kill(signal);
    return this.exited;
  }

  /** Kills the process if it still runs and removes its output file. */
  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Kills every process started and not yet ended, and removes their output files. For `afterEach`. */
export async function stopAll(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.all(all.map((p) => p.dispose()));
}
