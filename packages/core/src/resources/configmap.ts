import { type ConfigMapDefinition, ConfigMapSchema, configMapIssues } from '../validation/configmap.js';
import { createValidator } from '../validation/validate.js';
import type { NamespacedKind } from './kind.js';
import type { ObjectMeta } from './meta.js';

/** A stored configmap: the definition with its metadata stamped. Read only when a taskgroup is built. */
export type ConfigMap = Omit<ConfigMapDefinition, 'metadata'> & { metadata: ObjectMeta };

/** The configmap kind: collection `configmap`, key `<namespace>/<name>`. */
export const configMapKind: NamespacedKind<ConfigMapDefinition> = {
  kind: 'configmap',
  collection: 'configmap',
  validator: createValidator('configmap', ConfigMapSchema),
  rules: configMapIssues,
};
