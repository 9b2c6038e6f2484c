import { type SecretDefinition, SecretSchema, secretIssues } from '../validation/secret.js';
import { createValidator } from '../validation/validate.js';
import type { NamespacedKind } from './kind.js';
import type { ObjectMeta } from './meta.js';

/** A stored secret. */
export type Secret = Omit<SecretDefinition, 'metadata'> & { metadata: ObjectMeta };

/** The secret kind: collection `secret`, key `<namespace>/<name>`. */
export const secretKind: NamespacedKind<SecretDefinition> = {
  kind: 'secret',
  collection: 'secret',
  validator: createValidator('secret', SecretSchema),
  rules: secretIssues,
};
