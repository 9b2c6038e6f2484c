import { type Static, Type } from '@sinclair/typebox';
import { type Issue, ValidationError } from '../errors.js';
import { DEFINITION_LIMITS } from './limits.js';
import { ApiVersion, KindLiteral, Name, Namespace } from './rules.js';
import { createValidator, type Validator } from './validate.js';

/**
 * The command definition of `POST /command/application|deployment/{ns}/{name}` (spec/api-v4.md sendCommand;
 * spec/bcs-behaviour.md §8.5): run `command` in the tasks of an application's or deployment's taskgroups.
 */

/** The most bytes (UTF-8) of `spec.command`, and of `spec.env`, all items together: 64 KiB. */
export const COMMAND_MAX_BYTES = 64 * 1024;

/** The kinds a command may target, spelt exactly as the original required. */
export const COMMAND_TARGET_KINDS = ['Application', 'Deployment'] as const;

/** One of {@link COMMAND_TARGET_KINDS}. */
export type CommandTargetKind = (typeof COMMAND_TARGET_KINDS)[number];

/** The URL segment of a command route: `/command/application/…` or `/command/deployment/…`. */
export type CommandUrlKind = 'application' | 'deployment';

/**
 * How long a command record is kept, in minutes, when `reserveTime` is absent or 0: 7 days, the document's
 * "24*60*7". (The original never enforced it, §15.13.)
 */
export const DEFAULT_COMMAND_RESERVE_MINUTES = 24 * 60 * 7;

/** A command body. `kind`, when given, must be `Command`; `commandTargetRef` must match the URL (see {@link commandIssues}). */
/** The longest a command record may be kept: 30 days, in minutes. */
const COMMAND_RESERVE_MAX_MINUTES = 30 * 24 * 60;

export const CommandSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: Type.Optional(KindLiteral('Command')),
  spec: Type.Object({
    commandTargetRef: Type.Object({
      kind: Type.Union(
        COMMAND_TARGET_KINDS.map((k) => Type.Literal(k)),
        { errorMessage: 'must be "Application" or "Deployment"' },
      ),
      name: Name(),
      namespace: Namespace(),
      /** Only tasks whose image contains this text run the command. */
      image: Type.Optional(Type.String()),
    }),
    /** Taskgroup ids to run in; absent means every taskgroup of the target. */
    taskgroups: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { maxItems: DEFINITION_LIMITS.instancesCeiling }),
    ),
    /** The command and its arguments, e.g. `["ps", "-aux"]` (the document sends `["ps -aux"]`). */
    command: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      maxItems: DEFINITION_LIMITS.perContainerLong,
    }),
    env: Type.Optional(
      Type.Array(
        Type.String({ pattern: '^[^=]+=', errorMessage: 'must be "NAME=value" with a non-empty NAME' }),
        { maxItems: DEFINITION_LIMITS.perContainerLong },
      ),
    ),
    user: Type.Optional(Type.String()),
    workingDir: Type.Optional(Type.String()),
    privileged: Type.Optional(Type.Boolean()),
    /** Minutes the command record is kept; 0 means the default. */
    reserveTime: Type.Integer({
      minimum: 0,
      maximum: COMMAND_RESERVE_MAX_MINUTES,
      default: DEFAULT_COMMAND_RESERVE_MINUTES,
      errorMessage: `must be a whole number of minutes from 0 to ${COMMAND_RESERVE_MAX_MINUTES}`,
    }),
  }),
});

/** A parsed command definition (`reserveTime` defaulted). */
export type CommandDefinition = Static<typeof CommandSchema>;

/** Schema validator for command bodies. */
export const commandValidator: Validator<typeof CommandSchema> = createValidator('command', CommandSchema);

/** The `commandTargetRef.kind` a URL segment requires: `application` → `Application`. */
export function commandTargetKindOf(urlKind: CommandUrlKind): CommandTargetKind {
  return urlKind === 'application' ? 'Application' : 'Deployment';
}

/**
 * The target must be the URL's (spec/bcs-behaviour.md §8.5): `commandTargetRef.kind` exactly `Application` for
 * `/command/application/…` (`Deployment` for `/command/deployment/…`), and `namespace`/`name` equal to the
 * URL's. Example: URL `/command/application/test/testapp`, ref name `other` →
 * `spec.commandTargetRef.name: must equal the name in the URL ("testapp")`.
 */
export function commandIssues(
  definition: CommandDefinition,
  urlKind: CommandUrlKind,
  urlNamespace: string,
  urlName: string,
): Issue[] {
  const ref = definition.spec.commandTargetRef;
  const path = 'spec.commandTargetRef';
  const issues: Issue[] = [];
  const kind = commandTargetKindOf(urlKind);
  if (ref.kind !== kind) issues.push({ path: `${path}.kind`, rule: `must be "${kind}" for this URL` });
  if (ref.namespace !== urlNamespace) {
    issues.push({
      path: `${path}.namespace`,
      rule: `must equal the namespace in the URL ("${urlNamespace}")`,
    });
  }
  if (ref.name !== urlName)
    issues.push({ path: `${path}.name`, rule: `must equal the name in the URL ("${urlName}")` });
  // The command travels in one framework MESSAGE per task: keep it far below what a master accepts.
  for (const field of ['command', 'env'] as const) {
    const bytes = (definition.spec[field] ?? []).reduce(
      (sum, item) => sum + Buffer.byteLength(item, 'utf8'),
      0,
    );
    if (bytes > COMMAND_MAX_BYTES) {
      issues.push({ path: `spec.${field}`, rule: `must be at most ${COMMAND_MAX_BYTES} bytes in all` });
    }
  }
  return issues;
}

/**
 * Validates a command body for its URL: schema and {@link commandIssues}. Returns the parsed definition or
 * throws one `ValidationError` (code `InvalidData`).
 */
export function parseCommand(
  body: unknown,
  urlKind: CommandUrlKind,
  urlNamespace: string,
  urlName: string,
): CommandDefinition {
  const definition = commandValidator.parse(body);
  const issues = commandIssues(definition, urlKind, urlNamespace, urlName);
  if (issues.length > 0) throw new ValidationError('command', issues);
  return definition;
}
