import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** An admission webhook body as a client sends it (loose JSON). */
export type AdmissionWebhookBody = JsonObject;

/** spec/api-v4.md createadmission, verbatim. */
const EXAMPLE: AdmissionWebhookBody = {
  apiVersion: 'v4',
  kind: 'admissionwebhook',
  metadata: {
    name: 'webhook-test',
    namespace: 'defaultGroup',
  },
  resourcesRef: {
    operation: 'Create',
    kind: 'Application',
  },
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
};

/**
 * A fresh copy of the API document's createadmission body (`webhook-test`: two webhooks on `Create` of
 * `Application`, one `Ignore`, one `Fail`) with `overrides` deep-merged.
 */
export function anAdmissionWebhook(overrides?: DeepPartial<AdmissionWebhookBody>): AdmissionWebhookBody {
  return deepMerge(EXAMPLE, overrides);
}
