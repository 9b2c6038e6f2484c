import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A Mesos offer in Mesos' snake_case JSON (loose). */
export type OfferBody = JsonObject;

/** spec/api-v4.md getClusteroffers: the one offer of the example, verbatim. */
const EXAMPLE: OfferBody = {
  id: {
    value: 'f136f5f2-45e6-4bff-8418-d4403fb68936-O17911',
  },
  framework_id: {
    value: '350009f5-1caf-41dd-97b1-9f0d9a4643c8-0000',
  },
  agent_id: {
    value: '6cd1b3e9-3f95-44fe-b804-10d273903ee9-S0',
  },
  hostname: 'mesos-slave-5',
  url: {
    scheme: 'http',
    address: {
      hostname: 'mesos-slave-5',
      ip: '127.0.0.1',
      port: 8080,
    },
    path: '/slave(1)',
  },
  resources: [
    {
      name: 'cpus',
      type: 0,
      scalar: {
        value: 4,
      },
      role: '*',
    },
    {
      name: 'mem',
      type: 0,
      scalar: {
        value: 30878,
      },
      role: '*',
    },
    {
      name: 'disk',
      type: 0,
      scalar: {
        value: 795945,
      },
      role: '*',
    },
    {
      name: 'ports',
      type: 1,
      ranges: {
        range: [
          {
            begin: 31000,
            end: 32000,
          },
        ],
      },
      role: '*',
    },
  ],
  attributes: [
    {
      name: 'InnerIP',
      type: 3,
      text: {
        value: '127.0.0.1',
      },
    },
    {
      name: 'City',
      type: 3,
      text: {
        value: 'shenzhen',
      },
    },
    {
      name: 'ip-resources',
      type: 0,
      scalar: {
        value: 1,
      },
    },
  ],
};

/**
 * A fresh copy of the offer in the API document's getClusteroffers example, in Mesos' snake_case JSON with
 * enum numbers (resource type 0 SCALAR, 1 RANGES; attribute type 3 TEXT): host `mesos-slave-5`, InnerIP
 * `127.0.0.1`, 4 cpus, 30 878 MB mem, 795 945 MB disk, ports 31000–32000. `overrides` are deep-merged; since
 * arrays are replaced, override `resources` or `attributes` whole.
 */
export function anOffer(overrides?: DeepPartial<OfferBody>): OfferBody {
  return deepMerge(EXAMPLE, overrides);
}
