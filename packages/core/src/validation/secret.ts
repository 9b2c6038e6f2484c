import { type Static, Type } from '@sinclair/typebox';
import { DATA_KEY_PATTERN } from './configmap.js';
import { ApiVersion, KindLiteral, NamespacedMeta } from './rules.js';

export const SecretItemSchema = Type.Object({
  /** Where the value is delivered (an env name or file path); the API document's example sets it. */
  path: Type.Optional(Type.String()),
  /** The secret value. Never echoed in errors or logs. */
  content: Type.String(),
});

/** `POST|PUT /namespaces/{ns}/secrets`, the API document's createSecret body. */
export const SecretSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: KindLiteral('secret'),
  metadata: NamespacedMeta(),
  type: Type.Optional(Type.String()),
  datas: Type.Record(Type.String({ pattern: DATA_KEY_PATTERN }), SecretItemSchema, {
    additionalProperties: false,
    errorMessage: 'keys must be 1-253 letters, digits, ".", "_" or "-"',
  }),
});

export type SecretDefinition = Static<typeof SecretSchema>;
