import { type Static, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { ApiVersion, KindLiteral, NamespacedMeta } from './rules.js';

/** A data key: letters, digits, `-`, `_` and `.`, 1–253 characters (a file or env name). */
export const DATA_KEY_PATTERN = '^[A-Za-z0-9._-]{1,253}$';

/** Where a configmap item's content comes from (spec/bcs-behaviour.md §1.6, §8.4). */
export const ConfigMapItemType = Type.Union(
  ['file', 'http', 'https', 'ftp', 'ftps'].map((t) => Type.Literal(t)),
  { default: 'file' },
);

export const ConfigMapItemSchema = Type.Object({
  type: ConfigMapItemType,
  /** Base64 file content for `file`; a URL for the remote types. */
  content: Type.String(),
  remoteUser: Type.Optional(Type.String()),
  remotePasswd: Type.Optional(Type.String()),
});

/** `POST|PUT /namespaces/{ns}/configmaps`, the API document's createConfigmap body. */
export const ConfigMapSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: KindLiteral('configmap'),
  metadata: NamespacedMeta(),
  datas: Type.Record(Type.String({ pattern: DATA_KEY_PATTERN }), ConfigMapItemSchema, {
    additionalProperties: false,
    errorMessage: 'keys must be 1-253 letters, digits, ".", "_" or "-"',
  }),
});

export type ConfigMapDefinition = Static<typeof ConfigMapSchema>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const REMOTE = /^(https?|ftps?):\/\/\S+$/;

/** Rules beyond the schema: `file` content is base64; remote content is a URL of its type's scheme. */
export function configMapIssues(definition: ConfigMapDefinition): Issue[] {
  const issues: Issue[] = [];
  for (const [key, item] of Object.entries(definition.datas)) {
    if (item.type === 'file' && !BASE64.test(item.content)) {
      issues.push({ path: `datas.${key}.content`, rule: 'must be base64 for type "file"' });
    } else if (
      item.type !== 'file' &&
      !(REMOTE.test(item.content) && item.content.startsWith(`${item.type}:`))
    ) {
      issues.push({
        path: `datas.${key}.content`,
        rule: `must be a ${item.type}:// URL for type "${item.type}"`,
      });
    }
  }
  return issues;
}
