import { describe, expect, it } from 'vitest';
import {
  type AdmissionWebhook,
  admitsNamespace,
  caBundlePem,
  planAdmission,
  readAdmissionAnswer,
  webhookUrl,
} from '../../src/index.js';

function config(
  namespace: string,
  name: string,
  ref: { operation: string; kind: string },
  hooks: { name: string; selector?: { operator: 'In' | 'NotIn'; values: string[] } }[],
): AdmissionWebhook {
  return {
    apiVersion: 'v4',
    kind: 'admissionwebhook',
    metadata: { name, namespace, creationTimestamp: '2026-11-24T06:04:00Z' },
    resourcesRef: ref,
    admissionWebhooks: hooks.map((hook) => ({
      name: hook.name,
      failurePolicy: 'Fail',
      clientConfig: { url: `https://${hook.name}.test/` },
      ...(hook.selector === undefined ? {} : { namespaceSelector: hook.selector }),
    })),
  } as AdmissionWebhook;
}

describe('webhookUrl', () => {
  // The table of its doc comment.
  it.each([
    [{ url: 'https://hook.example:8443/mutate' }, 'https://hook.example:8443/mutate'],
    [{ name: 'svc', namespace: 'ns' }, 'https://svc.ns:443/'],
    [{ name: 'svc', namespace: 'ns', port: 8443, path: 'v1/admit' }, 'https://svc.ns:8443/v1/admit'],
    [{ name: 'svc' }, 'https://svc:443/'],
    [{ url: 'http://10.0.0.1/x', name: 'svc', namespace: 'ns' }, 'http://10.0.0.1/x'],
    [{ namespace: 'ns' }, undefined],
  ])('%j → %s', (clientConfig, url) => {
    expect(webhookUrl(clientConfig)).toBe(url);
  });
});

describe('planAdmission', () => {
  const configs = [
    config('zeta', 'a', { operation: 'Create', kind: 'application' }, [{ name: 'z1' }]),
    config('alpha', 'b', { operation: 'create', kind: 'Application' }, [{ name: 'b1' }, { name: 'b2' }]),
    config('alpha', 'a', { operation: 'Create', kind: 'APPLICATION' }, [
      { name: 'a1', selector: { operator: 'In', values: ['prod'] } },
      { name: 'a2', selector: { operator: 'NotIn', values: ['prod'] } },
    ]),
    config('alpha', 'c', { operation: 'Update', kind: 'application' }, [{ name: 'c1' }]),
    config('alpha', 'd', { operation: 'Create', kind: 'deployment' }, [{ name: 'd1' }]),
  ];
  const names = (ns: string) =>
    planAdmission(configs, 'Create', 'application', ns).map((t) => `${t.config}/${t.webhook.name}`);

  it('orders configurations by namespace then name, webhooks in list order, matching case-insensitively', () => {
    expect(names('prod')).toEqual(['alpha/a/a1', 'alpha/b/b1', 'alpha/b/b2', 'zeta/a/z1']);
    expect(names('dev')).toEqual(['alpha/a/a2', 'alpha/b/b1', 'alpha/b/b2', 'zeta/a/z1']);
  });

  it('picks by operation and kind', () => {
    expect(planAdmission(configs, 'Update', 'application', 'x').map((t) => t.webhook.name)).toEqual(['c1']);
    expect(planAdmission(configs, 'Create', 'deployment', 'x').map((t) => t.webhook.name)).toEqual(['d1']);
    expect(planAdmission(configs, 'Update', 'deployment', 'x')).toEqual([]);
  });

  it.each([
    [undefined, 'any', true],
    [{ operator: 'In' as const, values: ['a', 'b'] }, 'b', true],
    [{ operator: 'In' as const, values: ['a'] }, 'b', false],
    [{ operator: 'NotIn' as const, values: ['a'] }, 'b', true],
    [{ operator: 'NotIn' as const, values: ['a'] }, 'a', false],
  ])('namespaceSelector %j admits %s: %s', (selector, namespace, admitted) => {
    expect(admitsNamespace(selector, namespace)).toBe(admitted);
  });
});

describe('caBundlePem', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  it.each([
    [Buffer.from(pem).toString('base64'), pem],
    [pem, pem],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (bundle, expected) => {
    expect(caBundlePem(bundle)).toBe(expected);
  });
});

describe('readAdmissionAnswer', () => {
  const patch = [{ op: 'add', path: '/a', value: 1 }];
  it.each([
    ['an envelope allowing', { allowed: true }, { kind: 'allowed' }],
    ['an envelope with a patch', { allowed: true, patch }, { kind: 'allowed', patch }],
    [
      'an envelope with a base64 patch',
      { allowed: true, patch: Buffer.from(JSON.stringify(patch)).toString('base64') },
      { kind: 'allowed', patch },
    ],
    [
      'an envelope refusing',
      { allowed: false, status: { message: 'no' } },
      { kind: 'refused', message: 'no' },
    ],
    [
      'a Kubernetes AdmissionReview',
      { kind: 'AdmissionReview', response: { allowed: false, status: { message: 'denied' } } },
      { kind: 'refused', message: 'denied' },
    ],
    ['a bare JSON Patch', patch, { kind: 'allowed', patch }],
    [
      'another object (whole-body replacement)',
      { kind: 'application', x: 1 },
      { kind: 'replaced', body: { kind: 'application', x: 1 } },
    ],
    ['allowed that is not a boolean', { allowed: 'yes' }, { kind: 'invalid' }],
    ['a string', 'ok', { kind: 'invalid' }],
  ])('%s', (_label, body, expected) => {
    expect(readAdmissionAnswer(JSON.stringify(body))).toMatchObject(expected);
  });

  it('reads a body that is not JSON as invalid', () => {
    expect(readAdmissionAnswer('<html>').kind).toBe('invalid');
    expect(readAdmissionAnswer('').kind).toBe('invalid');
  });
});
