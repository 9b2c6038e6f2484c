import { ErrorCode, isBcsError } from '../errors.js';
import type { Entry, Store } from '../ports/store.js';
import type { ConfigMap } from '../resources/configmap.js';
import { namespacedKey } from '../resources/meta.js';
import type { Secret } from '../resources/secret.js';
import type { ContainerSpec } from '../resources/version.js';
import type { TaskDataObjects } from '../scheduler/task-data.js';

// The configmaps and secrets containers reference, read from the store: at create and update to check them
// (services/data-references.ts), at launch to deliver them (placement-pass.ts).

/** The data of the configmaps and secrets a launch needs, by name (all of one namespace). */
export type DataObjects = TaskDataObjects;

/**
 * What reference checks read of a container: its name, references and, at create and update, its image
 * credentials (`secret::<name>||<key>` refers to a secret's data key, spec/bcs-behaviour.md §1.2).
 */
export type DataRefs = Pick<ContainerSpec, 'name' | 'configMaps' | 'secrets'> & {
  readonly imagePull?: { readonly imagePullUser?: string; readonly imagePullPasswd?: string };
};

/** The prefix of an image credential that names a secret's data key. */
export const IMAGE_SECRET_PREFIX = 'secret::';

/**
 * The secret and key an image credential names, as the original parsed it (`checkImageSecret`): `undefined`
 * when it does not start with `secret::`, `'invalid'` when it is not `secret::<name>||<key>`; name and key are
 * trimmed. Examples: `secret::regcred||user` → {name 'regcred', key 'user'}; `secret::regcred` → 'invalid';
 * `alice` → undefined.
 */
export function imageSecretOf(
  value: string | undefined,
): { name: string; key: string } | 'invalid' | undefined {
  if (value === undefined || !value.startsWith(IMAGE_SECRET_PREFIX)) return undefined;
  const parts = value.split('::');
  if (parts.length !== 2) return 'invalid';
  const ref = (parts[1] as string).split('||');
  if (ref.length !== 2) return 'invalid';
  return { name: (ref[0] as string).trim(), key: (ref[1] as string).trim() };
}

function imageSecretNames(container: DataRefs): string[] {
  const names: string[] = [];
  for (const value of [container.imagePull?.imagePullUser, container.imagePull?.imagePullPasswd]) {
    const ref = imageSecretOf(value);
    if (ref !== undefined && ref !== 'invalid') names.push(ref.name);
  }
  return names;
}

/** Whether any of `containers` references a configmap or a secret. */
export function hasDataRefs(containers: readonly DataRefs[]): boolean {
  return containers.some(
    (c) =>
      (c.configMaps?.length ?? 0) > 0 ||
      (c.secrets?.length ?? 0) > 0 ||
      imageSecretOf(c.imagePull?.imagePullUser) !== undefined ||
      imageSecretOf(c.imagePull?.imagePullPasswd) !== undefined,
  );
}

/**
 * Reads the configmaps and secrets `containers` reference from namespace `namespace`; missing ones, and ones
 * whose stored record cannot be read back (store code `Unreadable`), are left out of the maps, so they count
 * as missing: refused at create and update, warned about at launch.
 */
export async function readDataObjects(
  store: Store,
  namespace: string,
  containers: readonly DataRefs[],
): Promise<DataObjects> {
  const configMaps = new Map<string, ConfigMap>();
  const secrets = new Map<string, Secret>();
  for (const container of containers) {
    for (const { name } of container.configMaps ?? []) {
      if (configMaps.has(name)) continue;
      const entry = await readable(store.get<ConfigMap>('configmap', namespacedKey(namespace, name)));
      if (entry !== undefined) configMaps.set(name, entry.value);
    }
    for (const secretName of [
      ...(container.secrets ?? []).map((s) => s.secretName),
      ...imageSecretNames(container),
    ]) {
      if (secrets.has(secretName)) continue;
      const entry = await readable(store.get<Secret>('secret', namespacedKey(namespace, secretName)));
      if (entry !== undefined) secrets.set(secretName, entry.value);
    }
  }
  return { configMaps, secrets };
}

/** A `get`'s entry, `undefined` when absent or unreadable. */
async function readable<T>(get: Promise<Entry<T> | undefined>): Promise<Entry<T> | undefined> {
  try {
    return await get;
  } catch (error) {
    if (isBcsError(error) && error.code === ErrorCode.Unreadable) return undefined;
    throw error;
  }
}
