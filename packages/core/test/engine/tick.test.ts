import type { ListOptions, Store } from '@bcs/core';
import { createMemoryStore } from '@bcs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentSettingService } from '../../src/index.js';
import { createHarness, type Harness, smallApp } from './harness.js';

// The engine's once-a-second work is proportional to what changed (issue 11 §4): in steady state its tick
// (kills, held offers, event retention, reconciliation) and the offer rounds between ticks read nothing from the
// store. Agent settings in particular are pushed to the engine by every write (agentSettingsChanged), so the
// tick does not re-read them (before issue 9 it listed every setting every second).

let h: Harness | undefined;
afterEach(() => h?.dispose());
const NS = 'defaultGroup';

/** A memory store that counts `get` and `list` calls by collection. */
function countingStore(): { store: Store; reads: Map<string, number> } {
  const store = createMemoryStore();
  const reads = new Map<string, number>();
  const count = (collection: string) => reads.set(collection, (reads.get(collection) ?? 0) + 1);
  const get = store.get.bind(store);
  const list = store.list.bind(store);
  store.get = <T>(collection: string, key: string) => {
    count(collection);
    return get<T>(collection, key);
  };
  store.list = <T>(collection: string, options?: ListOptions) => {
    count(collection);
    return list<T>(collection, options);
  };
  return { store, reads };
}

describe('the engine tick', () => {
  it('reads nothing from the store in steady state, agent settings included', async () => {
    const { store, reads } = countingStore();
    h = await createHarness({ store });
    await h.container.resolve(AgentSettingService).disable(['127.0.0.9']);
    await h.apps.create(NS, smallApp({ spec: { instance: 2 } }));
    await h.advance(5000);
    expect(h.apps.get(NS, 'app-test').taskGroups.map((tg) => tg.status)).toEqual(['Running', 'Running']);
    reads.clear();
    await h.advance(10_000, 500);
    expect(Object.fromEntries(reads)).toEqual({});
  });
});
