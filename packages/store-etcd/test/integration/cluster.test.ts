import { startEtcd } from '@bcs/testing/etcd';
import { afterAll, describe, expect, it } from 'vitest';
import { createEtcdStore, type EtcdStore } from '../../src/index.js';

// A 3-member etcd (the shape of the HA tests to come): the store writes through any member, and losing one
// member changes nothing.
const cluster = await startEtcd({ members: 3 });
const stores: EtcdStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await cluster.stop();
});

/** A store that talks to the members at `indices` only. */
async function storeOn(indices: readonly number[], clusterId = 'ha'): Promise<EtcdStore> {
  const hosts = indices.map((index) => cluster.endpoints[index] as string);
  const store = createEtcdStore({
    clusterId,
    etcd: { hosts, defaultCallOptions: () => ({ deadline: Date.now() + 5_000 }) },
  });
  stores.push(store);
  await store.open();
  return store;
}

describe('a 3-member etcd cluster', () => {
  it('a write through one member is read through another, and one member down changes nothing', async () => {
    const first = await storeOn([0]);
    const third = await storeOn([2]);
    expect(await first.put('thing', 'a', 1)).toBe(1);
    expect(await third.get('thing', 'a')).toEqual({ key: 'a', value: 1, revision: 1 });

    await cluster.kill(0);
    const rest = await storeOn([1, 2]);
    expect(await rest.batch([{ type: 'put', collection: 'thing', key: 'b', value: 2 }])).toBe(2);
    expect(await third.list('thing')).toHaveLength(2);

    await cluster.restart(0);
    const back = await storeOn([0]);
    expect(await back.get('thing', 'b')).toEqual({ key: 'b', value: 2, revision: 2 });
    expect((await back.changes({ after: 0 })).changes.map((change) => change.key)).toEqual(['a', 'b']);
  });
});
