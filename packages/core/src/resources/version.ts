import type { Constraint } from '../validation/constraint.js';
import type { HealthCheckDefinition } from '../validation/pod-template.js';
import type { ResourceAmounts } from './application.js';

/** How an application's taskgroups restart (spec/bcs-behaviour.md §2.5); all durations in seconds. */
export interface RestartPolicySpec {
  readonly policy: 'Never' | 'OnFailure' | 'Always';
  /** Delay before the first restart. */
  readonly interval: number;
  /** Added per earlier restart: delay = interval + n × backoff, capped (see `restartDelaySeconds`). */
  readonly backoff: number;
  /** Most restarts of one instance; 0 = unlimited. The count resets after 30 min without one. */
  readonly maxtimes: number;
  /** Seconds during which a restarted taskgroup may only go back to the host it ran on. */
  readonly hostRetainTime: number;
}

/** One container port. `hostPort` 0 asks for a random port from the offer; negative means none. */
export interface PortSpec {
  readonly name: string;
  readonly containerPort: number;
  readonly hostPort: number;
  readonly protocol: string;
}

/**
 * One item of a configmap or secret reference (`commtypes.KeyToPath` / `SecretItem`): data key `dataKey` of the
 * referenced object, delivered as an environment variable (`type` `env`, `keyOrPath` = its name) or a file
 * (`file`, `keyOrPath` = its path).
 */
export interface DataItemSpec {
  readonly type: 'env' | 'file';
  readonly dataKey: string;
  readonly keyOrPath: string;
  readonly readOnly: boolean;
  readonly user: string;
}

/** A container's reference to configmap `name` of the application's namespace. */
export interface ConfigMapRefSpec {
  readonly name: string;
  readonly items: readonly DataItemSpec[];
}

/** A container's reference to secret `secretName` of the application's namespace. */
export interface SecretRefSpec {
  readonly secretName: string;
  readonly items: readonly DataItemSpec[];
}

/** A container as the scheduler launches it: the definition, normalised (numbers parsed, defaults applied). */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly ports: readonly PortSpec[];
  readonly healthChecks: readonly HealthCheckDefinition[];
  /** What placement reserves: requests (or limits where requests are unset). */
  readonly resources: ResourceAmounts;
  readonly limits: ResourceAmounts;
  readonly privileged: boolean;
  readonly forcePull: boolean;
  readonly parameters: readonly { readonly key: string; readonly value: string }[];
  readonly volumes: readonly {
    readonly hostPath: string;
    readonly mountPath: string;
    readonly readOnly: boolean;
  }[];
  /**
   * Configmaps whose data the container gets (checked to exist at create and update; read when a taskgroup
   * is launched). Absent when none.
   */
  readonly configMaps?: readonly ConfigMapRefSpec[];
  /** Secrets whose data the container gets, as `configMaps`. Absent when none. */
  readonly secrets?: readonly SecretRefSpec[];
}

/**
 * One version of an application: everything needed to launch its taskgroups (spec/bcs-behaviour.md §1.2
 * "Driver RC → Version"). Immutable once stored; `id` is the creation time in Unix nanoseconds.
 */
export interface Version {
  readonly id: string;
  readonly appId: string;
  readonly namespace: string;
  readonly kind: 'application' | 'process';
  readonly instances: number;
  /** Application labels: metadata ∪ template labels. Services select on these. */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly constraint?: Constraint;
  readonly restartPolicy: RestartPolicySpec;
  /** Seconds between the kill signal and SIGKILL. */
  readonly killGracePeriod: number;
  /** `BRIDGE`, `HOST`, `USER`, `NONE` or a named network (USER with that name). */
  readonly networkMode: string;
  readonly networkType: string;
  readonly containers: readonly ContainerSpec[];
  /** The definition as the client sent it (`getApplicationDef` returns it). */
  readonly raw: unknown;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}
