import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type Issue, ValidationError } from '../errors.js';
import { ConstraintSchema, constraintIssues } from './constraint.js';
import { DEFINITION_LIMITS } from './limits.js';
import { PodTemplateSchema, templateIssues } from './pod-template.js';
import { ApiVersion, KindLiteral, NamespacedMeta, namespaceIssues, StringMap } from './rules.js';
import { createValidator, type Validator } from './validate.js';

/**
 * The ReplicaController definition of `POST|PUT /namespaces/{ns}/applications` (spec/api-v4.md
 * createApplication; spec/bcs-behaviour.md §1.2). Keys match case-insensitively (`MaxRetries`,
 * `IntersectionItem`, `networkType` land on `maxRetries`, `intersectionItem`, `networktype`) and unknown keys
 * such as the document's `appname` are ignored.
 */

/** A whole number of `unit` from 0 to `maximum` (a day for seconds, `DEFINITION_LIMITS.retries` for counts). */
const WholeNumber = (unit: string, maximum: number) =>
  Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum,
      errorMessage: `must be a whole number of ${unit} from 0 to ${maximum}`,
    }),
  );
const SECONDS = DEFINITION_LIMITS.seconds;
const RETRIES = DEFINITION_LIMITS.retries;

/** `updatePolicy`: accepted and ignored, as in the original (§1.2). */
export const UpdatePolicySchema = Type.Object({
  updateDelay: WholeNumber('seconds', SECONDS),
  maxRetries: WholeNumber('retries', RETRIES),
  maxFailovers: WholeNumber('fail-overs', RETRIES),
  action: Type.Optional(Type.String()),
});

/** The restart policies (spec/bcs-behaviour.md §2.5). */
export const RESTART_POLICIES = ['Never', 'OnFailure', 'Always'] as const;

/** One of {@link RESTART_POLICIES}. */
export type RestartPolicyName = (typeof RESTART_POLICIES)[number];

/**
 * `restartPolicy` (spec/bcs-behaviour.md §2.5). Absent means `{ policy: 'OnFailure' }`, the driver's default.
 * `interval` and `backoff` are seconds, `maxtimes` a count (0 = unlimited), `hostRetainTime` seconds a
 * failed pod waits for its old host before it may move.
 */
export const RestartPolicySchema = Type.Object(
  {
    policy: Type.Union(
      RESTART_POLICIES.map((p) => Type.Literal(p)),
      { default: 'OnFailure', errorMessage: `must be one of: ${RESTART_POLICIES.join(', ')}` },
    ),
    interval: WholeNumber('seconds', SECONDS),
    backoff: WholeNumber('seconds', SECONDS),
    maxtimes: WholeNumber('restarts', RETRIES),
    hostRetainTime: WholeNumber('seconds', SECONDS),
  },
  { default: {} },
);

/** A parsed restart policy. */
export type RestartPolicy = Static<typeof RestartPolicySchema>;

/** `killPolicy.gracePeriod`: seconds between SIGTERM and SIGKILL; 0 means Mesos' default. */
export const KillPolicySchema = Type.Object({ gracePeriod: WholeNumber('seconds', SECONDS) });

/** The policy blocks an application and a deployment share (spec/bcs-behaviour.md §1.2, §1.4). */
export const workloadPolicyFields = () => ({
  updatePolicy: Type.Optional(UpdatePolicySchema),
  restartPolicy: Type.Optional(RestartPolicySchema),
  killPolicy: Type.Optional(KillPolicySchema),
  constraint: Type.Optional(ConstraintSchema),
});

/**
 * `spec.instance`: the desired number of pods, a whole number from 0 to `DEFINITION_LIMITS.instancesCeiling`
 * (the create service decides about 0; the services also apply the lower `maxInstances` limit).
 */
export const InstanceCount = () =>
  Type.Integer({
    minimum: 0,
    maximum: DEFINITION_LIMITS.instancesCeiling,
    errorMessage: `must be a whole number from 0 to ${DEFINITION_LIMITS.instancesCeiling}`,
  });

/** The ReplicaController schema for `kind` (`application` runs containers, `process` runs processes). */
export function replicaControllerSchema<K extends 'application' | 'process'>(kind: K) {
  return Type.Object({
    apiVersion: ApiVersion(),
    kind: KindLiteral(kind),
    metadata: NamespacedMeta(),
    spec: Type.Object({
      instance: InstanceCount(),
      selector: Type.Optional(StringMap()),
      template: PodTemplateSchema,
    }),
    ...workloadPolicyFields(),
  });
}

/** An application definition: `kind: 'application'`, containers. */
export const ApplicationSchema = replicaControllerSchema('application');

/** A process application definition: `kind: 'process'`, processes (not served yet). */
export const ProcessApplicationSchema = replicaControllerSchema('process');

/** A parsed application definition (defaults applied, keys canonical). */
export type ApplicationDefinition = Static<typeof ApplicationSchema>;

/** A parsed process application definition. */
export type ProcessApplicationDefinition = Static<typeof ProcessApplicationSchema>;

/** Either kind of ReplicaController. */
export type ReplicaControllerDefinition = ApplicationDefinition | ProcessApplicationDefinition;

/** Schema validator for `kind: 'application'` bodies. */
export const applicationValidator: Validator<typeof ApplicationSchema> = createValidator(
  'application',
  ApplicationSchema,
);

/** Schema validator for `kind: 'process'` bodies. */
export const processApplicationValidator: Validator<typeof ProcessApplicationSchema> = createValidator(
  'process',
  ProcessApplicationSchema,
);

/**
 * Rules beyond the schema: the template runs a non-empty list of the kind's workload (containers for
 * `application`, processes for `process`) and nothing else, its ports and health checks are consistent
 * (`templateIssues`), and every constraint element suits its operator (`constraintIssues`).
 *
 * Example: an application without containers → `spec.template.spec.containers: must have at least 1 item`.
 */
export function applicationIssues(definition: ReplicaControllerDefinition): Issue[] {
  const workload = definition.kind === 'process' ? 'processes' : 'containers';
  return [
    ...templateIssues(definition.spec.template, 'spec.template', workload),
    ...constraintIssues(definition.constraint),
  ];
}

/**
 * Validates an application body for the URL's namespace: schema, {@link applicationIssues} and the namespace
 * rule. Returns the parsed definition or throws one `ValidationError` (code `InvalidData`) listing every issue.
 */
export function parseApplication(body: unknown, urlNamespace: string): ApplicationDefinition {
  return parseWith(applicationValidator, body, urlNamespace);
}

/** {@link parseApplication} for `kind: 'process'`. */
export function parseProcessApplication(body: unknown, urlNamespace: string): ProcessApplicationDefinition {
  return parseWith(processApplicationValidator, body, urlNamespace);
}

function parseWith<S extends TSchema>(
  validator: Validator<S>,
  body: unknown,
  urlNamespace: string,
): Static<S> {
  const definition = validator.parse(body) as ReplicaControllerDefinition;
  const issues = [...namespaceIssues(definition.metadata, urlNamespace), ...applicationIssues(definition)];
  if (issues.length > 0) throw new ValidationError(definition.kind, issues);
  return definition as Static<S>;
}
