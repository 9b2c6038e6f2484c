import { toVersion } from '../convert/definition-to-version.js';
import type { ClockAndIds } from '../engine/ports.js';
import { Changes } from '../engine/state.js';
import { ValidationError } from '../errors.js';
import type { Application } from '../resources/app.js';
import { type NormalizedDeployment, normalizeDeployment } from '../resources/deployment.js';
import type { Version } from '../resources/version.js';
import { parseApplication } from '../validation/application.js';
import type { DeploymentDefinition } from '../validation/deployment.js';
import type { DefinitionRecord } from './record.js';

/**
 * The application definition a deployment's template stands for (spec/bcs-behaviour.md §5.1): named `appName`,
 * labels = deployment labels ∪ template labels (a template label wins), the deployment's policies, and
 * `spec.template`. Validated with `parseApplication`, so a template an application would refuse is refused
 * here, naming `spec.template…`.
 */
export function applicationBodyOf(definition: DeploymentDefinition, appName: string, namespace: string) {
  const { template } = definition.spec;
  if (template === undefined) {
    throw new ValidationError('deployment', [
      { path: 'spec.template', rule: 'is required when no application matches spec.selector' },
    ]);
  }
  const labels = { ...definition.metadata.labels, ...template.metadata?.labels };
  return {
    apiVersion: definition.apiVersion,
    kind: 'application',
    metadata: { name: appName, namespace, labels },
    spec: { instance: definition.spec.instance, template },
    ...(definition.restartPolicy === undefined ? {} : { restartPolicy: definition.restartPolicy }),
    ...(definition.killPolicy === undefined ? {} : { killPolicy: definition.killPolicy }),
    ...(definition.constraint === undefined ? {} : { constraint: definition.constraint }),
    ...(definition.updatePolicy === undefined ? {} : { updatePolicy: definition.updatePolicy }),
  };
}

/** The deployment's template as a version of app `appName` (ids and times from the engine's ports). */
export function versionOfTemplate(
  engine: ClockAndIds,
  definition: DeploymentDefinition,
  appName: string,
  namespace: string,
): Version {
  const body = applicationBodyOf(definition, appName, namespace);
  const parsed = parseApplication(body, namespace);
  return toVersion(parsed, { id: engine.ids.uniqueNanos(), now: engine.clock.now(), raw: body, namespace });
}

/**
 * The changes creating app `version.appId` owned by deployment `owner`, with `desiredInstances` instances
 * (0 for a rollout's new app: the rollout scales it up; the version keeps the deployment's count).
 */
export function ownedAppChanges(
  version: Version,
  owner: string,
  desiredInstances: number,
  now: number,
): { changes: Changes; app: Application } {
  const app: Application = {
    id: version.appId,
    namespace: version.namespace,
    kind: version.kind,
    status: 'Staging',
    message: `application created by deployment ${owner}`,
    desiredInstances,
    versionId: version.id,
    owner: { kind: 'deployment', name: owner },
    createdAt: now,
    updatedAt: now,
    operation: { type: 'create', startedAt: now },
  };
  return { changes: new Changes().putApp(app).putVersion(version), app };
}

/** A definition with its rolling update resolved. */
export function normalizedOf(definition: DefinitionRecord): NormalizedDeployment {
  return normalizeDeployment(definition.parsed);
}
