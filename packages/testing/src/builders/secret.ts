import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A secret body as a client sends it (loose JSON). */
export type SecretBody = JsonObject;

/** spec/api-v4.md createSecret, verbatim. */
const EXAMPLE: SecretBody = {
  apiVersion: 'v4',
  kind: 'secret',
  metadata: {
    name: 'secret-test',
    namespace: 'defaultGroup',
    labels: {},
  },
  type: '',
  datas: {
    'secret-subkey': {
      path: 'SECRET_ENV_TEST',
      content: 'Y29uZmlnIGNvbnRleHQ=',
    },
  },
};

/** A fresh copy of the API document's createSecret body (`secret-test` in `defaultGroup`) with `overrides` deep-merged. */
export function aSecret(overrides?: DeepPartial<SecretBody>): SecretBody {
  return deepMerge(EXAMPLE, overrides);
}
