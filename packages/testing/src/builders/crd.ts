import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A CustomResourceDefinition or custom resource body as a client sends it (loose JSON). */
export type CustomResourceBody = JsonObject;

/** spec/api-v4.md createcrd, verbatim without the document's `//` comments. */
const CRONTAB_CRD: CustomResourceBody = {
  apiVersion: 'v4',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: 'logcollector.bkbcs.tencent.com',
  },
  spec: {
    group: 'bkbcs.tencent.com',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
      },
    ],
    scope: 'Namespaced',
    names: {
      plural: 'crontabs',
      singular: 'crontab',
      kind: 'CronTab',
    },
  },
};

/** spec/api-v4.md customresource, "CRD案例说明", verbatim. */
const BKLOGCONFIG_CRD: CustomResourceBody = {
  apiVersion: 'v4',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: 'bklogconfig.bkbcs.tencent.com',
  },
  spec: {
    group: 'bkbcs.tencent.com',
    versions: [
      {
        name: 'v2',
        served: true,
        storage: true,
      },
    ],
    scope: 'Namespaced',
    names: {
      plural: 'bklogconfigs',
      singular: 'bklogconfig',
      kind: 'BKLogConfig',
    },
  },
};

/** spec/api-v4.md customresource, bklog.json, verbatim. */
const BKLOGCONFIG: CustomResourceBody = {
  apiVersion: 'bkbcs.tencent.com/v2',
  kind: 'BKLogConfig',
  metadata: {
    name: 'myappconfig',
    namespace: 'global',
  },
  spec: {
    selector: {
      app: 'loadbalance',
    },
    stdout: false,
    logpath: 'bcs-lb/logs/bcss-loadbalance.log',
    dataid: 123456,
    level: 3,
  },
};

/**
 * A fresh copy of the API document's createcrd body with `overrides` deep-merged. Note the document's
 * mismatch, kept verbatim: the name is `logcollector.bkbcs.tencent.com` but the names are `crontabs`/`CronTab`.
 */
export function aCustomResourceDefinition(overrides?: DeepPartial<CustomResourceBody>): CustomResourceBody {
  return deepMerge(CRONTAB_CRD, overrides);
}

/** The document's BKLogConfig CRD (`bklogconfig.bkbcs.tencent.com`, group `bkbcs.tencent.com`, version `v2`). */
export function aBkLogConfigDefinition(overrides?: DeepPartial<CustomResourceBody>): CustomResourceBody {
  return deepMerge(BKLOGCONFIG_CRD, overrides);
}

/**
 * The document's BKLogConfig custom resource `myappconfig` in namespace `global`, created at
 * `/customresources/bkbcs.tencent.com/v2/global/bklogconfigs` under {@link aBkLogConfigDefinition}.
 */
export function aBkLogConfig(overrides?: DeepPartial<CustomResourceBody>): CustomResourceBody {
  return deepMerge(BKLOGCONFIG, overrides);
}
