import { type Static, Type } from '@sinclair/typebox';
import { type Issue, ValidationError } from '../errors.js';
import { InstanceCount, workloadPolicyFields } from './application.js';
import { constraintIssues } from './constraint.js';
import { DEFINITION_LIMITS } from './limits.js';
import {
  type PodTemplateDefinition,
  PodTemplateSchema,
  templateIssues,
  type Workload,
} from './pod-template.js';
import { ApiVersion, KindLiteral, NamespacedMeta, namespaceIssues, StringMap } from './rules.js';
import { createValidator, type Validator } from './validate.js';

/**
 * The BcsDeployment definition of `POST|PUT /namespaces/{ns}/deployments` (spec/api-v4.md createDeployment;
 * spec/bcs-behaviour.md §1.4, §5.2). Defaults are applied here; the spelling, fencepost and manual-rollout
 * readings are resolved by `normalizeDeployment` (resources/deployment.ts).
 */

/** The step orders of a rolling update (spec/bcs-behaviour.md §5.3). */
export const ROLLING_ORDERS = ['CreateFirst', 'DeleteFirst'] as const;

/** One of {@link ROLLING_ORDERS}. */
export type RollingOrder = (typeof ROLLING_ORDERS)[number];

/**
 * The default pause between rolling-update steps, in seconds. The original had none (0, §15.8), so steps ran
 * back to back. 10 s keeps a rollout of n steps within n × 10 s of extra time, yet gives a pod that crashes
 * right after reaching Running, or a remote health check (which does not gate a step, §7), one chance to show
 * up before the next step takes more old pods away. It equals the default health-check delay (§1.2).
 */
export const DEFAULT_UPGRADE_DURATION_SECONDS = 10;

const COUNT_MAX = DEFINITION_LIMITS.instancesCeiling;
const Count = () =>
  Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: COUNT_MAX,
      errorMessage: `must be a whole number from 0 to ${COUNT_MAX}`,
    }),
  );

/**
 * `strategy.rollingupdate`. `maxUnavailable` may be spelt `maxUnavilable`, as the original's tag and the
 * document do; `autoUpgrade` and `pause` (the document's, not the original's) are read as `rollingManually`.
 * Absent counts default to 1; see `resolveRollingUpdate` for the full reading.
 */
export const RollingUpdateSchema = Type.Object(
  {
    maxUnavailable: Count(),
    maxUnavilable: Count(),
    maxSurge: Count(),
    /** Seconds between the end of one step and the start of the next. */
    upgradeDuration: Type.Integer({
      minimum: 0,
      maximum: DEFINITION_LIMITS.seconds,
      default: DEFAULT_UPGRADE_DURATION_SECONDS,
      errorMessage: `must be a whole number of seconds from 0 to ${DEFINITION_LIMITS.seconds}`,
    }),
    rollingManually: Type.Optional(Type.Boolean()),
    rollingOrder: Type.Union(
      ROLLING_ORDERS.map((o) => Type.Literal(o)),
      { default: 'CreateFirst', errorMessage: `must be one of: ${ROLLING_ORDERS.join(', ')}` },
    ),
    autoUpgrade: Type.Optional(Type.Boolean()),
    pause: Type.Optional(Type.Boolean()),
  },
  { default: {} },
);

/** A parsed `rollingupdate` block (defaults applied, spellings not yet resolved). */
export type RollingUpdateDefinition = Static<typeof RollingUpdateSchema>;

/** `spec.strategy`. `type` is accepted and ignored (always a rolling update). Absent means all defaults. */
export const StrategySchema = Type.Object(
  { type: Type.Optional(Type.String()), rollingupdate: RollingUpdateSchema },
  { default: {} },
);

/** The deployment definition. `template` is optional: without one, a deployment adopts a matching app (§5.1). */
export const DeploymentSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: KindLiteral('deployment'),
  metadata: NamespacedMeta(),
  spec: Type.Object({
    instance: InstanceCount(),
    selector: Type.Optional(StringMap()),
    template: Type.Optional(PodTemplateSchema),
    /** Accepted and ignored, as in the original. */
    pauseDeployment: Type.Optional(Type.Boolean()),
    strategy: StrategySchema,
  }),
  ...workloadPolicyFields(),
});

/** A parsed deployment definition. */
export type DeploymentDefinition = Static<typeof DeploymentSchema>;

/** Schema validator for deployment bodies. */
export const deploymentValidator: Validator<typeof DeploymentSchema> = createValidator(
  'deployment',
  DeploymentSchema,
);

/**
 * What a deployment template runs: processes when it lists processes and no containers, else containers
 * (so an empty template is reported as missing containers).
 */
export function templateWorkload(template: PodTemplateDefinition): Workload {
  const hasContainers = (template.spec.containers?.length ?? 0) > 0;
  return !hasContainers && (template.spec.processes?.length ?? 0) > 0 ? 'processes' : 'containers';
}

/**
 * Rules beyond the schema: the template (when given) passes `templateIssues`, the constraint passes
 * `constraintIssues`, and `maxUnavailable` and `maxUnavilable` do not contradict each other.
 *
 * Example: `{ maxUnavailable: 1, maxUnavilable: 2 }` →
 * `spec.strategy.rollingupdate.maxUnavailable: must equal maxUnavilable when both are given`.
 */
export function deploymentIssues(definition: DeploymentDefinition): Issue[] {
  const { template, strategy } = definition.spec;
  const issues: Issue[] = [];
  if (template !== undefined)
    issues.push(...templateIssues(template, 'spec.template', templateWorkload(template)));
  issues.push(...constraintIssues(definition.constraint));
  const { maxUnavailable, maxUnavilable } = strategy.rollingupdate;
  if (maxUnavailable !== undefined && maxUnavilable !== undefined && maxUnavailable !== maxUnavilable) {
    issues.push({
      path: 'spec.strategy.rollingupdate.maxUnavailable',
      rule: 'must equal maxUnavilable when both are given',
    });
  }
  return issues;
}

/**
 * Validates a deployment body for the URL's namespace: schema, {@link deploymentIssues} and the namespace
 * rule. Returns the parsed definition or throws one `ValidationError` (code `InvalidData`).
 */
export function parseDeployment(body: unknown, urlNamespace: string): DeploymentDefinition {
  const definition = deploymentValidator.parse(body);
  const issues = [...namespaceIssues(definition.metadata, urlNamespace), ...deploymentIssues(definition)];
  if (issues.length > 0) throw new ValidationError('deployment', issues);
  return definition;
}
