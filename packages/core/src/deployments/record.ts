import type { RollingUpdateSettings } from '../resources/deployment.js';
import type { RolloutState } from '../rollout/state.js';

/** The store collection of deployment records (key `<ns>/<name>`). */
export const DEPLOYMENT_COLLECTION = 'deployment';

/**
 * Deployment statuses (spec/bcs-behaviour.md §2.4): `Deploying` until the bound app first runs, `Update*`
 * while a rollout is in progress (see `DEPLOYMENT_STATUS_OF_PHASE`), `Deleting` until both apps are gone.
 */
export type DeploymentStatus =
  | 'Deploying'
  | 'Running'
  | 'Update'
  | 'UpdatePaused'
  | 'UpdateSuspend'
  | 'Deleting';

/**
 * A deployment as stored (collection {@link DEPLOYMENT_COLLECTION}, key `<ns>/<name>`). The applications it
 * owns are ordinary app records with `owner: { kind: 'deployment', name }`.
 */
export interface Deployment {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Label pairs an adopted app's current version must all carry (§5.1). Empty when none was given. */
  readonly selector: Readonly<Record<string, string>>;
  /** The instance count the deployment keeps. */
  readonly instance: number;
  /** The rolling update settings of the current definition, resolved (`resolveRollingUpdate`). */
  readonly strategy: RollingUpdateSettings;
  readonly status: DeploymentStatus;
  /** The application that serves the deployment now (the old one while a rollout is in progress). */
  readonly appName: string;
  /** The rollout in progress, or the last one (phase `done`/`cancelled`); absent before the first update. */
  readonly rollout?: RolloutState | undefined;
  /** The definition as the client last sent it (`getDeploymentDef`). */
  readonly definition: unknown;
  /** The definition before the update in progress; a cancel restores it. */
  readonly previousDefinition?: unknown;
  /**
   * A definition sent by an update during an update: the rollout in progress is cancelled, and a rollout
   * towards this one starts once the cancel completes. A further update replaces it.
   */
  readonly pendingDefinition?: unknown;
  readonly message: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
}

/** The store key of a deployment: `<ns>/<name>`. */
export function deploymentKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** True while a rollout of `deployment` still has steps to take (phase neither `done` nor `cancelled`). */
export function hasActiveRollout(deployment: Deployment): boolean {
  const phase = deployment.rollout?.phase;
  return phase !== undefined && phase !== 'done' && phase !== 'cancelled';
}
