import { type ServiceDefinition, ServiceSchema, serviceIssues } from '../validation/service.js';
import { createValidator } from '../validation/validate.js';
import type { NamespacedKind } from './kind.js';
import type { ObjectMeta } from './meta.js';

/** A stored BCS service. */
export type Service = Omit<ServiceDefinition, 'metadata'> & { metadata: ObjectMeta };

/** The service kind: collection `service`, key `<namespace>/<name>`. */
export const serviceKind: NamespacedKind<ServiceDefinition> = {
  kind: 'service',
  collection: 'service',
  validator: createValidator('service', ServiceSchema),
  rules: serviceIssues,
};
