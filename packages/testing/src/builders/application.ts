import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** An application body as a client sends it (loose JSON, the document's key casing). */
export type ApplicationBody = JsonObject;

/** The one container of the document's createApplication body, verbatim. */
const CONTAINER: JsonObject = {
  command: '',
  args: [],
  parameters: [],
  type: 'MESOS',
  env: [],
  image: 'dockerhub:8443/bcs/game/gamesvr:v1.1.1',
  imagePullUser: '',
  imagePullPasswd: '',
  imagePullPolicy: 'Always',
  privileged: false,
  ports: [
    {
      containerPort: 9999,
      name: 'test-port',
      protocol: 'HTTP',
    },
  ],
  healthChecks: [
    {
      type: 'HTTP',
      delaySeconds: 10,
      gracePeriodSeconds: 10,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      consecutiveFailures: 10,
      http: {
        port: 0,
        portName: 'test-port',
        scheme: 'http',
        path: '/dd',
      },
    },
    {
      type: 'REMOTE_HTTP',
      delaySeconds: 10,
      gracePeriodSeconds: 10,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      consecutiveFailures: 10,
      http: {
        port: 0,
        portName: 'test-port',
        scheme: 'http',
        path: '/dd',
        headers: {
          key1: 'value1',
        },
      },
    },
    {
      type: 'REMOTE_TCP',
      delaySeconds: 10,
      gracePeriodSeconds: 10,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      consecutiveFailures: 10,
      tcp: {
        port: 0,
        portName: 'test-port',
      },
    },
  ],
  resources: {
    limits: {
      cpu: '2',
      memory: '100',
    },
  },
  volumes: [],
  secrets: [],
  configmaps: [],
};

/** spec/api-v4.md createApplication, verbatim: `appname`, `MaxRetries`, `IntersectionItem`, `networkType`. */
const EXAMPLE: ApplicationBody = {
  apiVersion: 'v4',
  kind: 'application',
  appname: 'app-test',
  updatePolicy: {
    updateDelay: 10,
    MaxRetries: 10,
    maxFailovers: 10,
    action: '',
  },
  restartPolicy: {
    policy: 'Never',
    interval: 5,
    backoff: 10,
  },
  killPolicy: {
    gracePeriod: 5,
  },
  constraint: {
    selector: {},
    IntersectionItem: [],
  },
  metadata: {
    annotations: {},
    labels: {
      podname: 'app-test',
    },
    name: 'app-test',
    namespace: 'defaultGroup',
  },
  spec: {
    instance: 2,
    template: {
      spec: {
        containers: [CONTAINER],
        networkMode: 'BRIDGE',
        networkType: 'BRIDGE',
      },
    },
  },
};

/**
 * A fresh copy of the container of the document's createApplication body (image
 * `dockerhub:8443/bcs/game/gamesvr:v1.1.1`, port `test-port` 9999, an HTTP, a REMOTE_HTTP and a REMOTE_TCP
 * check, limits cpu "2" memory "100") with `overrides` deep-merged. Arrays replace whole, so use it to build
 * `containers: [aContainer({ image: '' })]`.
 */
export function aContainer(overrides?: DeepPartial<JsonObject>): JsonObject {
  return deepMerge(CONTAINER, overrides);
}

/**
 * A fresh copy of the API document's createApplication body (`app-test` in `defaultGroup`, 2 instances,
 * restart policy `Never`, one container, BRIDGE network) with `overrides` deep-merged. Keys keep the
 * document's casing, so an override of `networkType` must use that spelling to replace rather than add.
 */
export function anApplication(overrides?: DeepPartial<ApplicationBody>): ApplicationBody {
  return deepMerge(EXAMPLE, overrides);
}
