import { ErrorCode, type Issue, NotFoundError, ValidationError } from '../errors.js';
import type { CustomResourceDefinitionInput } from '../validation/custom-resource.js';
import { isValidName } from '../validation/rules.js';
import type { ObjectMeta } from './meta.js';

/**
 * Store layout of this kind:
 * - `crd` / `<metadata.name>` → {@link CustomResourceDefinition}, e.g. key `bklogconfig.bkbcs.tencent.com`;
 * - `crd-plural` / `<group>/<plural>` → `{ crd: <metadata.name> }`: the claim that makes a plural unique in
 *   its group; written and deleted in the same batch as its CRD, so two CRDs can never claim one plural;
 * - `customresource` / `<crd name>/<namespace>/<name>` for Namespaced CRDs and `<crd name>/-/<name>` for
 *   Cluster ones (`-` is never a valid namespace). A prefix scan of `<crd name>/` lists every resource of a
 *   CRD, `<crd name>/<namespace>/` one namespace's.
 */
export const CRD_COLLECTION = 'crd';
/** See {@link CRD_COLLECTION}. */
export const CRD_PLURAL_COLLECTION = 'crd-plural';
/** See {@link CRD_COLLECTION}. */
export const CUSTOM_RESOURCE_COLLECTION = 'customresource';

/** The namespace segment of Cluster-scoped keys. */
const CLUSTER_SEGMENT = '-';

/** A CRD's scope: resources live in a namespace, or once per cluster. */
export type CrdScope = 'Namespaced' | 'Cluster';

/**
 * A stored CustomResourceDefinition. `metadata.name` is `<label>.<group>`; `kind` is normalised to
 * `CustomResourceDefinition` and `scope` defaulted to `Namespaced`.
 */
export interface CustomResourceDefinition {
  apiVersion?: string;
  kind: 'CustomResourceDefinition';
  metadata: {
    name: string;
    /** RFC 3339, UTC, set on create and kept by updates. */
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    group: string;
    versions: { name: string; served: boolean; storage: boolean }[];
    scope: CrdScope;
    names: { plural: string; singular?: string; kind: string; shortNames?: string[] };
  };
}

/**
 * A stored custom resource: free-form `spec`, `status` and other top-level fields under a registered CRD.
 * `metadata.namespace` is set for Namespaced CRDs and absent for Cluster ones.
 */
export interface CustomResource {
  apiVersion: string;
  kind: string;
  metadata: Omit<ObjectMeta, 'namespace'> & { namespace?: string };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** What a custom-resource URL points at, once resolved against the registered CRDs. */
export interface CustomResourceRef {
  /** The CRD's name. */
  readonly crd: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly scope: CrdScope;
  /** Undefined for Cluster scope, and for a Namespaced list across all namespaces. */
  readonly namespace?: string;
  /** The object's name, when the URL has one. */
  readonly name?: string;
}

/** The stored form of a validated CRD body, created (or last re-created) at `createdAt`. */
export function toStoredDefinition(
  definition: CustomResourceDefinitionInput,
  createdAt: string,
): CustomResourceDefinition {
  const { apiVersion, metadata, spec } = definition;
  return {
    ...(apiVersion === undefined ? {} : { apiVersion }),
    kind: 'CustomResourceDefinition',
    metadata: { ...metadata, creationTimestamp: createdAt },
    spec,
  };
}

/** The `crd-plural` key of a CRD: `<group>/<plural>`. */
export function pluralClaimKey(definition: Pick<CustomResourceDefinition, 'spec'>): string {
  return `${definition.spec.group}/${definition.spec.names.plural}`;
}

/** The `customresource` key of one object; `namespace` is undefined for Cluster scope. */
export function customResourceKey(crd: string, namespace: string | undefined, name: string): string {
  return `${crd}/${namespace ?? CLUSTER_SEGMENT}/${name}`;
}

/**
 * The list prefix of a CRD's resources: `<crd>/` for all of them, `<crd>/<namespace>/` for one namespace,
 * `<crd>/-/` for a Cluster CRD.
 */
export function customResourcePrefix(crd: string, scope: CrdScope, namespace?: string): string {
  if (scope === 'Cluster') return `${crd}/${CLUSTER_SEGMENT}/`;
  return namespace === undefined ? `${crd}/` : `${crd}/${namespace}/`;
}

/** One way to read the URL segments: which one is the plural, the namespace and the name. */
interface Reading {
  readonly plural: string;
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * The readings of the segments after `/customresources/{group}/{version}/`, most specific first:
 *
 * | segments                          | readings                                        |
 * | --------------------------------- | ----------------------------------------------- |
 * | `crontabs`                        | plural                                          |
 * | `ns1/crontabs`, `crontabs/a`      | ns/plural, then plural/name (Cluster)           |
 * | `namespaces/ns1/crontabs`         | namespaces/ns/plural, then ns/plural/name       |
 * | `ns1/crontabs/a`                  | ns/plural/name                                  |
 * | `namespaces/ns1/crontabs/a`       | namespaces/ns/plural/name                       |
 */
function readingsOf(segments: readonly string[]): Reading[] {
  const [a, b, c, d] = segments;
  switch (segments.length) {
    case 1:
      return [{ plural: a! }];
    case 2:
      return [
        { namespace: a!, plural: b! },
        { plural: a!, name: b! },
      ];
    case 3:
      return [
        ...(a === 'namespaces' ? [{ namespace: b!, plural: c! }] : []),
        { namespace: a!, plural: b!, name: c! },
      ];
    case 4:
      return a === 'namespaces' ? [{ namespace: b!, plural: c!, name: d! }] : [];
    default:
      return [];
  }
}

/** True when the reading fits `scope`: Cluster takes no namespace; Namespaced needs one to name an object. */
function fitsScope(reading: Reading, scope: CrdScope): boolean {
  if (scope === 'Cluster') return reading.namespace === undefined;
  return reading.namespace !== undefined || reading.name === undefined;
}

/**
 * Resolves the URL segments after `/customresources/{group}/{version}/` against `crds` (the CRDs of
 * `group`). A segment is a plural when some CRD of the group has that plural; among the readings whose plural
 * matches and whose form fits the CRD's scope, the first of {@link readingsOf}'s order wins.
 *
 * - `NotFound` when no reading names a plural of the group;
 * - `BadParams` (a `ValidationError`) when the form is malformed (0 or more than 4 segments), only
 *   readings of the wrong scope match (a namespace for a Cluster CRD, a name without namespace for a
 *   Namespaced one), the version is not served, or a namespace or name segment breaks the name rule.
 *
 * Example: CRD `bklogconfigs` (Namespaced, v2 served): `['global', 'bklogconfigs']` → namespace `global`;
 * `['namespaces', 'global', 'bklogconfigs', 'a']` → namespace `global`, name `a`; `['bklogconfigs']` → all
 * namespaces; `['bklogconfigs', 'a']` → BadParams (`namespace: is required …`).
 */
export function resolveCustomResourcePath(
  group: string,
  version: string,
  segments: readonly string[],
  crds: readonly CustomResourceDefinition[],
): CustomResourceRef {
  const readings = readingsOf(segments);
  if (readings.length === 0) {
    throw badParams([
      { path: 'path', rule: 'must be [namespaces/]{namespace}/{plural}[/{name}] or {plural}[/{name}]' },
    ]);
  }
  const byPlural = new Map(crds.map((crd) => [crd.spec.names.plural, crd]));
  const matching = readings.flatMap((reading) => {
    const crd = byPlural.get(reading.plural);
    return crd === undefined ? [] : [{ reading, crd }];
  });
  if (matching.length === 0) {
    const plurals = [...new Set(readings.map((reading) => reading.plural))].join('" or "');
    throw new NotFoundError(`customresourcedefinition with plural "${plurals}" in group ${group}`);
  }
  const chosen = matching.find(({ reading, crd }) => fitsScope(reading, crd.spec.scope));
  if (chosen === undefined) throw badParams([scopeIssue(matching[0]!.crd)]);
  const { reading, crd } = chosen;
  const issues: Issue[] = [];
  if (!crd.spec.versions.some((v) => v.name === version && v.served)) {
    issues.push({ path: 'version', rule: `must be a served version of ${crd.metadata.name}` });
  }
  if (reading.namespace !== undefined && !isValidName(reading.namespace)) {
    issues.push({ path: 'namespace', rule: 'must be a valid namespace' });
  }
  if (reading.name !== undefined && !isValidName(reading.name)) {
    issues.push({ path: 'name', rule: 'must be a valid name' });
  }
  if (issues.length > 0) throw badParams(issues);
  return {
    crd: crd.metadata.name,
    group,
    version,
    plural: reading.plural,
    kind: crd.spec.names.kind,
    scope: crd.spec.scope,
    ...(reading.namespace === undefined ? {} : { namespace: reading.namespace }),
    ...(reading.name === undefined ? {} : { name: reading.name }),
  };
}

function scopeIssue(crd: CustomResourceDefinition): Issue {
  return crd.spec.scope === 'Cluster'
    ? { path: 'namespace', rule: `must be left out: ${crd.spec.names.plural} is Cluster-scoped` }
    : { path: 'namespace', rule: `is required to address one ${crd.spec.names.plural}: it is Namespaced` };
}

function badParams(issues: Issue[]): ValidationError {
  return new ValidationError('customresource URL', issues, ErrorCode.BadParams);
}
