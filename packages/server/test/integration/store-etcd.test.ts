import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aConfigMap } from '@bcs/testing/builders';
import { type EtcdCluster, startEtcd } from '@bcs/testing/etcd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_ID, ServerProcess } from './helpers/server-process.js';

// `bcs-scheduler --store etcd://…` against a real etcd on loopback: the state lives in etcd under
// /bcs/<cluster-id>/, not in the data dir, and an answered write survives a SIGKILL of the scheduler.
let etcd: EtcdCluster;
let server: ServerProcess;
beforeAll(async () => {
  etcd = await startEtcd({ members: 1 });
  const endpoint = (etcd.endpoints[0] as string).replace('http://', 'etcd://');
  server = await ServerProcess.start(['--sim-agents', '0', '--store', endpoint]);
});
afterAll(async () => {
  await server?.dispose();
  await etcd?.stop();
});

/** The keys under `prefix`, through etcd's JSON gateway (`/v3/kv/range`, keys base64). */
async function etcdKeys(prefix: string): Promise<string[]> {
  const end = Buffer.from(prefix);
  end[end.length - 1] = (end[end.length - 1] as number) + 1;
  const response = await fetch(`${etcd.endpoints[0]}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({
      key: Buffer.from(prefix).toString('base64'),
      range_end: end.toString('base64'),
      keys_only: true,
    }),
  });
  const body = (await response.json()) as { kvs?: { key: string }[] };
  return (body.kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString('utf8'));
}

describe('bcs-scheduler --store etcd://', () => {
  it('keeps the state in etcd: a configmap written before a SIGKILL is there after the restart', async () => {
    const created = await server.call('POST', '/namespaces/defaultGroup/configmaps', aConfigMap());
    expect(created.status).toBe(200);
    await server.crashAndRestart();
    const got = await server.call('GET', '/namespaces/defaultGroup/configmaps/configmap-test');
    expect(got.status).toBe(200);
    expect(got.body.data.metadata.name).toBe('configmap-test');

    // Not in the data dir: in etcd, under the cluster id.
    expect(existsSync(join(server.dataDir, 'store'))).toBe(false);
    expect(await etcdKeys(`/bcs/${CLUSTER_ID}/store/data/configmap/`)).toEqual([
      `/bcs/${CLUSTER_ID}/store/data/configmap/defaultGroup/configmap-test`,
    ]);
  });
});
