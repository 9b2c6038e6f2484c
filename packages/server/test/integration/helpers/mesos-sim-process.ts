import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MesosEvent, MesosFrameworkInfo } from '@bcs/core';
import { stopChild } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The built command (the test script runs `tsc -b` first). */
export const SIM_BIN = resolve(here, '../../../dist/bin/bcs-mesos-sim.js');

/** A `bcs-mesos-sim` child process on ephemeral loopback ports, with a data dir that outlives restarts. */
export class MesosSimProcess {
  private child: ChildProcess | undefined;
  output = '';
  urls: string[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly args: readonly string[],
  ) {}

  static async start(args: readonly string[] = []): Promise<MesosSimProcess> {
    const sim = new MesosSimProcess(await mkdtemp(join(tmpdir(), 'bcs-mesos-sim-')), args);
    await sim.spawn();
    return sim;
  }

  /** Spawns and waits for one `listening on URL` line per master. */
  async spawn(): Promise<void> {
    this.output = '';
    const masters = Number(this.args[this.args.indexOf('--masters') + 1] ?? 1) || 1;
    const child = spawn(
      process.execPath,
      [SIM_BIN, '--port', '0', '--data-dir', this.dataDir, ...this.args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.urls = await new Promise<string[]>((done, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bcs-mesos-sim did not start:\n${this.output}`)),
        20_000,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        const urls = [...this.output.matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1]!);
        if (urls.length === masters) {
          clearTimeout(timer);
          done(urls);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bcs-mesos-sim exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Sends `signal`; resolves to the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const code = await stopChild(this.child, signal);
    this.child = undefined;
    return code;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** GET an admin endpoint (`/admin/calls`, `/admin/tasks`, `/admin/state`); every master answers them. */
  async admin<T>(path: string): Promise<T> {
    const res = await fetch(`${this.urls[0]}${path}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** `GET /admin/state`. */
  state(): Promise<SimAdminState> {
    return this.admin<SimAdminState>('/admin/state');
  }

  /** POSTs `body` to an admin endpoint (`/admin/faults`, `/admin/status`) and expects 200. */
  async post(path: string, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.urls[0]}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  }
}

/** `GET /admin/state` of `bcs-mesos-sim` (counts, not lists). */
export interface SimAdminState {
  leader: string;
  recovering: boolean;
  frameworkId: string | null;
  subscribed: boolean;
  agents: number;
  tasks: number;
  eventsWritten: number;
}

/** A SUBSCRIBE stream read with fetch: RecordIO decoded into `events`. */
export class SimSubscription {
  readonly events: MesosEvent[] = [];
  ended = false;

  private constructor(
    readonly url: string,
    readonly streamId: string,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, framework: MesosFrameworkInfo): Promise<SimSubscription> {
    const abort = new AbortController();
    const res = await fetch(`${url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        type: 'SUBSCRIBE',
        ...(framework.id === undefined ? {} : { framework_id: framework.id }),
        subscribe: { framework_info: framework },
      }),
      signal: abort.signal,
    });
    if (res.status !== 200 || res.body === null) throw new Error(`SUBSCRIBE answered ${res.status}`);
    const subscription = new SimSubscription(url, res.headers.get('mesos-stream-id') ?? '', abort);
    void subscription.read(res.body);
    return subscription;
  }

  get frameworkId(): string {
    const first = this.events.find((e) => e.type === 'SUBSCRIBED');
    return first?.type === 'SUBSCRIBED' ? first.subscribed.framework_id.value : '';
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    let buffer = Buffer.alloc(0);
    try {
      for await (const chunk of body) {
        buffer = Buffer.concat([buffer, Buffer.from(chunk)]);
        for (;;) {
          const newline = buffer.indexOf(0x0a);
          if (newline < 0) break;
          const length = Number(buffer.subarray(0, newline).toString('ascii'));
          if (buffer.length < newline + 1 + length) break;
          this.events.push(JSON.parse(buffer.subarray(newline + 1, newline + 1 + length).toString('utf8')));
          buffer = buffer.subarray(newline + 1 + length);
        }
      }
    } catch {
      // aborted, or the process went away
    }
    this.ended = true;
  }

  /** A call with `framework_id` and `Mesos-Stream-Id`; resolves to the status. */
  async call(call: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${this.url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': this.streamId },
      body: JSON.stringify({ framework_id: { value: this.frameworkId }, ...call }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async waitFor(predicate: (events: readonly MesosEvent[]) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!predicate(this.events)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${this.events.map((e) => e.type)}`);
      await new Promise((done) => setTimeout(done, 10));
    }
  }

  close(): void {
    this.abort.abort();
  }
}
