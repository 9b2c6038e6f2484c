import { describe, expect, it } from 'vitest';
import { AdmissionWebhookSchema } from '../../src/validation/admission-webhook.js';
import { createValidator } from '../../src/validation/validate.js';

/** spec/api-v4.md createadmission. */
const docExample = () => ({
  apiVersion: 'v4',
  kind: 'admissionwebhook',
  metadata: { name: 'webhook-test', namespace: 'defaultGroup' },
  resourcesRef: { operation: 'Create', kind: 'Application' },
  admissionWebhooks: [
    {
      name: 'container-sidecar',
      failurePolicy: 'Ignore',
      clientConfig: {
        caBundle: 'xxxxxxxxx',
        namespace: 'sidecar-webhook-namespace',
        name: 'sidecar-webhook-service',
      },
    },
    {
      name: 'container-images',
      failurePolicy: 'Fail',
      clientConfig: {
        caBundle: 'xxxxxxxxx',
        namespace: 'image-webhook-namespace',
        name: 'image-webhook-service',
      },
    },
  ],
});

const validator = createValidator('admissionwebhook', AdmissionWebhookSchema);
const hook = (patch: object) => ({ ...docExample().admissionWebhooks[0], ...patch });

describe('admission webhook schema', () => {
  it("accepts the document's example (kind Application in any case)", () => {
    expect(validator.parse(docExample())).toEqual(docExample());
  });

  it.each(['application', 'Deployment', 'DEPLOYMENT'])('accepts resourcesRef.kind %s', (kind) => {
    expect(validator.issues({ ...docExample(), resourcesRef: { operation: 'Update', kind } })).toEqual([]);
  });

  it('states the allowed operations', () => {
    expect(
      validator.issues({ ...docExample(), resourcesRef: { operation: 'Delete', kind: 'application' } }),
    ).toEqual([{ path: 'resourcesRef.operation', rule: 'must be one of: Create, Update' }]);
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
  ])('names %s', (path, patch) => {
    expect(validator.issues({ ...docExample(), ...patch }).map((issue) => issue.path)).toEqual([path]);
  });
});
