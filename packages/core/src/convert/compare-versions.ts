import { Value } from '@sinclair/typebox/value';
import type { ContainerSpec, Version } from '../resources/version.js';
import { ApplicationSchema, ProcessApplicationSchema } from '../validation/application.js';
import { canonicalizeKeys, isPlainObject } from '../validation/canonical-keys.js';
import { applyDefaults } from '../validation/defaults.js';

/**
 * Version comparisons (spec/bcs-behaviour.md §6, §6.2). A `Version` does not hold everything a definition
 * says: configmaps, secrets, hostname, image credentials, extended resources, netLimit, volume `subPath` and
 * the process fields live only in `raw`. So both comparisons also compare the definitions in `raw`, made
 * comparable: keys canonical (Go matched them case-insensitively), schema defaults applied, unknown keys
 * dropped, and the fields the scheduler ignores (§1.2: `apiVersion`, `updatePolicy`, both `nodeSelector`s,
 * container `workingDir`, port `hostIP`; plus `metadata.namespace`/`creationTimestamp`/`clusterName`, which
 * the version carries or the scheduler sets) removed. A `raw` that is not an object is compared as is.
 */

/** How a new version relates to the current one: what an update has to do. */
export type VersionChange = 'identical' | 'resources-only' | 'new-version';

/**
 * The one place that decides what an update of `from` to `to` is (spec/bcs-behaviour.md §6, §6.2):
 * - `identical`: they say the same thing ({@link sameVersionContent}); the update is a no-op: same version,
 *   nothing restarted;
 * - `resources-only`: only container resources differ ({@link isOnlyResourceChange}); can be applied in place;
 * - `new-version`: anything else; instances are replaced.
 *
 * Examples: the same body sent twice (other id, time, key order) → `identical`; limits cpu "2" → "4" →
 * `resources-only`; a new image → `new-version`.
 */
export function compareVersions(from: Version, to: Version): VersionChange {
  if (sameVersionContent(from, to)) return 'identical';
  return isOnlyResourceChange(from, to) ? 'resources-only' : 'new-version';
}

/**
 * The first top-level field of the versions, other than container resources, in which `to` differs from
 * `from` (`definition` when only the definitions in `raw` differ); `undefined` when only resources differ.
 * It names the field a refused resource-only update (`args=resource`) changed.
 *
 * Examples: image changed → `containers`; a label added → `labels`; cpu "2" → "4" → `undefined`.
 */
export function firstNonResourceDifference(from: Version, to: Version): string | undefined {
  if (isOnlyResourceChange(from, to)) return undefined;
  const refs = resourceRefEnvNames(to);
  const a = contentOf(from, refs);
  const b = contentOf(to, refs);
  const key = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((k) => !deepEqual(a[k], b[k]));
  return key ?? 'definition';
}

/**
 * True when two versions say the same thing: everything but `id` and `createdAt` is equal, and their
 * definitions (see above) are equal. Creating or updating an application skips saving a version that is
 * the same as the newest (§6). Comparing the definitions too errs towards saving: a body that differs only
 * in something the version cannot hold (a configmap item) is a new version, never a lost update.
 *
 * Examples: the same body sent twice (different id, time, key order or key case) → true; instances 2 vs 3 →
 * false; a changed configmap `dataKey` → false.
 */
export function sameVersionContent(a: Version, b: Version): boolean {
  return deepEqual(contentOf(a), contentOf(b)) && deepEqual(comparableDefinition(a), comparableDefinition(b));
}

/**
 * True when `to` differs from `from` at most in container resources (requests and limits), so the change can
 * be applied in place (`args=resource`, spec/bcs-behaviour.md §6.2). Fixed per §15.7: everything else is
 * compared (health checks of both versions, configmap and secret items even when empty, all labels), and
 * any resource change is allowed — increases and decreases alike; whether a decrease is applied is the
 * in-place updater's business. Env values that come from a `resourceFieldRef` may differ, as they follow
 * the resources. Two equal versions → true (nothing but resources changed).
 *
 * Examples: limits cpu "2" → "4" → true; memory "100" → "50" → true; cpu changed and image changed → false;
 * a label added → false; instances 2 → 3 → false.
 */
export function isOnlyResourceChange(from: Version, to: Version): boolean {
  const fromDefinition = comparableDefinition(from, { withoutResources: true });
  const toDefinition = comparableDefinition(to, { withoutResources: true });
  if (!deepEqual(fromDefinition, toDefinition)) return false;
  const refs = resourceRefEnvNames(to);
  return deepEqual(contentOf(from, refs), contentOf(to, refs));
}

/** Env names per container index whose value follows the resources. */
type ResourceRefs = readonly ReadonlySet<string>[];

function contentOf(version: Version, resourceBlind?: ResourceRefs): Record<string, unknown> {
  const { id: _id, createdAt: _createdAt, raw: _raw, containers, ...rest } = version;
  if (resourceBlind === undefined) return { ...rest, containers };
  return { ...rest, containers: containers.map((c, i) => withoutResources(c, resourceBlind[i])) };
}

function withoutResources(container: ContainerSpec, refNames: ReadonlySet<string> | undefined): unknown {
  const { resources: _resources, limits: _limits, env, ...rest } = container;
  return { ...rest, env: env.map((e) => (refNames?.has(e.name) === true ? { name: e.name } : e)) };
}

function resourceRefEnvNames(version: Version): ResourceRefs {
  return workloadsOf(comparableDefinition(version)).map((workload) => {
    const env = Array.isArray(workload.env) ? workload.env : [];
    const names = env
      .filter(
        (e) => isPlainObject(e) && isPlainObject(e.valueFrom) && e.valueFrom.resourceFieldRef !== undefined,
      )
      .map((e) => String((e as { name: unknown }).name));
    return new Set(names);
  });
}

/** The version's `raw` definition, made comparable (see the module comment). */
function comparableDefinition(version: Version, options: { withoutResources?: boolean } = {}): unknown {
  if (!isPlainObject(version.raw)) return version.raw;
  const schema = version.kind === 'process' ? ProcessApplicationSchema : ApplicationSchema;
  const prepared = applyDefaults(schema, canonicalizeKeys(schema, structuredClone(version.raw)));
  const definition = Value.Clean(schema, prepared) as Record<string, unknown>;
  dropIgnored(definition);
  if (options.withoutResources === true) {
    delete objectAt(definition, 'spec')?.instance;
    for (const workload of workloadsOf(definition)) delete workload.resources;
  }
  return definition;
}

function dropIgnored(definition: Record<string, unknown>): void {
  delete definition.apiVersion;
  delete definition.updatePolicy;
  const metadata = objectAt(definition, 'metadata');
  delete metadata?.namespace;
  delete metadata?.creationTimestamp;
  delete metadata?.clusterName;
  delete objectAt(definition, 'constraint')?.nodeSelector;
  delete objectAt(definition, 'spec', 'template', 'spec')?.nodeSelector;
  for (const workload of workloadsOf(definition)) {
    delete workload.workingDir;
    for (const port of Array.isArray(workload.ports) ? workload.ports : []) {
      if (isPlainObject(port)) delete port.hostIP;
    }
  }
}

/** The containers (or processes) of a definition, as plain objects. */
function workloadsOf(definition: unknown): Record<string, unknown>[] {
  const podSpec = objectAt(definition, 'spec', 'template', 'spec');
  const list = podSpec?.containers ?? podSpec?.processes;
  return Array.isArray(list) ? list.filter(isPlainObject) : [];
}

function objectAt(value: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return isPlainObject(current) ? current : undefined;
}

/** Structural equality of JSON-like values; a key whose value is `undefined` counts as absent. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!deepEqual(a[key], b[key])) return false;
  }
  return true;
}
