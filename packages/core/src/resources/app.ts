/**
 * Application statuses (spec/bcs-behaviour.md §2.3). `Operating` is set while an operation (create, scale,
 * update, delete) is in progress; the others are computed from the taskgroups.
 */
export type ApplicationStatus =
  | 'Staging'
  | 'Deploying'
  | 'Running'
  | 'Abnormal'
  | 'Error'
  | 'Finish'
  | 'Operating'
  | 'RollingUpdate'
  | 'Unknown';

/**
 * An application as stored (collection `application`, key `<ns>/<name>`). Desired state is `desiredInstances`
 * of `versionId`; taskgroups are separate records. An in-progress operation is persisted in `operation`
 * before it acts, in the same batch as its first effect, so a restart resumes it.
 */
export interface Application {
  readonly id: string;
  readonly namespace: string;
  readonly kind: 'application' | 'process';
  status: ApplicationStatus;
  lastStatus?: ApplicationStatus;
  subStatus?: 'RollingUpdateDown' | 'RollingUpdateUp';
  message: string;
  /** `DefineInstances`. */
  desiredInstances: number;
  versionId: string;
  /** The deployment that owns it, if any (issue #4): then it cannot be updated or deleted directly. */
  owner?: { readonly kind: 'deployment'; readonly name: string };
  /** Epoch ms. */
  readonly createdAt: number;
  updatedAt: number;
  operation?: AppOperation;
  /**
   * Set while health-driven restarts are stopped (the circuit breaker tripped: more instances turned unhealthy
   * than may be restarted per window); its message is shown in the application's. Cleared once no Running
   * instance is unhealthy.
   */
  healthBreaker?: HealthBreaker;
}

/** A tripped health-restart circuit breaker (see `Application.healthBreaker`). */
export interface HealthBreaker {
  /** Epoch ms it tripped. */
  readonly trippedAt: number;
  readonly message: string;
}

/** The intent of an in-progress operation. */
export type AppOperation =
  | { readonly type: 'create'; readonly startedAt: number }
  | { readonly type: 'scale'; readonly startedAt: number; readonly from: number; readonly to: number }
  | {
      readonly type: 'update';
      readonly startedAt: number;
      readonly fromVersion: string;
      readonly toVersion: string;
      /** Indexes still to replace, in order; one is replaced at a time. */
      readonly remaining: readonly number[];
      /** The index being replaced now, if any. */
      readonly current?: number;
    }
  | { readonly type: 'delete'; readonly startedAt: number; readonly enforce: boolean };
