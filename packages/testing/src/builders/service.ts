import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A service body as a client sends it (loose JSON). */
export type ServiceBody = JsonObject;

/** spec/api-v4.md createService, verbatim. */
const EXAMPLE: ServiceBody = {
  apiVersion: 'v4',
  kind: 'service',
  metadata: {
    name: 'service-test',
    namespace: 'defaultGroup',
    labels: {
      BCSGROUP: 'external',
    },
  },
  spec: {
    selector: {
      podname: 'app-test',
    },
    ports: [
      {
        name: 'test-port',
        protocol: 'tcp',
        servicePort: 8899,
      },
    ],
  },
};

/**
 * A fresh copy of the API document's createService body (`service-test` selecting `podname: app-test`, port
 * `test-port` 8899/tcp) with `overrides` deep-merged.
 */
export function aService(overrides?: DeepPartial<ServiceBody>): ServiceBody {
  return deepMerge(EXAMPLE, overrides);
}
