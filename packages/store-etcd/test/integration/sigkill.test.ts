import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StoreKeys } from '../../src/keys.js';
import { useEtcd } from '../support.js';

const fixture = fileURLToPath(new URL('../fixtures/split-writer.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const etcd = useEtcd(['--max-txn-ops=8']);
const limits = { maxTxnOps: 8, maxTxnBytes: 4096 };

/** Runs the writer until it pauses before `phase`/`index` of its split batch, then SIGKILLs it. */
async function killBetweenParts(clusterId: string, phase: string, index: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [fixture, etcd.cluster.endpoints[0] as string, clusterId, phase, String(index)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const kinds: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const record = JSON.parse(line) as { kind: string };
    kinds.push(record.kind);
    if (record.kind === 'paused') child.kill('SIGKILL');
  }
  const signal = await exited;
  if (!kinds.includes('paused')) throw new Error(`writer did not reach ${phase} ${index}: ${stderr}`);
  expect(kinds).toEqual(['put', 'paused']);
  expect(signal).toBe('SIGKILL');
}

describe('a writer SIGKILLed between two parts of a split batch', () => {
  it.each([
    ['log', 1, 'rolled back', 1],
    ['apply', 2, 'rolled forward', 2],
  ] as const)('before %s part %i: the next open leaves it %s', async (phase, index, _outcome, revision) => {
    expect(existsSync(built), 'build first: pnpm exec tsc -b (the fixture runs the built package)').toBe(
      true,
    );
    const clusterId = `t-${randomUUID()}`;
    await killBetweenParts(clusterId, phase, index);
    const keys = new StoreKeys(clusterId);
    // The kill left the intent record behind.
    expect((await etcd.client.kv.range({ key: keys.pending })).kvs).toHaveLength(1);

    const store = await etcd.store(clusterId, limits);
    expect((await etcd.client.kv.range({ key: keys.pending })).kvs).toHaveLength(0);
    expect(await store.revision()).toBe(revision);
    expect(await store.get('thing', 'before')).toEqual({ key: 'before', value: { n: 1 }, revision: 1 });
    const tasks = await store.list('taskgroup');
    expect(tasks).toHaveLength(revision === 2 ? 40 : 0);
    expect(tasks.every((entry) => entry.revision === 2)).toBe(true);
    const feed = (await store.changes({ after: 0 })).changes;
    expect(feed).toHaveLength(revision === 2 ? 41 : 1);
    expect(await store.put('thing', 'next', 1)).toBe(revision + 1);
  });
});
