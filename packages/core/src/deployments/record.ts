import type { DeploymentDefinition, RollingUpdateSettings } from '../resources/deployment.js';
import type { RolloutState } from '../rollout/state.js';
import { parseDeployment } from '../validation/deployment.js';

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
  /** The definition that runs (or, during an update, the one rolled out to). */
  readonly definition: DefinitionRecord;
  /** The definition that ran before the update in progress: what a cancel restores. */
  readonly previousDefinition?: DefinitionRecord | undefined;
  /**
   * An update the controller has yet to start: recorded by the service, started by the controller from
   * `Running` (at once), or once the rollout in progress is over (cancelled, or finishing when its new app
   * already serves every instance). A further update replaces it.
   */
  readonly pendingDefinition?: DefinitionRecord | undefined;
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

/** A deployment definition as a deployment keeps it: what it says, typed, and the body as it was sent. */
export interface DefinitionRecord {
  /** Validated by `parseDeployment`: keys canonical, defaults applied. Every decision reads this. */
  readonly parsed: DeploymentDefinition;
  /**
   * The JSON body as the client sent it, for `getDeploymentDef` only (its key case and omissions kept);
   * `spec.instance` follows scales.
   */
  readonly sent: Readonly<Record<string, unknown>>;
}

/** `body` validated for `namespace` (throws `ValidationError`, 1405008) and kept as sent. */
export function definitionRecordOf(body: unknown, namespace: string): DefinitionRecord {
  const parsed = parseDeployment(body, namespace);
  return { parsed, sent: body as Readonly<Record<string, unknown>> };
}

/** The definition with another `spec.instance` (a scale): both forms change, so `getDeploymentDef` stays true. */
export function withInstanceCount(definition: DefinitionRecord, instance: number): DefinitionRecord {
  const { parsed, sent } = definition;
  const sentSpec = isObject(sent.spec) ? sent.spec : {};
  return {
    parsed: { ...parsed, spec: { ...parsed.spec, instance } },
    sent: { ...sent, spec: { ...sentSpec, instance } },
  };
}

/** The definition without `spec.template`: a deployment that adopts an app as it runs (§5.1). */
export function withoutTemplate(definition: DefinitionRecord): DefinitionRecord {
  const { template: _parsedTemplate, ...parsedSpec } = definition.parsed.spec;
  const { template: _sentTemplate, ...sentSpec } = isObject(definition.sent.spec) ? definition.sent.spec : {};
  return {
    parsed: { ...definition.parsed, spec: parsedSpec },
    sent: { ...definition.sent, spec: sentSpec },
  };
}

/**
 * A record as loaded from the store. Records written before issue 9 kept each definition as the raw body;
 * it is parsed again here (it was valid when stored). A pending one that no longer parses is dropped, with
 * a message saying so: it failed, once, visibly.
 */
export function upgradeDeploymentRecord(stored: Deployment): Deployment {
  const upgrade = (value: unknown): DefinitionRecord | undefined => {
    if (value === undefined) return undefined;
    if (isObject(value) && isObject(value.parsed) && isObject(value.sent))
      return value as unknown as DefinitionRecord;
    return definitionRecordOf(value, stored.namespace);
  };
  const { pendingDefinition, previousDefinition, ...rest } = stored;
  const record: Deployment = {
    ...rest,
    definition: upgrade(stored.definition) as DefinitionRecord,
    ...(previousDefinition === undefined ? {} : { previousDefinition: upgrade(previousDefinition) }),
  };
  if (pendingDefinition === undefined) return record;
  try {
    return { ...record, pendingDefinition: upgrade(pendingDefinition) };
  } catch (error) {
    return { ...record, message: `update failed, not started: ${(error as Error).message}` };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
