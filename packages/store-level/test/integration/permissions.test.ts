import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLevelStore } from '../../src/index.js';

// Issue 9 §0 "Credentials … on disk": the LevelDB directory is 0700 and its files 0600, whatever the umask
// (LevelDB itself creates them 0755/0644 under the usual 022).

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bcs-modes-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function expectPrivate(location: string): Promise<void> {
  expect(await mode(location)).toBe(0o700);
  const files = await readdir(location);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect([file, await mode(join(location, file))]).toEqual([file, 0o600]);
}

describe('a LevelDB store on disk', () => {
  it('creates its directory 0700 and files 0600, and keeps them so after writes and close', async () => {
    const location = join(root, 'nested', 'store');
    const store = createLevelStore({ location });
    await store.open();
    await expectPrivate(location);
    expect(await mode(join(root, 'nested'))).toBe(0o700);
    await store.put('configmaps', 'ns/a', { secret: 'x' });
    await store.close();
    await expectPrivate(location);
  });

  it('tightens an existing directory and files made with looser modes', async () => {
    const location = join(root, 'store');
    const first = createLevelStore({ location });
    await first.open();
    await first.close();
    await chmod(location, 0o755);
    for (const file of await readdir(location)) await chmod(join(location, file), 0o644);
    await writeFile(join(location, 'stray'), 'x', { mode: 0o666 });
    await chmod(join(location, 'stray'), 0o666);
    await mkdir(join(location, 'sub'), { mode: 0o777 });
    await chmod(join(location, 'sub'), 0o777);

    const store = createLevelStore({ location });
    await store.open();
    expect(await mode(location)).toBe(0o700);
    expect(await mode(join(location, 'stray'))).toBe(0o600);
    expect(await mode(join(location, 'sub'))).toBe(0o700);
    expect(await mode(join(location, 'CURRENT'))).toBe(0o600);
    await store.close();
  });
});
