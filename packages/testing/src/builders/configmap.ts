import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A configmap body as a client sends it (loose JSON). */
export type ConfigMapBody = JsonObject;

/** spec/api-v4.md createConfigmap, verbatim. */
const EXAMPLE: ConfigMapBody = {
  apiVersion: 'v4',
  kind: 'configmap',
  metadata: {
    name: 'configmap-test',
    namespace: 'defaultGroup',
    labels: {},
  },
  datas: {
    'item-one': {
      type: 'file',
      content: 'Y29uZmlnIGNvbnRleHQ=',
    },
    'item-two': {
      type: 'file',
      content: 'Y29uZmlnIGNvbnRleHQ=',
    },
  },
};

/**
 * A fresh copy of the API document's createConfigmap body (`configmap-test` in `defaultGroup`, two base64
 * `file` items) with `overrides` deep-merged (see `deepMerge`).
 */
export function aConfigMap(overrides?: DeepPartial<ConfigMapBody>): ConfigMapBody {
  return deepMerge(EXAMPLE, overrides);
}
