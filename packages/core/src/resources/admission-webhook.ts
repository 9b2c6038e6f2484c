import { type AdmissionWebhookDefinition, AdmissionWebhookSchema } from '../validation/admission-webhook.js';
import { createValidator } from '../validation/validate.js';
import type { NamespacedKind } from './kind.js';
import type { ObjectMeta } from './meta.js';

/** A stored admission webhook configuration. */
export type AdmissionWebhook = Omit<AdmissionWebhookDefinition, 'metadata'> & { metadata: ObjectMeta };

/** The admission webhook kind: collection `admissionwebhook`, key `<namespace>/<name>`. */
export const admissionWebhookKind: NamespacedKind<AdmissionWebhookDefinition> = {
  kind: 'admissionwebhook',
  collection: 'admissionwebhook',
  validator: createValidator('admissionwebhook', AdmissionWebhookSchema),
};
