import { anAdmissionWebhook, type JsonObject } from '@bcs/testing/builders';
import { describe, expect, it } from 'vitest';
import { AdmissionWebhookSchema } from '../../src/validation/admission-webhook.js';
import { createValidator } from '../../src/validation/validate.js';

const validator = createValidator('admissionwebhook', AdmissionWebhookSchema);
/** The example's first webhook with `patch` spread over it (a patched field is replaced whole). */
const hook = (patch: object) => ({
  ...(anAdmissionWebhook().admissionWebhooks as JsonObject[])[0],
  ...patch,
});

describe('admission webhook schema', () => {
  it("accepts the document's example (kind Application in any case)", () => {
    expect(validator.parse(anAdmissionWebhook())).toEqual(anAdmissionWebhook());
  });

  it.each(['application', 'Deployment', 'DEPLOYMENT'])('accepts resourcesRef.kind %s', (kind) => {
    expect(
      validator.issues({ ...anAdmissionWebhook(), resourcesRef: { operation: 'Update', kind } }),
    ).toEqual([]);
  });

  it('states the allowed operations', () => {
    expect(
      validator.issues({
        ...anAdmissionWebhook(),
        resourcesRef: { operation: 'Delete', kind: 'application' },
      }),
    ).toEqual([{ path: 'resourcesRef.operation', rule: 'must be Create or Update (any case)' }]);
  });

  it.each([
    ['resourcesRef.kind', { resourcesRef: { operation: 'Create', kind: 'process' } }],
    ['admissionWebhooks[0].failurePolicy', { admissionWebhooks: [hook({ failurePolicy: 'Retry' })] }],
    [
      'admissionWebhooks[0].clientConfig.url',
      { admissionWebhooks: [hook({ clientConfig: { url: 'ftp://x' } })] },
    ],
    ['admissionWebhooks[0].clientConfig.port', { admissionWebhooks: [hook({ clientConfig: { port: 0 } })] }],
    ['admissionWebhooks[0].name', { admissionWebhooks: [hook({ name: '' })] }],
    ['admissionWebhooks', { admissionWebhooks: undefined }],
    // Each webhook may take 30 s and a create waits for all that match: a configuration lists at most 16.
    [
      'admissionWebhooks',
      { admissionWebhooks: Array.from({ length: 17 }, (_, i) => hook({ name: `w${i}` })) },
    ],
    [
      'admissionWebhooks[0].namespaceSelector.values',
      {
        admissionWebhooks: [
          hook({
            namespaceSelector: { operator: 'In', values: Array.from({ length: 1001 }, (_, i) => `n${i}`) },
          }),
        ],
      },
    ],
  ])('names %s', (path, patch) => {
    expect(validator.issues({ ...anAdmissionWebhook(), ...patch }).map((issue) => issue.path)).toEqual([
      path,
    ]);
  });
});
