import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aConfigMap, anApplication } from '@bcs/testing/builders';
import { type EtcdCluster, startEtcd } from '@bcs/testing/etcd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_ID, ServerProcess } from './helpers/server-process.js';
import { waitFor } from './helpers/wait.js';

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
  return (await etcdRange(etcd.endpoints[0] as string, prefix)).map((kv) => kv.key);
}

/** The keys and values under `prefix` on the etcd at `endpoint`. */
async function etcdRange(endpoint: string, prefix: string): Promise<{ key: string; value: string }[]> {
  const end = Buffer.from(prefix);
  end[end.length - 1] = (end[end.length - 1] as number) + 1;
  const response = await fetch(`${endpoint}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from(prefix).toString('base64'), range_end: end.toString('base64') }),
  });
  const body = (await response.json()) as { kvs?: { key: string; value?: string }[] };
  return (body.kvs ?? []).map((kv) => ({
    key: Buffer.from(kv.key, 'base64').toString('utf8'),
    value: Buffer.from(kv.value ?? '', 'base64').toString('utf8'),
  }));
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

describe('bcs-scheduler --store etcd:// with the simulated cluster', () => {
  it('runs 150 taskgroups (commits over 128 operations: split batches) and finds them Running after a SIGKILL', async () => {
    const own = await startEtcd({ members: 1 });
    const app = await ServerProcess.start([
      '--sim-agents',
      '20',
      '--store',
      (own.endpoints[0] as string).replace('http://', 'etcd://'),
    ]);
    try {
      const body = anApplication({ spec: { instance: 150 } }) as unknown as {
        spec: { template: { spec: { containers: Record<string, unknown>[] } } };
      };
      body.spec.template.spec.containers[0]!.resources = { limits: { cpu: '0.25', memory: '64' } };
      expect((await app.call('POST', '/namespaces/defaultGroup/applications', body)).status).toBe(200);
      const list = () => app.call('GET', '/namespaces/defaultGroup/applications/app-test/taskgroups');
      const running = (res: Awaited<ReturnType<typeof list>>) =>
        res.body.data.filter((tg: { Status: string }) => tg.Status === 'Running').length === 150;
      const before = await waitFor(list, running, undefined, 90_000);
      const ids = before.body.data.map((tg: { ID: string }) => tg.ID).sort();
      // The engine's commits of the 150 taskgroups hold more than etcd's 128 operations per transaction: the
      // store wrote them as split batches (one revision's log lists them all).
      const logs = await etcdRange(own.endpoints[0] as string, `/bcs/${CLUSTER_ID}/store/log/`);
      expect(Math.max(...logs.map((log) => (JSON.parse(log.value) as unknown[]).length))).toBeGreaterThan(
        128,
      );
      await app.crashAndRestart();
      const after = await waitFor(list, running, undefined, 90_000);
      expect(after.body.data.map((tg: { ID: string }) => tg.ID).sort()).toEqual(ids);
    } finally {
      await app.dispose();
      await own.stop();
    }
  }, 240_000);
});
