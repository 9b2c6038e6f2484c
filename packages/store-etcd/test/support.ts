import { randomUUID } from 'node:crypto';
import type { Store } from '@bcs/core';
import { type EtcdCluster, startEtcd } from '@bcs/testing/etcd';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll } from 'vitest';
import { createEtcdStore, type EtcdStore, type EtcdStoreOptions } from '../src/index.js';
import { StoreKeys } from '../src/keys.js';

/**
 * One etcd (a real child process on loopback, see @bcs/testing/etcd) for the whole test file, and one client
 * shared by the stores the file makes. Each store gets a cluster id of its own, so stores are isolated.
 */
export function useEtcd(extraArgs: readonly string[] = []) {
  let cluster: EtcdCluster | undefined;
  let client: Etcd3 | undefined;
  let starting: Promise<void> | undefined;
  const clusterIds = new WeakMap<Store, string>();
  // Started on first use: the conformance suite makes a probe store while vitest collects it, before hooks run.
  const start = (): Promise<void> => {
    starting ??= (async () => {
      cluster = await startEtcd({ members: 1, args: extraArgs });
      client = new Etcd3({ hosts: [...cluster.endpoints] });
    })();
    return starting;
  };
  beforeAll(start, 60_000);
  afterAll(async () => {
    client?.close();
    await cluster?.stop();
  });
  const context = {
    get cluster(): EtcdCluster {
      if (cluster === undefined) throw new Error('etcd not started');
      return cluster;
    },
    get client(): Etcd3 {
      if (client === undefined) throw new Error('etcd not started');
      return client;
    },
    /** An open store on the shared client under `clusterId` (a new, unique one by default). */
    async store(
      clusterId: string = `t-${randomUUID()}`,
      options: Partial<EtcdStoreOptions> = {},
    ): Promise<EtcdStore> {
      await start();
      const store = createEtcdStore({ clusterId, client: context.client, ...options });
      clusterIds.set(store, clusterId);
      await store.open();
      return store;
    },
    clusterIdOf(store: Store): string {
      const id = clusterIds.get(store);
      if (id === undefined) throw new Error('store not made by useEtcd');
      return id;
    },
    /** Writes text that is not an object record where the store keeps `collection`/`key`. */
    async plantUnreadable(store: Store, collection: string, key: string): Promise<void> {
      await start();
      const keys = new StoreKeys(context.clusterIdOf(store));
      await context.client.kv.put({ key: keys.object(collection, key), value: Buffer.from('{not json') });
    },
  };
  return context;
}
