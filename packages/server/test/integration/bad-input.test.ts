import { ErrorCode } from '@bcs/core';
import {
  aBkLogConfig,
  aBkLogConfigDefinition,
  aConfigMap,
  anAdmissionWebhook,
  anAgentSetting,
  anAgentSettingUpdate,
  anAgentTaintList,
  aSecret,
  aService,
} from '@bcs/testing/builders';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, startInProcess } from './helpers/in-process.js';

// For every endpoint that takes input: a table of bad inputs. Each must get a 4xx v4 envelope (result false,
// non-zero code, data null) whose message names the offending field, and must leave the store exactly as it was
// (its revision does not move). The real server runs in this process on a loopback port, LevelDB on disk.

const BODY_LIMIT = 64 * 1024;
const NS = 'defaultGroup';
const CR = '/customresources/bkbcs.tencent.com/v2';

let api: InProcessServer;
beforeAll(async () => {
  api = await startInProcess({ bodyLimit: BODY_LIMIT });
  // Existing objects, so that updates are refused for their input, not because the target is missing.
  const seeds: [string, string, unknown][] = [
    ['POST', `/namespaces/${NS}/configmaps`, aConfigMap()],
    ['POST', `/namespaces/${NS}/secrets`, aSecret()],
    ['POST', `/namespaces/${NS}/services`, aService()],
    ['POST', '/agentsettings', [anAgentSetting()]],
    ['POST', '/customresourcedefinitions', aBkLogConfigDefinition()],
    ['POST', `${CR}/global/bklogconfigs`, aBkLogConfig()],
    ['POST', `/crd/namespaces/${NS}/admissionwebhook`, anAdmissionWebhook()],
  ];
  for (const [method, path, body] of seeds) {
    const res = await api.call(method, path, body);
    expect(res.status, `${method} ${path}: ${res.body.message}`).toBe(200);
  }
});
afterAll(() => api.close());

/** A JSON edit: set (or delete, with `undefined`) the value at a dotted path; `[i]` indexes arrays. */
function edit<T>(body: T, path: string, value: unknown): T {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy as T;
}

interface Case {
  readonly label: string;
  readonly body: unknown;
  /** The field the message must name. */
  readonly field: string;
  readonly status?: number;
  readonly code?: number;
  /** A path other than the endpoint's (name mismatches on routes with a name). */
  readonly path?: string;
}

interface Endpoint {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  /** A body this endpoint accepts (used to build the generic cases). */
  readonly valid: () => unknown;
  readonly cases: readonly Case[];
}

const invalid = (label: string, body: unknown, field: string, extra: Partial<Case> = {}): Case => ({
  label,
  body,
  field,
  ...extra,
});

const configMapCases = (update: boolean): Case[] => [
  invalid('missing metadata.name', edit(aConfigMap(), 'metadata.name', undefined), 'metadata.name'),
  invalid('datas of the wrong type', edit(aConfigMap(), 'datas', 'text'), 'datas'),
  invalid('the wrong kind', edit(aConfigMap(), 'kind', 'secret'), 'kind'),
  invalid(
    'a namespace that differs from the URL',
    edit(aConfigMap(), 'metadata.namespace', 'other'),
    'metadata.namespace',
  ),
  invalid('a dot in the name', edit(aConfigMap(), 'metadata.name', 'a.b'), 'metadata.name'),
  invalid(
    'file content that is not base64',
    edit(aConfigMap(), 'datas.item-one.content', '%%%'),
    'datas.item-one.content',
  ),
  invalid(
    'an item type that does not exist',
    edit(aConfigMap(), 'datas.item-one.type', 'smb'),
    'datas.item-one.type',
  ),
  update
    ? invalid('an update of a missing configmap', edit(aConfigMap(), 'metadata.name', 'missing'), 'missing', {
        status: 404,
        code: ErrorCode.NotFound,
      })
    : invalid('a duplicate create', aConfigMap(), 'configmap-test', {
        status: 409,
        code: ErrorCode.AlreadyExists,
      }),
];

const secretCases = (update: boolean): Case[] => [
  invalid('missing datas', edit(aSecret(), 'datas', undefined), 'datas'),
  invalid(
    'content of the wrong type',
    edit(aSecret(), 'datas.secret-subkey.content', 42),
    'datas.secret-subkey.content',
  ),
  invalid('the wrong kind', edit(aSecret(), 'kind', 'configmap'), 'kind'),
  invalid(
    'a namespace that differs from the URL',
    edit(aSecret(), 'metadata.namespace', 'other'),
    'metadata.namespace',
  ),
  update
    ? invalid('an update of a missing secret', edit(aSecret(), 'metadata.name', 'missing'), 'missing', {
        status: 404,
        code: ErrorCode.NotFound,
      })
    : invalid('a duplicate create', aSecret(), 'secret-test', { status: 409, code: ErrorCode.AlreadyExists }),
];

const serviceCases = (update: boolean): Case[] => [
  invalid('missing spec', edit(aService(), 'spec', undefined), 'spec'),
  invalid(
    'a port that is not a number',
    edit(aService(), 'spec.ports[0].servicePort', 'http'),
    'spec.ports[0].servicePort',
  ),
  invalid(
    'a port out of range',
    edit(aService(), 'spec.ports[0].servicePort', 70000),
    'spec.ports[0].servicePort',
  ),
  invalid('the wrong kind', edit(aService(), 'kind', 'Service'), 'kind'),
  invalid(
    'a namespace that differs from the URL',
    edit(aService(), 'metadata.namespace', 'other'),
    'metadata.namespace',
  ),
  update
    ? invalid('an update of a missing service', edit(aService(), 'metadata.name', 'missing'), 'missing', {
        status: 404,
        code: ErrorCode.NotFound,
      })
    : invalid('a duplicate create', aService(), 'service-test', {
        status: 409,
        code: ErrorCode.AlreadyExists,
      }),
];

const webhookCases = (update: boolean): Case[] => [
  invalid(
    'an unknown operation',
    edit(anAdmissionWebhook(), 'resourcesRef.operation', 'Delete'),
    'resourcesRef.operation',
  ),
  invalid(
    'an unknown failure policy',
    edit(anAdmissionWebhook(), 'admissionWebhooks[0].failurePolicy', 'Maybe'),
    'admissionWebhooks[0].failurePolicy',
  ),
  invalid(
    'admissionWebhooks of the wrong type',
    edit(anAdmissionWebhook(), 'admissionWebhooks', {}),
    'admissionWebhooks',
  ),
  invalid('the wrong kind', edit(anAdmissionWebhook(), 'kind', 'webhook'), 'kind'),
  invalid(
    'a namespace that differs from the URL',
    edit(anAdmissionWebhook(), 'metadata.namespace', 'other'),
    'metadata.namespace',
  ),
  update
    ? invalid(
        'an update of a missing webhook',
        edit(anAdmissionWebhook(), 'metadata.name', 'missing'),
        'missing',
        {
          status: 404,
          code: ErrorCode.NotFound,
        },
      )
    : invalid('a duplicate create', anAdmissionWebhook(), 'webhook-test', {
        status: 409,
        code: ErrorCode.AlreadyExists,
      }),
];

const crdCases: Case[] = [
  invalid('missing spec.group', edit(aBkLogConfigDefinition(), 'spec.group', undefined), 'spec.group'),
  invalid('the wrong kind', edit(aBkLogConfigDefinition(), 'kind', 'Definition'), 'kind'),
  invalid('an unknown scope', edit(aBkLogConfigDefinition(), 'spec.scope', 'Global'), 'spec.scope'),
  invalid(
    'a name outside its group',
    edit(aBkLogConfigDefinition(), 'metadata.name', 'bklogconfig.other.io'),
    'metadata.name',
  ),
  invalid(
    'versions of the wrong type',
    edit(aBkLogConfigDefinition(), 'spec.versions', 'v2'),
    'spec.versions',
  ),
];

const customResourceCases: Case[] = [
  invalid('the wrong kind', edit(aBkLogConfig(), 'kind', 'CronTab'), 'kind'),
  invalid(
    'an apiVersion that differs from the URL',
    edit(aBkLogConfig(), 'apiVersion', 'bkbcs.tencent.com/v1'),
    'apiVersion',
  ),
  invalid(
    'a namespace that differs from the URL',
    edit(aBkLogConfig(), 'metadata.namespace', 'other'),
    'metadata.namespace',
  ),
  invalid('missing metadata.name', edit(aBkLogConfig(), 'metadata.name', undefined), 'metadata.name'),
];

const endpoints: Endpoint[] = [
  {
    method: 'POST',
    path: `/namespaces/${NS}/configmaps`,
    valid: () => aConfigMap(),
    cases: configMapCases(false),
  },
  {
    method: 'PUT',
    path: `/namespaces/${NS}/configmaps`,
    valid: () => aConfigMap(),
    cases: configMapCases(true),
  },
  { method: 'POST', path: `/namespaces/${NS}/secrets`, valid: () => aSecret(), cases: secretCases(false) },
  { method: 'PUT', path: `/namespaces/${NS}/secrets`, valid: () => aSecret(), cases: secretCases(true) },
  { method: 'POST', path: `/namespaces/${NS}/services`, valid: () => aService(), cases: serviceCases(false) },
  { method: 'PUT', path: `/namespaces/${NS}/services`, valid: () => aService(), cases: serviceCases(true) },
  {
    method: 'POST',
    path: '/agentsettings',
    valid: () => [anAgentSetting()],
    cases: [
      invalid('an object instead of a list', anAgentSetting(), 'body'),
      invalid('an innerIP that is not IPv4', [anAgentSetting({ innerIP: '10.0.0' })], '[0].innerIP'),
      invalid('disabled of the wrong type', [edit(anAgentSetting(), 'disabled', 'yes')], '[0].disabled'),
      invalid(
        'a scalar that is not a number',
        [anAgentSetting({ scalars: { cpu: { value: 'x' } } })],
        '[0].scalars.cpu.value',
      ),
      invalid(
        'a valid entry followed by a bad one',
        [anAgentSetting({ innerIP: '127.0.0.9' }), { disabled: true }],
        '[1].innerIP',
      ),
    ],
  },
  {
    method: 'POST',
    path: '/agentsettings/update',
    valid: () => anAgentSettingUpdate(),
    cases: [
      invalid('an unsupported valuetype', anAgentSettingUpdate({ valuetype: 104 }), 'valuetype'),
      invalid('missing ips', edit(anAgentSettingUpdate(), 'ips', undefined), 'ips'),
      invalid('an IP that is not IPv4', anAgentSettingUpdate({ ips: ['127.0.0.1', 'host-a'] }), 'ips[1]'),
      invalid('a text value of the wrong type', edit(anAgentSettingUpdate(), 'text.value', 3), 'text.value'),
      invalid('missing name', edit(anAgentSettingUpdate(), 'name', undefined), 'name'),
    ],
  },
  {
    method: 'PUT',
    path: '/agentsettings/taint',
    valid: () => anAgentTaintList(),
    cases: [
      invalid(
        'noSchedule of the wrong type',
        edit(anAgentTaintList(), '[0].noSchedule', 'key1=value1'),
        '[0].noSchedule',
      ),
      invalid('missing innerIP', edit(anAgentTaintList(), '[1].innerIP', undefined), '[1].innerIP'),
      invalid('an object instead of a list', { innerIP: '127.0.0.1', noSchedule: {} }, 'body'),
    ],
  },
  {
    method: 'POST',
    path: '/customresourcedefinitions',
    valid: () => aBkLogConfigDefinition(),
    cases: crdCases,
  },
  {
    method: 'PUT',
    path: '/customresourcedefinitions/bklogconfig.bkbcs.tencent.com',
    valid: () => aBkLogConfigDefinition(),
    cases: [
      ...crdCases,
      invalid('a name that differs from the URL', aBkLogConfigDefinition(), 'metadata.name', {
        path: '/customresourcedefinitions/other.bkbcs.tencent.com',
        status: 400,
      }),
    ],
  },
  {
    method: 'POST',
    path: `${CR}/global/bklogconfigs`,
    valid: () => aBkLogConfig(),
    cases: customResourceCases,
  },
  {
    method: 'POST',
    path: `${CR}/namespaces/global/bklogconfigs`,
    valid: () => aBkLogConfig(),
    cases: customResourceCases,
  },
  {
    method: 'PUT',
    path: `${CR}/global/bklogconfigs/myappconfig`,
    valid: () => aBkLogConfig(),
    cases: [
      ...customResourceCases.filter((c) => c.field !== 'metadata.name'),
      invalid(
        'a name that differs from the URL',
        aBkLogConfig({ metadata: { name: 'other' } }),
        'metadata.name',
      ),
    ],
  },
  {
    method: 'POST',
    path: `/crd/namespaces/${NS}/admissionwebhook`,
    valid: () => anAdmissionWebhook(),
    cases: webhookCases(false),
  },
  {
    method: 'PUT',
    path: `/namespaces/${NS}/admissionwebhook`,
    valid: () => anAdmissionWebhook(),
    cases: webhookCases(true),
  },
];

/** Cases every body endpoint shares: malformed JSON, an oversized body, and the cluster header. */
function genericCases(endpoint: Endpoint): (Case & { headers?: Record<string, string> })[] {
  const valid = JSON.stringify(endpoint.valid());
  return [
    {
      label: 'malformed JSON',
      body: valid.slice(0, -2),
      field: 'JSON',
      status: 400,
      code: ErrorCode.JsonDecode,
    },
    { label: 'an empty body', body: '', field: 'body', status: 400, code: ErrorCode.JsonDecode },
    {
      label: 'a body over the limit',
      body: `${valid.slice(0, -1)},"padding":"${'x'.repeat(BODY_LIMIT)}"}`,
      field: 'limit',
      status: 413,
      code: ErrorCode.ReadBody,
    },
    {
      label: 'no BCS-ClusterID header',
      body: valid,
      field: 'BCS-ClusterID',
      code: ErrorCode.FilterFailed,
      headers: {},
    },
    {
      label: 'a wrong BCS-ClusterID header',
      body: valid,
      field: 'BCS-ClusterID',
      code: ErrorCode.FilterFailed,
      headers: { 'BCS-ClusterID': 'BCS-SOMEONE-ELSE' },
    },
    { label: 'a JSON string instead of a document', body: '"hello"', field: 'body', status: 400 },
  ];
}

describe.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))(
  '%s refuses bad input',
  (_, endpoint) => {
    const cases = [...genericCases(endpoint), ...endpoint.cases];
    it.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
      const before = await api.server.store.revision();
      const headers = 'headers' in c ? (c.headers as Record<string, string>) : undefined;
      const res = await api.call(endpoint.method, c.path ?? endpoint.path, c.body, headers);
      expect(res.body).toEqual({
        result: false,
        code: expect.any(Number),
        message: expect.any(String),
        data: null,
      });
      expect(res.body.code).not.toBe(0);
      expect(res.status).toBe(c.status ?? 400);
      if (c.code !== undefined) expect(res.body.code).toBe(c.code);
      else
        expect([ErrorCode.InvalidData, ErrorCode.BadParams, ErrorCode.FilterFailed]).toContain(res.body.code);
      expect(res.body.message).toContain(c.field);
      expect(await api.server.store.revision()).toBe(before);
    });
  },
);

describe('endpoints without a body refuse bad parameters and missing objects', () => {
  const table: [string, string, string, number, number, string][] = [
    [
      'GET a configmap in a dotted namespace',
      'GET',
      '/namespaces/a.b/configmaps/x',
      400,
      ErrorCode.BadParams,
      'namespace',
    ],
    [
      'DELETE a configmap with a bad name',
      'DELETE',
      `/namespaces/${NS}/configmaps/bad_name`,
      400,
      ErrorCode.BadParams,
      'name',
    ],
    [
      'DELETE a missing configmap',
      'DELETE',
      `/namespaces/${NS}/configmaps/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'GET a missing configmap',
      'GET',
      `/namespaces/${NS}/configmaps/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'DELETE a missing secret',
      'DELETE',
      `/namespaces/${NS}/secrets/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'DELETE a missing service',
      'DELETE',
      `/namespaces/${NS}/services/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'GET agent settings of a bad IP',
      'GET',
      '/agentsettings?ips=127.0.0.1,nope',
      400,
      ErrorCode.BadParams,
      'ips[1]',
    ],
    ['GET one agent setting by a bad IP', 'GET', '/agentsettings/nope', 400, ErrorCode.BadParams, 'ip'],
    ['GET a missing agent setting', 'GET', '/agentsettings/10.9.9.9', 404, ErrorCode.NotFound, '10.9.9.9'],
    ['DELETE agent settings without ips', 'DELETE', '/agentsettings', 400, ErrorCode.BadParams, 'ips'],
    [
      'DELETE agent settings of a missing IP',
      'DELETE',
      '/agentsettings?ips=127.0.0.1,10.9.9.9',
      404,
      ErrorCode.NotFound,
      '10.9.9.9',
    ],
    ['disable without ips', 'POST', '/agentsettings/disable', 400, ErrorCode.BadParams, 'ips'],
    ['enable a bad IP', 'POST', '/agentsettings/enable?ips=300.1.1.1', 400, ErrorCode.BadParams, 'ips[0]'],
    [
      'GET a missing CRD',
      'GET',
      '/customresourcedefinitions/none.example.com',
      404,
      ErrorCode.NotFound,
      'none.example.com',
    ],
    [
      'DELETE a missing CRD',
      'DELETE',
      '/customresourcedefinitions/none.example.com',
      404,
      ErrorCode.NotFound,
      'none.example.com',
    ],
    [
      'GET resources of an unknown plural',
      'GET',
      `${CR}/namespaces/global/widgets`,
      404,
      ErrorCode.NotFound,
      'widgets',
    ],
    [
      'GET a missing custom resource',
      'GET',
      `${CR}/namespaces/global/bklogconfigs/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'DELETE a missing custom resource',
      'DELETE',
      `${CR}/namespaces/global/bklogconfigs/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'GET resources at a version not served',
      'GET',
      '/customresources/bkbcs.tencent.com/v9/bklogconfigs',
      400,
      ErrorCode.BadParams,
      'version',
    ],
    [
      'GET a missing webhook',
      'GET',
      `/crd/namespaces/${NS}/admissionwebhook/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
    [
      'DELETE a missing webhook',
      'DELETE',
      `/namespaces/${NS}/admissionwebhook/missing`,
      404,
      ErrorCode.NotFound,
      'missing',
    ],
  ];
  it.each(table)('%s', async (_label, method, path, status, code, field) => {
    const before = await api.server.store.revision();
    const res = await api.call(method, path);
    expect(res.body).toEqual({ result: false, code, message: expect.any(String), data: null });
    expect(res.status).toBe(status);
    expect(res.body.message).toContain(field);
    expect(await api.server.store.revision()).toBe(before);
  });
});

describe('secret contents never appear in error messages', () => {
  it('a refused secret does not echo any of its values', async () => {
    const secret = aSecret({
      kind: 'Secret',
      datas: { 'secret-subkey': { content: 'c3VwZXItc2VjcmV0LXZhbHVl' } },
    });
    const res = await api.call('POST', `/namespaces/${NS}/secrets`, secret);
    expect(res.status).toBe(400);
    expect(res.body.message).not.toContain('c3VwZXItc2VjcmV0LXZhbHVl');
  });
});
