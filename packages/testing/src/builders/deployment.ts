import { type DeepPartial, deepMerge, type JsonObject } from './deep-merge.js';

/** A deployment body as a client sends it (loose JSON, the document's key casing). */
export type DeploymentBody = JsonObject;

/**
 * spec/api-v4.md createDeployment, verbatim: `MaxRetries`, `IntersectionItem`, `networkType`, the legacy
 * health check without `type`, `maxUnavilable`, and the document-only `autoUpgrade`/`pause`.
 */
const EXAMPLE: DeploymentBody = {
  apiVersion: 'v4',
  kind: 'deployment',
  metadata: {
    annotations: {},
    labels: {
      label_deployment: 'label_deployment',
    },
    name: 'deployment-test',
    namespace: 'defaultGroup',
  },
  updatePolicy: {
    updateDelay: 10,
    MaxRetries: 10,
    maxFailovers: 10,
    action: '',
  },
  restartPolicy: {
    policy: 'Always',
    interval: 5,
    backoff: 10,
  },
  constraint: {
    selector: {},
    IntersectionItem: [],
  },
  spec: {
    instance: 2,
    selector: {
      podname: 'deployment-test',
    },
    template: {
      metadata: {
        labels: {
          label_deployment: 'label_deployment',
        },
        name: 'deployment-test',
        namespace: 'defaultGroup',
      },
      spec: {
        containers: [
          {
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
                containerPort: 8899,
                name: 'test-port',
                protocol: 'HTTP',
              },
            ],
            healthChecks: [
              {
                protocol: 'tcp',
                path: '/http/path/only',
                delaySeconds: 10,
                gracePeriodSeconds: 12,
                intervalSeconds: 10,
                timeoutSeconds: 10,
                consecutiveFailures: 10,
              },
            ],
            resources: {
              limits: {
                cpu: '0.1',
                memory: '1',
              },
            },
            volumes: [],
            secrets: [],
            configmaps: [],
          },
        ],
        networkMode: 'BRIDGE',
        networkType: 'BRIDGE',
      },
    },
    strategy: {
      type: 'RollingUpdate',
      rollingupdate: {
        maxUnavilable: 1,
        maxSurge: 1,
        upgradeDuration: 60,
        autoUpgrade: false,
        rollingOrder: 'CreateFirst',
        pause: false,
      },
    },
  },
};

/**
 * A fresh copy of the API document's createDeployment body (`deployment-test` in `defaultGroup`, 2 instances,
 * selector `podname: deployment-test`, CreateFirst rolling update with surge 1, unavailable 1, 60 s between
 * steps) with `overrides` deep-merged. updateDeployment's body is the same.
 */
export function aDeployment(overrides?: DeepPartial<DeploymentBody>): DeploymentBody {
  return deepMerge(EXAMPLE, overrides);
}
