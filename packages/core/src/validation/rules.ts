import { type TLiteral, type TSchema, Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { DEFINITION_LIMITS } from './limits.js';

/**
 * Shared schema pieces and rules. spec/bcs-behaviour.md §1.1: the original only forbade `.` in some names and
 * never checked namespaces (a dot breaks id parsing: ids are dot-separated). We are stricter.
 */

/** The longest name or namespace: a DNS label. */
export const NAME_MAX_LENGTH = 63;

/** Letters, digits and `-`, starting and ending with a letter or digit, 1–63 characters. `defaultGroup` passes. */
export const NAME_PATTERN = '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$';
const NAME_RULE =
  'must be 1-63 letters, digits or "-", start and end with a letter or digit, and contain no "."';

/** An object name: see {@link NAME_PATTERN}. */
export const Name = (options: { description?: string } = {}) =>
  Type.String({ pattern: NAME_PATTERN, errorMessage: NAME_RULE, ...options });

/** A namespace: the same rule as a name. */
export const Namespace = () => Type.String({ pattern: NAME_PATTERN, errorMessage: NAME_RULE });

/** True when `value` is a valid name or namespace. */
export function isValidName(value: string): boolean {
  return new RegExp(NAME_PATTERN).test(value);
}

/** A string → string map (labels, annotations, selectors), at most `DEFINITION_LIMITS.mapEntries` entries. */
export const StringMap = () =>
  Type.Record(Type.String(), Type.String({ errorMessage: 'must be a string' }), {
    maxProperties: DEFINITION_LIMITS.mapEntries,
    errorMessage: 'must be an object of strings',
  });

/** The `kind` this endpoint takes, matched exactly (spec/bcs-behaviour.md §1.1). */
export function KindLiteral<K extends string>(kind: K): TLiteral<K> {
  return Type.Literal(kind, { errorMessage: `must be "${kind}" for this endpoint` });
}

/** An optional `apiVersion` string (the document sends `v4`; it is not checked). */
export const ApiVersion = () => Type.Optional(Type.String());

/**
 * `ObjectMeta` of a namespaced object. `namespace` may be left out, in which case the URL's namespace is
 * used; when present it must equal the URL's (see {@link namespaceIssues}).
 */
export const NamespacedMeta = () =>
  Type.Object({
    name: Name(),
    namespace: Type.Optional(Namespace()),
    labels: Type.Optional(StringMap()),
    annotations: Type.Optional(StringMap()),
    creationTimestamp: Type.Optional(Type.String()),
    clusterName: Type.Optional(Type.String()),
  });

/** IPv4 dotted quad, each part 0–255. */
export const IPV4_PATTERN =
  '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$';

/** An agent's `InnerIP`. */
export const InnerIp = () => Type.String({ pattern: IPV4_PATTERN, errorMessage: 'must be an IPv4 address' });

/** True for an IPv4 dotted quad. */
export function isIpv4(value: string): boolean {
  return new RegExp(IPV4_PATTERN).test(value);
}

/**
 * The URL's namespace must equal `metadata.namespace` when the body gives one. Returns the issues (empty when
 * fine). Example: URL `ns-a`, body `ns-b` → `metadata.namespace: must equal the namespace in the URL ("ns-a")`.
 */
export function namespaceIssues(metadata: { namespace?: string | undefined }, urlNamespace: string): Issue[] {
  if (metadata.namespace === undefined || metadata.namespace === urlNamespace) return [];
  return [{ path: 'metadata.namespace', rule: `must equal the namespace in the URL ("${urlNamespace}")` }];
}

/** The same for `metadata.name` on routes that carry the name. */
export function nameIssues(metadata: { name?: string | undefined }, urlName: string): Issue[] {
  if (metadata.name === undefined || metadata.name === urlName) return [];
  return [{ path: 'metadata.name', rule: `must equal the name in the URL ("${urlName}")` }];
}

/** A number given as a JSON number or a numeric string (`"0.5"`), as the document writes resources. */
export const NumericString = (options: { description?: string } = {}) =>
  Type.String({
    pattern: '^\\s*[0-9]+(\\.[0-9]+)?\\s*$',
    errorMessage: 'must be a non-negative decimal number written as a string, e.g. "0.5"',
    ...options,
  });

/** Re-exported for kinds' schemas. */
export type { TSchema };
