import type { Store } from '../ports/store.js';
import type { ConfigMap } from '../resources/configmap.js';
import { namespacedKey } from '../resources/meta.js';
import type { Secret } from '../resources/secret.js';
import type { ContainerSpec } from '../resources/version.js';
import type { TaskDataObjects } from '../scheduler/task-data.js';

// The configmaps and secrets containers reference, read from the store: at create and update to check them
// (services/data-references.ts), at launch to deliver them (placement-pass.ts).

/** The data of the configmaps and secrets a launch needs, by name (all of one namespace). */
export type DataObjects = TaskDataObjects;

/** What reference checks read of a container: its name and references. */
export type DataRefs = Pick<ContainerSpec, 'name' | 'configMaps' | 'secrets'>;

/** Whether any of `containers` references a configmap or a secret. */
export function hasDataRefs(containers: readonly DataRefs[]): boolean {
  return containers.some((c) => (c.configMaps?.length ?? 0) > 0 || (c.secrets?.length ?? 0) > 0);
}

/**
 * Reads the configmaps and secrets `containers` reference from namespace `namespace`; missing ones are left
 * out of the maps.
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
      const entry = await store.get<ConfigMap>('configmap', namespacedKey(namespace, name));
      if (entry !== undefined) configMaps.set(name, entry.value);
    }
    for (const { secretName } of container.secrets ?? []) {
      if (secrets.has(secretName)) continue;
      const entry = await store.get<Secret>('secret', namespacedKey(namespace, secretName));
      if (entry !== undefined) secrets.set(secretName, entry.value);
    }
  }
  return { configMaps, secrets };
}
