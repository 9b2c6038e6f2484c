import type { TSchema } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import type { Validator } from '../validation/validate.js';
import type { ObjectMetaInput } from './meta.js';

/**
 * Describes a namespaced, declarative kind (configmap, secret, service, admission webhook) for the generic
 * CRUD service: how to validate a definition and where it is stored.
 */
export interface NamespacedKind<D extends { metadata: ObjectMetaInput }> {
  /** The `kind` value the endpoint takes; also the subject of error messages. */
  readonly kind: string;
  /** The store collection; keys are `<namespace>/<name>`. */
  readonly collection: string;
  readonly validator: Validator<TSchema>;
  /** Rules the schema cannot express; run after the schema passed. */
  readonly rules?: (definition: D) => Issue[];
}
