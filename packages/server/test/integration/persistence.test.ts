import {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aConfigMap,
  aCustomResourceDefinition,
  anAdmissionWebhook,
  anAgentSetting,
  anAgentSettingUpdate,
  anAgentTaintList,
  aSecret,
  aService,
} from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from './helpers/server-process.js';

// Every endpoint of the declarative resources, driven with the API document's example bodies against the real
// `bcs-scheduler` process (LevelDB on disk, loopback HTTP). After each write is answered the process is
// SIGKILLed and restarted on the same data dir: everything read back must equal what was there before the kill.
// Graceful restarts are checked at the end. No simulated cluster (`--sim-agents 0`): none of these resources
// needs one, and each restart is then only the store's.

let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start(['--sim-agents', '0']);
});
afterAll(() => server.dispose());

const NS = 'defaultGroup';
const CR_BASE = '/customresources/bkbcs.tencent.com/v2';

/** Reads everything the API can list. */
async function snapshot(): Promise<Record<string, unknown>> {
  const paths = {
    configmaps: `/namespaces/${NS}/configmaps`,
    secrets: `/namespaces/${NS}/secrets`,
    services: `/namespaces/${NS}/services`,
    agentsettings: '/agentsettings',
    crds: '/customresourcedefinitions',
    customresources: `${CR_BASE}/bklogconfigs`,
    webhooks: '/admissionwebhooks',
  };
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(paths)) {
    const res = await server.call('GET', path);
    if (name === 'customresources' && res.status === 404) {
      out[name] = 'CRD not registered yet';
      continue;
    }
    expect(res.status, `${name}: ${res.body.message}`).toBe(200);
    out[name] = res.body.data;
  }
  return out;
}

/** One write, answered with success; then SIGKILL, restart, and the state must be unchanged. */
async function writeThenCrash(
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await server.call(method, path, body);
  expect(res.body.message).toBe('success');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ result: true, code: 0 });
  const before = await snapshot();
  await server.crashAndRestart();
  expect(await snapshot()).toEqual(before);
  return before;
}

describe('declarative resources survive SIGKILL right after each answered write', () => {
  it('configmaps: create, update, delete', async () => {
    let state = await writeThenCrash('POST', `/namespaces/${NS}/configmaps`, aConfigMap());
    expect(state.configmaps).toHaveLength(1);
    const updated = aConfigMap({ datas: { 'item-one': { content: 'bmV3IGNvbnRlbnQ=' } } });
    state = await writeThenCrash('PUT', `/namespaces/${NS}/configmaps`, updated);
    const got = await server.call('GET', `/namespaces/${NS}/configmaps/configmap-test`);
    expect(got.body.data.datas['item-one'].content).toBe('bmV3IGNvbnRlbnQ=');
    expect(got.body.data.metadata.creationTimestamp).toEqual(expect.any(String));
    await writeThenCrash(
      'POST',
      `/namespaces/${NS}/configmaps`,
      aConfigMap({ metadata: { name: 'doomed' } }),
    );
    state = await writeThenCrash('DELETE', `/namespaces/${NS}/configmaps/doomed`);
    expect((state.configmaps as unknown[]).length).toBe(1);
    expect((await server.call('GET', `/namespaces/${NS}/configmaps/doomed`)).status).toBe(404);
  });

  it('secrets: create, update, delete', async () => {
    await writeThenCrash('POST', `/namespaces/${NS}/secrets`, aSecret());
    await writeThenCrash('PUT', `/namespaces/${NS}/secrets`, aSecret({ type: 'opaque' }));
    expect((await server.call('GET', `/namespaces/${NS}/secrets/secret-test`)).body.data.type).toBe('opaque');
    await writeThenCrash('POST', `/namespaces/${NS}/secrets`, aSecret({ metadata: { name: 'doomed' } }));
    const state = await writeThenCrash('DELETE', `/namespaces/${NS}/secrets/doomed`);
    expect(state.secrets).toHaveLength(1);
  });

  it('services: create, update, delete', async () => {
    await writeThenCrash('POST', `/namespaces/${NS}/services`, aService());
    await writeThenCrash(
      'PUT',
      `/namespaces/${NS}/services`,
      aService({ metadata: { labels: { BCSGROUP: 'inner' } } }),
    );
    const got = await server.call('GET', `/namespaces/${NS}/services/service-test`);
    expect(got.body.data.metadata.labels).toEqual({ BCSGROUP: 'inner' });
    await writeThenCrash('POST', `/namespaces/${NS}/services`, aService({ metadata: { name: 'doomed' } }));
    const state = await writeThenCrash('DELETE', `/namespaces/${NS}/services/doomed`);
    expect(state.services).toHaveLength(1);
  });

  it('agent settings: set, update, disable, enable, taint, delete', async () => {
    await writeThenCrash('POST', '/agentsettings', [anAgentSetting()]);
    await writeThenCrash('POST', '/agentsettings/update', anAgentSettingUpdate());
    await writeThenCrash('POST', '/agentsettings/disable?ips=127.0.0.1,127.0.0.2');
    let one = await server.call('GET', '/agentsettings?ips=127.0.0.2');
    expect(one.body.data).toEqual([expect.objectContaining({ innerIP: '127.0.0.2', disabled: true })]);
    await writeThenCrash('POST', '/agentsettings/enable?ips=127.0.0.2');
    await writeThenCrash('PUT', '/agentsettings/taint', anAgentTaintList());
    one = await server.call('GET', '/agentsettings?ips=127.0.0.1');
    expect(one.body.data[0]).toMatchObject({ disabled: true, noSchedule: { key1: 'value1' } });
    expect(one.body.data[0].strings.attr3).toEqual({ value: '333333' });
    const state = await writeThenCrash('DELETE', '/agentsettings?ips=127.0.0.2');
    expect((state.agentsettings as { innerIP: string }[]).map((s) => s.innerIP)).toEqual(['127.0.0.1']);
  });

  it('custom resource definitions and custom resources: every URL form', async () => {
    await writeThenCrash('POST', '/customresourcedefinitions', aBkLogConfigDefinition());
    const crd = await server.call('GET', '/customresourcesdefinitions/bklogconfig.bkbcs.tencent.com');
    expect(crd.body.data.spec.names.plural).toBe('bklogconfigs');
    await writeThenCrash('POST', `${CR_BASE}/global/bklogconfigs`, aBkLogConfig());
    await writeThenCrash(
      'POST',
      `${CR_BASE}/namespaces/global/bklogconfigs`,
      aBkLogConfig({ metadata: { name: 'second' } }),
    );
    await writeThenCrash(
      'PUT',
      `${CR_BASE}/global/bklogconfigs/myappconfig`,
      aBkLogConfig({ spec: { level: 4 } }),
    );
    const got = await server.call('GET', `${CR_BASE}/namespaces/global/bklogconfigs/myappconfig`);
    expect(got.body.data.spec.level).toBe(4);
    const state = await writeThenCrash('DELETE', `${CR_BASE}/namespaces/global/bklogconfigs/second`);
    expect(state.customresources).toHaveLength(1);
    const inNamespace = await server.call('GET', `${CR_BASE}/namespaces/global/bklogconfigs`);
    expect(inNamespace.body.data).toHaveLength(1);
  });

  it('admission webhooks: create, update, get and delete on both path forms', async () => {
    await writeThenCrash('POST', `/crd/namespaces/${NS}/admissionwebhook`, anAdmissionWebhook());
    await writeThenCrash(
      'PUT',
      `/namespaces/${NS}/admissionwebhook`,
      anAdmissionWebhook({ resourcesRef: { operation: 'Update' } }),
    );
    const got = await server.call('GET', `/crd/namespaces/${NS}/admissionwebhook/webhook-test`);
    expect(got.body.data.resourcesRef.operation).toBe('Update');
    await writeThenCrash(
      'POST',
      `/namespaces/${NS}/admissionwebhook`,
      anAdmissionWebhook({ metadata: { name: 'doomed' } }),
    );
    const state = await writeThenCrash('DELETE', `/crd/namespaces/${NS}/admissionwebhook/doomed`);
    expect(state.webhooks).toHaveLength(1);
  });

  it('deleting a CRD removes its custom resources, durably', async () => {
    // The document's other CRD example: logcollector.bkbcs.tencent.com serving crontabs (kind CronTab) at v1.
    expect(
      (await server.call('POST', '/customresourcedefinitions', aCustomResourceDefinition())).status,
    ).toBe(200);
    const cron = aBkLogConfig({ apiVersion: 'bkbcs.tencent.com/v1', kind: 'CronTab' });
    const created = await server.call('POST', '/customresources/bkbcs.tencent.com/v1/global/crontabs', cron);
    expect(created.status).toBe(200);
    await writeThenCrash('DELETE', '/customresourcedefinitions/logcollector.bkbcs.tencent.com');
    expect((await server.call('GET', '/customresources/bkbcs.tencent.com/v1/crontabs')).status).toBe(404);
    expect((await server.call('GET', `${CR_BASE}/bklogconfigs`)).body.data).toHaveLength(1);
  });

  it('keeps everything across a graceful restart, and the SIGTERM exit is clean', async () => {
    const before = await snapshot();
    await server.restart();
    expect(await snapshot()).toEqual(before);
  });

  it('serves the same data under /bcsapi', async () => {
    const direct = await server.call('GET', `/v4/scheduler/mesos/namespaces/${NS}/configmaps/configmap-test`);
    const gateway = await server.call(
      'GET',
      `/bcsapi/v4/scheduler/mesos/namespaces/${NS}/configmaps/configmap-test`,
    );
    expect(gateway.status).toBe(200);
    expect(gateway.body).toEqual(direct.body);
  });
});
