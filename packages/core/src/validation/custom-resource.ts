import { type Static, Type } from '@sinclair/typebox';
import { type Issue, ValidationError } from '../errors.js';
import { ApiVersion, NamespacedMeta, nameIssues, namespaceIssues, StringMap } from './rules.js';
import { createValidator } from './validate.js';

/** A lowercase DNS label (RFC 1123): `crontabs`, `v1beta1`. 1–63 characters. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const DNS_LABEL_RULE =
  'must be 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit';

/** A lowercase DNS subdomain with at least one dot: `bkbcs.tencent.com`. At most 253 characters. */
export const GROUP_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$';

/** A CRD's `names.kind`: an upper camel case identifier such as `CronTab` or `BKLogConfig`. */
export const CRD_KIND_PATTERN = '^[A-Z][A-Za-z0-9]{0,62}$';

const DnsLabel = () => Type.String({ pattern: DNS_LABEL_PATTERN, errorMessage: DNS_LABEL_RULE });

/** One `spec.versions` entry: `served` versions answer requests, the one `storage` version is stored. */
export const CrdVersionSchema = Type.Object({
  name: DnsLabel(),
  served: Type.Boolean(),
  storage: Type.Boolean(),
});

/**
 * `POST|PUT /customresourcedefinitions`, the API document's createcrd body. `kind` is
 * `CustomResourceDefinition`, or all-lowercase as the original's kind list spells it (spec/bcs-behaviour.md
 * §1.1). `scope` defaults to `Namespaced`.
 */
export const CustomResourceDefinitionSchema = Type.Object({
  apiVersion: ApiVersion(),
  kind: Type.Union([Type.Literal('CustomResourceDefinition'), Type.Literal('customresourcedefinition')], {
    errorMessage: 'must be "CustomResourceDefinition" for this endpoint',
  }),
  metadata: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 253 }),
    labels: Type.Optional(StringMap()),
    annotations: Type.Optional(StringMap()),
    creationTimestamp: Type.Optional(Type.String()),
  }),
  spec: Type.Object({
    group: Type.String({
      pattern: GROUP_PATTERN,
      maxLength: 253,
      errorMessage: 'must be a lowercase DNS subdomain with at least one ".", e.g. "bkbcs.tencent.com"',
    }),
    versions: Type.Array(CrdVersionSchema, { minItems: 1 }),
    scope: Type.Union([Type.Literal('Namespaced'), Type.Literal('Cluster')], { default: 'Namespaced' }),
    names: Type.Object({
      plural: DnsLabel(),
      singular: Type.Optional(DnsLabel()),
      kind: Type.String({
        pattern: CRD_KIND_PATTERN,
        errorMessage: 'must be upper camel case, e.g. "CronTab"',
      }),
      shortNames: Type.Optional(Type.Array(DnsLabel())),
    }),
  }),
});

export type CustomResourceDefinitionInput = Static<typeof CustomResourceDefinitionSchema>;

const crdValidator = createValidator('customresourcedefinition', CustomResourceDefinitionSchema);

/**
 * Validates a CRD body: the schema, then the rules it cannot express (see {@link crdIssues}). When `urlName`
 * is given (update), `metadata.name` must equal it. Throws one `ValidationError` listing every issue.
 */
export function parseCustomResourceDefinition(
  body: unknown,
  urlName?: string,
): CustomResourceDefinitionInput {
  const definition = crdValidator.parse(body);
  const issues = [
    ...(urlName === undefined ? [] : nameIssues(definition.metadata, urlName)),
    ...crdIssues(definition),
  ];
  if (issues.length > 0) throw new ValidationError('customresourcedefinition', issues);
  return definition;
}

/**
 * Rules beyond the schema:
 * - `metadata.name` is `<label>.<spec.group>` with a lowercase DNS label first. The label need not be the
 *   plural: the document's own examples are `logcollector.bkbcs.tencent.com` (plural `crontabs`) and
 *   `bklogconfig.bkbcs.tencent.com` (plural `bklogconfigs`);
 * - version names are unique, exactly one version has `storage: true`, at least one is `served`.
 */
export function crdIssues(definition: CustomResourceDefinitionInput): Issue[] {
  const issues: Issue[] = [];
  const { name } = definition.metadata;
  const suffix = `.${definition.spec.group}`;
  const label = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
  if (label === undefined || !new RegExp(DNS_LABEL_PATTERN).test(label)) {
    issues.push({
      path: 'metadata.name',
      rule: 'must be "<lowercase DNS label>.<spec.group>", e.g. "crontabs.<group>"',
    });
  }
  const seen = new Set<string>();
  definition.spec.versions.forEach((version, index) => {
    if (seen.has(version.name)) issues.push({ path: `spec.versions[${index}].name`, rule: 'must be unique' });
    seen.add(version.name);
  });
  const storage = definition.spec.versions.filter((version) => version.storage).length;
  if (storage !== 1)
    issues.push({ path: 'spec.versions', rule: 'exactly one version must have storage: true' });
  if (!definition.spec.versions.some((version) => version.served)) {
    issues.push({ path: 'spec.versions', rule: 'at least one version must have served: true' });
  }
  return issues;
}

/**
 * Fields an update may not change, compared with the stored CRD: `spec.group`, `spec.names.plural` and
 * `spec.scope` (they are part of every custom resource's URL and store key).
 */
export function crdImmutableIssues(
  stored: Pick<CustomResourceDefinitionInput, 'spec'>,
  next: Pick<CustomResourceDefinitionInput, 'spec'>,
): Issue[] {
  const issues: Issue[] = [];
  if (next.spec.group !== stored.spec.group) issues.push({ path: 'spec.group', rule: 'cannot be changed' });
  if (next.spec.names.plural !== stored.spec.names.plural) {
    issues.push({ path: 'spec.names.plural', rule: 'cannot be changed' });
  }
  if (next.spec.scope !== stored.spec.scope) issues.push({ path: 'spec.scope', rule: 'cannot be changed' });
  return issues;
}

/**
 * A custom resource as a client sends it (the document's BKLogConfig example): `apiVersion`
 * `<group>/<version>`, the CRD's `kind`, metadata, and free-form `spec`, `status` and any other top-level
 * fields (kept as sent).
 */
export const CustomResourceSchema = Type.Object({
  apiVersion: Type.String({ minLength: 1 }),
  kind: Type.String({ minLength: 1 }),
  metadata: NamespacedMeta(),
  spec: Type.Optional(Type.Unknown()),
  status: Type.Optional(Type.Unknown()),
});

export type CustomResourceInput = Static<typeof CustomResourceSchema>;

/** What a custom resource is checked against: its CRD's identity and the URL it was sent to. */
export interface CustomResourceTarget {
  readonly group: string;
  readonly version: string;
  /** The CRD's `spec.names.kind`. */
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** The URL's namespace, if any. */
  readonly namespace?: string | undefined;
  /** The URL's name, if any. */
  readonly name?: string | undefined;
}

const resourceValidator = createValidator('customresource', CustomResourceSchema);

/**
 * Validates a custom resource body for `target`: the schema, then {@link customResourceIssues}. Throws one
 * `ValidationError` (code `InvalidData`) listing every issue.
 */
export function parseCustomResource(body: unknown, target: CustomResourceTarget): CustomResourceInput {
  const definition = resourceValidator.parse(body);
  const issues = customResourceIssues(definition, target);
  if (issues.length > 0) throw new ValidationError('customresource', issues);
  return definition;
}

/**
 * Rules of a custom resource under its CRD:
 * - `apiVersion` is exactly `<group>/<version>` of the URL (`bkbcs.tencent.com/v2`); `kind` is exactly the
 *   CRD's;
 * - Namespaced: `metadata.namespace` may be left out (the URL's is used) but must equal the URL's; with no
 *   namespace in the URL it is required. Cluster: `metadata.namespace` must be left out;
 * - `metadata.name` equals the URL's name when the URL has one.
 */
export function customResourceIssues(definition: CustomResourceInput, target: CustomResourceTarget): Issue[] {
  const issues: Issue[] = [];
  const apiVersion = `${target.group}/${target.version}`;
  if (definition.apiVersion !== apiVersion) {
    issues.push({ path: 'apiVersion', rule: `must be "${apiVersion}" (the group and version of the URL)` });
  }
  if (definition.kind !== target.kind) issues.push({ path: 'kind', rule: `must be "${target.kind}"` });
  if (target.scope === 'Cluster') {
    if (definition.metadata.namespace !== undefined) {
      issues.push({ path: 'metadata.namespace', rule: 'must be left out for a Cluster-scoped resource' });
    }
  } else if (target.namespace !== undefined) {
    issues.push(...namespaceIssues(definition.metadata, target.namespace));
  } else if (definition.metadata.namespace === undefined) {
    issues.push({ path: 'metadata.namespace', rule: 'is required when the URL has no namespace' });
  }
  if (target.name !== undefined) issues.push(...nameIssues(definition.metadata, target.name));
  return issues;
}
