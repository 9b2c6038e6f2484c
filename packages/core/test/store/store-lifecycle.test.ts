import { describe, expect, it } from 'vitest';
import { BcsError, ErrorCode } from '../../src/errors.js';
import type { StoreStatus } from '../../src/ports/store.js';
import { StoreLifecycle, type StoreLifecycleHooks } from '../../src/store/store-lifecycle.js';

/** A lifecycle whose hooks record their calls; `failOpen` makes the next open reject. */
function recorded(initial?: 'open' | 'closed') {
  const calls: string[] = [];
  const state = { failOpen: false };
  const hooks: StoreLifecycleHooks = {
    open: async () => {
      calls.push('open');
      if (state.failOpen) throw new Error('disk on fire');
    },
    close: async () => {
      calls.push('close');
    },
    notOpen: (status: StoreStatus) => new BcsError(ErrorCode.StoreNotOpen, `store is ${status}`),
  };
  return { lifecycle: new StoreLifecycle(hooks, initial), calls, state };
}

const notOpen = expect.objectContaining({ code: ErrorCode.StoreNotOpen });

describe('StoreLifecycle', () => {
  it('starts closed by default, opens through opening, and closes through closing', async () => {
    const { lifecycle, calls } = recorded();
    expect(lifecycle.status).toBe('closed');
    const opening = lifecycle.open();
    expect(lifecycle.status).toBe('opening');
    await opening;
    expect(lifecycle.status).toBe('open');
    const closing = lifecycle.close();
    expect(lifecycle.status).toBe('closing');
    await closing;
    expect(lifecycle.status).toBe('closed');
    expect(calls).toEqual(['open', 'close']);
  });

  it('starts open when asked, without calling the open hook', async () => {
    const { lifecycle, calls } = recorded('open');
    expect(lifecycle.status).toBe('open');
    expect(await lifecycle.run(() => 7)).toBe(7);
    expect(calls).toEqual([]);
  });

  it('is idempotent, also concurrently, and reopens after a close', async () => {
    const { lifecycle, calls } = recorded();
    await Promise.all([lifecycle.open(), lifecycle.open()]);
    await Promise.all([lifecycle.close(), lifecycle.close(), lifecycle.close()]);
    const reopened = lifecycle.open();
    await Promise.all([reopened, lifecycle.open()]);
    expect(lifecycle.status).toBe('open');
    expect(calls).toEqual(['open', 'close', 'open']);
  });

  it('open() while closing reopens once the close is done', async () => {
    const { lifecycle, calls } = recorded('open');
    const closing = lifecycle.close();
    const opening = lifecycle.open();
    await closing;
    await opening;
    expect(lifecycle.status).toBe('open');
    expect(calls).toEqual(['close', 'open']);
  });

  it('a failed open goes back to closed and rejects open() and the operations waiting for it', async () => {
    const { lifecycle, state } = recorded();
    state.failOpen = true;
    const opening = lifecycle.open();
    const waiting = lifecycle.run(() => 'never');
    await expect(opening).rejects.toThrow('disk on fire');
    await expect(waiting).rejects.toThrow('disk on fire');
    expect(lifecycle.status).toBe('closed');
    state.failOpen = false;
    await lifecycle.open();
    expect(lifecycle.status).toBe('open');
  });

  it('runs an operation synchronously when open, and turns a throw into a rejection', async () => {
    const { lifecycle } = recorded('open');
    let ran = false;
    const result = lifecycle.run(() => {
      ran = true;
    });
    expect(ran).toBe(true);
    await result;
    await expect(
      lifecycle.run(() => {
        throw new Error('bad');
      }),
    ).rejects.toThrow('bad');
  });

  it('runs an operation issued while opening once open, even if close() follows', async () => {
    const { lifecycle, calls } = recorded();
    void lifecycle.open();
    const result = lifecycle.run(() => {
      calls.push('operation');
      return lifecycle.status;
    });
    const closing = lifecycle.close();
    expect(await result).toBe('closing');
    await closing;
    expect(calls).toEqual(['open', 'operation', 'close']);
  });

  it('close() waits for every operation accepted before it', async () => {
    const { lifecycle, calls } = recorded('open');
    let finish: () => void = () => {};
    const slow = lifecycle.run(
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            calls.push('operation done');
            resolve();
          };
        }),
    );
    const closing = lifecycle.close();
    await Promise.resolve();
    expect(calls).toEqual([]);
    finish();
    await Promise.all([slow, closing]);
    expect(calls).toEqual(['operation done', 'close']);
  });

  it.each<['closing' | 'closed']>([['closing'], ['closed']])(
    'rejects an operation issued while %s with the notOpen error',
    async (status) => {
      const { lifecycle } = recorded('open');
      const closing = lifecycle.close();
      if (status === 'closed') await closing;
      expect(lifecycle.status).toBe(status);
      await expect(lifecycle.run(() => 1)).rejects.toEqual(notOpen);
      await closing;
    },
  );
});
