import type { ResourceAmounts, RestartPolicySpec, Version } from '@bcs/core';
import { rfc3339 } from '@bcs/core';

/**
 * Pieces shared by the response mappers. The original's internal records had no JSON tags, so responses use
 * Go's field names (spec/bcs-behaviour.md §0, §1.3); the few nested types that did have tags (`ObjectMeta`,
 * `RestartPolicy`, `KillPolicy`, `Constraint`, health checks) keep their camelCase.
 */

/** Epoch ms → Unix seconds, as `Created`, `UpdateTime` and `LastUpdateTime` are written (§0). */
export function unixSeconds(epochMs: number | undefined): number {
  return epochMs === undefined ? 0 : Math.floor(epochMs / 1000);
}

/** Go's `types.Resource`. */
export interface BcsResource {
  readonly Cpus: number;
  readonly Mem: number;
  readonly Disk: number;
}

/** `{cpus, mem, disk}` → `{Cpus, Mem, Disk}`. */
export function toBcsResource(amounts: ResourceAmounts): BcsResource {
  return { Cpus: amounts.cpus, Mem: amounts.mem, Disk: amounts.disk };
}

/** `commtypes.ObjectMeta` (JSON-tagged): labels, annotations and clusterName only when non-empty. */
export interface BcsObjectMeta {
  readonly name: string;
  readonly namespace: string;
  /** RFC 3339. */
  readonly creationTimestamp: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An `ObjectMeta` for `name` in `namespace`, labelled as `version` says (none without a version). */
export function toBcsObjectMeta(
  name: string,
  namespace: string,
  createdAt: number,
  version: Version | undefined,
): BcsObjectMeta {
  const labels = version?.labels ?? {};
  const annotations = version?.annotations ?? {};
  return {
    name,
    namespace,
    creationTimestamp: rfc3339(createdAt),
    ...(Object.keys(labels).length === 0 ? {} : { labels }),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}

/** `commtypes.KillPolicy` (JSON-tagged): `gracePeriod` in seconds. */
export interface BcsKillPolicy {
  readonly gracePeriod: number;
}

/** The version's kill policy, or `null` without a version. */
export function toBcsKillPolicy(version: Version | undefined): BcsKillPolicy | null {
  return version === undefined ? null : { gracePeriod: version.killGracePeriod };
}

/** `commtypes.RestartPolicy` (JSON-tagged, same field names as ours). */
export type BcsRestartPolicy = RestartPolicySpec;

/** The version's restart policy (a copy), or `null` without a version. */
export function toBcsRestartPolicy(version: Version | undefined): BcsRestartPolicy | null {
  return version === undefined ? null : { ...version.restartPolicy };
}
