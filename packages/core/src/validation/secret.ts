import { type Static, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { DATA_KEY_PATTERN } from './configmap.js';
import { ApiVersion, KindLiteral, NamespacedMeta } from './rules.js';

export const SecretItemSchema = Type.Object({
  /** Where the value is delivered (an env name or file path); the API document's example sets it. */
  path: Type.Optional(Type.String()),
  /** The secret value, base64 (spec/api-v4.md createSecret). Never echoed in errors or logs. */
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

/** Standard base64 with padding (Go's `base64.StdEncoding`); line breaks are ignored, as Go's decoder does. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Rules beyond the schema: each item's `content` is base64, as the API document says (`Y29uZmlnIGNvbnRleHQ=`).
 * The issue names the field, never the value.
 *
 * Example: `datas.secret-subkey.content` = `not base64!` → `datas.secret-subkey.content: must be base64`.
 */
export function secretIssues(definition: SecretDefinition): Issue[] {
  const issues: Issue[] = [];
  for (const [key, item] of Object.entries(definition.datas)) {
    if (!BASE64.test(item.content.replace(/\r?\n/g, ''))) {
      issues.push({ path: `datas.${key}.content`, rule: 'must be base64 (standard alphabet, padded)' });
    }
  }
  return issues;
}
