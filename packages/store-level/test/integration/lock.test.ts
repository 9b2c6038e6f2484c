import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@bcs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createLevelStore } from '../../src/index.js';

const location = mkdtempSync(join(tmpdir(), 'bcs-lock-'));

afterAll(() => rmSync(location, { recursive: true, force: true }));

describe('classic-level specifics', () => {
  it('a second store on a locked directory fails to open with StoreNotOpen and a Level cause', async () => {
    const first = createLevelStore({ location });
    await first.open();
    const second = createLevelStore({ location });
    const failure = await second.open().catch((error: unknown) => error);
    expect(failure).toHaveProperty('code', ErrorCode.StoreNotOpen);
    expect((failure as Error).cause).toHaveProperty('code');
    expect(second.status).toBe('closed');
    await first.close();
    await second.open();
    expect(await second.revision()).toBe(0);
    await second.close();
  });

  it('reports classic-level as persistent', async () => {
    const store = createLevelStore({ location });
    await store.open();
    expect(store.capabilities.persistent).toBe(true);
    await store.close();
  });
});
