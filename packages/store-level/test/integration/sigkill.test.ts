import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLevelStore } from '../../src/index.js';

interface Answer {
  readonly kind: 'put' | 'batch';
  readonly i: number;
  readonly revision: number;
}

const fixture = fileURLToPath(new URL('../fixtures/sigkill-writer.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const directories: string[] = [];
/** How many answered writes the parent waits for before it kills the child. */
const ANSWERS = 400;

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** Runs the writer, collects the writes it reports as answered, and SIGKILLs it mid-stream. */
async function writeThenKill(
  location: string,
  writers: number,
): Promise<{ answers: Answer[]; signal: string | null }> {
  const child = spawn(process.execPath, [fixture, location, String(writers)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const answers: Answer[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const record = JSON.parse(line) as Answer | { kind: 'ready' };
    if (record.kind === 'ready') continue;
    answers.push(record);
    // Kill while the child is still writing: the write in flight may or may not land; answered ones must.
    if (answers.length === ANSWERS) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (answers.length < ANSWERS) throw new Error(`writer stopped early (${signal}): ${stderr}`);
  return { answers, signal };
}

describe('durability across SIGKILL', () => {
  // With 8 writers at once the store groups their writes into shared Level batches (group commit).
  it.each([1, 8])(
    '%i writer(s): every answered write survives with its revision, the change feed is intact',
    async (writers) => {
      expect(existsSync(built), 'build first: pnpm exec tsc -b (the fixture runs the built package)').toBe(
        true,
      );
      const location = mkdtempSync(join(tmpdir(), 'bcs-sigkill-'));
      directories.push(location);

      const { answers, signal } = await writeThenKill(location, writers);
      expect(signal).toBe('SIGKILL');

      const store = createLevelStore({ location });
      await store.open();
      try {
        const revision = await store.revision();
        expect(revision).toBeGreaterThanOrEqual(Math.max(...answers.map((answer) => answer.revision)));
        for (const answer of answers) {
          if (answer.kind === 'put') {
            expect(await store.get('thing', `p-${answer.i}`)).toEqual({
              key: `p-${answer.i}`,
              value: { i: answer.i },
              revision: answer.revision,
            });
          } else {
            for (const op of [0, 1]) {
              expect(await store.get('batch', `b-${answer.i}-${op}`)).toMatchObject({
                value: { i: answer.i, op },
                revision: answer.revision,
              });
            }
          }
        }

        const feed = await store.changes({ after: 0 });
        expect(feed.revision).toBe(revision);
        // One entry per put, two per batch, in revision order with no gaps.
        const revisions = [...new Set(feed.changes.map((change) => change.revision))];
        expect(revisions).toEqual(Array.from({ length: revision }, (_, index) => index + 1));
        for (const answer of answers) {
          const keys = feed.changes
            .filter((change) => change.revision === answer.revision)
            .map((change) => change.key);
          expect(keys).toEqual(
            answer.kind === 'put' ? [`p-${answer.i}`] : [`b-${answer.i}-0`, `b-${answer.i}-1`],
          );
        }
        // The store carries on from where the killed process stopped.
        expect(await store.put('thing', 'after-restart', true)).toBe(revision + 1);
      } finally {
        await store.close();
      }
    },
  );
});
