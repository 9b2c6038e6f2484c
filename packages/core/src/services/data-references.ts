import { dataRefsOf } from '../convert/definition-to-version.js';
import {
  type DataObjects,
  type DataRefs,
  hasDataRefs,
  imageSecretOf,
  readDataObjects,
} from '../engine/data-objects.js';
import type { EngineQueue, StateSource } from '../engine/ports.js';
import { ConflictError, type Issue, ValidationError } from '../errors.js';
import type { Store } from '../ports/store.js';
import { createToken } from '../tokens.js';
import type { ContainerDefinition, ProcessDefinition } from '../validation/pod-template.js';

/**
 * Configmaps and secrets that containers reference (spec/bcs-behaviour.md §1.2 `CheckVersion`, §8.4):
 * checked to exist when an application or deployment is created or updated, read when a taskgroup is
 * launched, and guarded against deletion while an application uses them.
 */

/** The kinds a container can reference. */
export type DataKind = 'configmap' | 'secret';

/**
 * One issue per reference of `containers` to a configmap or secret of `namespace` that does not exist, or to
 * a data key it does not have, as the original's `CheckVersion` refused them (1405008). `section` is where the
 * containers sit in the body (`spec.template.spec.containers` or `…processes`). Paths name the reference;
 * rules name the container, the object and what is missing.
 *
 * Example: container `web` references configmap `cm` item `dataKey: 'k'`, and `cm` has no `k` →
 * `{path: 'spec.template.spec.containers[0].configmaps[0].items[0].dataKey', rule: 'container "web": configmap
 * defaultGroup/cm has no data key "k"'}`.
 */
export function missingDataRefs(
  namespace: string,
  containers: readonly DataRefs[],
  objects: DataObjects,
  section: string,
): Issue[] {
  const issues: Issue[] = [];
  containers.forEach((container, c) => {
    const who = `container "${container.name}"`;
    (container.configMaps ?? []).forEach((ref, r) => {
      const path = `${section}[${c}].configmaps[${r}]`;
      const object = objects.configMaps.get(ref.name);
      if (object === undefined) {
        issues.push({
          path: `${path}.name`,
          rule: `${who}: configmap ${namespace}/${ref.name} does not exist`,
        });
        return;
      }
      ref.items.forEach((item, i) => {
        if (!Object.hasOwn(object.datas, item.dataKey)) {
          issues.push({
            path: `${path}.items[${i}].dataKey`,
            rule: `${who}: configmap ${namespace}/${ref.name} has no data key "${item.dataKey}"`,
          });
        }
      });
    });
    for (const field of ['imagePullUser', 'imagePullPasswd'] as const) {
      const ref = imageSecretOf(container.imagePull?.[field]);
      if (ref === undefined) continue;
      const path = `${section}[${c}].${field}`;
      if (ref === 'invalid') {
        issues.push({ path, rule: `${who}: must be secret::<name>||<key> when it starts with secret::` });
      } else if (!objects.secrets.has(ref.name)) {
        issues.push({ path, rule: `${who}: secret ${namespace}/${ref.name} does not exist` });
      } else if (!Object.hasOwn(objects.secrets.get(ref.name)!.datas, ref.key)) {
        issues.push({ path, rule: `${who}: secret ${namespace}/${ref.name} has no data key "${ref.key}"` });
      }
    }
    (container.secrets ?? []).forEach((ref, r) => {
      const path = `${section}[${c}].secrets[${r}]`;
      const object = objects.secrets.get(ref.secretName);
      if (object === undefined) {
        issues.push({
          path: `${path}.secretName`,
          rule: `${who}: secret ${namespace}/${ref.secretName} does not exist`,
        });
        return;
      }
      ref.items.forEach((item, i) => {
        if (!Object.hasOwn(object.datas, item.dataKey)) {
          issues.push({
            path: `${path}.items[${i}].dataKey`,
            rule: `${who}: secret ${namespace}/${ref.secretName} has no data key "${item.dataKey}"`,
          });
        }
      });
    });
  });
  return issues;
}

/**
 * The references of a pod template's containers (with their image credentials) or processes, for
 * {@link checkDataRefs}.
 */
export function templateDataRefs(
  spec: {
    readonly containers?: readonly ContainerDefinition[] | undefined;
    readonly processes?: readonly ProcessDefinition[] | undefined;
  },
  workload: 'containers' | 'processes',
): DataRefs[] {
  if (workload === 'processes') {
    return (spec.processes ?? []).map((p) => ({ name: p.procName, ...dataRefsOf(p) }));
  }
  return (spec.containers ?? []).map((c) => ({
    name: c.name ?? '',
    ...dataRefsOf(c),
    imagePull: {
      ...(c.imagePullUser === undefined ? {} : { imagePullUser: c.imagePullUser }),
      ...(c.imagePullPasswd === undefined ? {} : { imagePullPasswd: c.imagePullPasswd }),
    },
  }));
}

/**
 * Refuses (`ValidationError` 1405008 on `subject`, nothing written) containers that reference a configmap, a
 * secret or a data key missing from `namespace` ({@link missingDataRefs}). Run it in the engine's queue, right
 * before the write it guards.
 */
export async function checkDataRefs(
  store: Store,
  namespace: string,
  containers: readonly DataRefs[],
  section: string,
  subject: string,
): Promise<void> {
  if (!hasDataRefs(containers)) return;
  const objects = await readDataObjects(store, namespace, containers);
  const issues = missingDataRefs(namespace, containers, objects, section);
  if (issues.length > 0) throw new ValidationError(subject, issues);
}

/**
 * How the configmap and secret services learn who uses an object before deleting it. With a scheduler, the
 * engine: the check and the delete run in its queue, the same queue that checks references at application
 * create and update, so neither can slip between the other's check and write. Without one there are no
 * applications.
 */
export interface DataReferenceGuard {
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The applications (`<namespace>/<name>`, sorted) whose current version, or a version a taskgroup of theirs
   * still runs, references `kind` `name` of `namespace`. Deployments' applications included.
   */
  referencedBy(kind: DataKind, namespace: string, name: string): string[];
}

export const DataReferenceGuardToken = createToken<DataReferenceGuard>('DataReferenceGuard');

/** The guard without a scheduler. */
export const noDataReferenceGuard: DataReferenceGuard = {
  run: (work) => work(),
  referencedBy: () => [],
};

/** The guard of a scheduler: its engine's queue and in-memory applications. */
export function engineDataReferenceGuard(engine: EngineQueue & StateSource): DataReferenceGuard {
  return {
    run: (work) => engine.run(work),
    referencedBy(kind, namespace, name) {
      const users: string[] = [];
      for (const state of engine.state.apps.values()) {
        if (state.app.namespace !== namespace) continue;
        const inUse = new Set([state.app.versionId]);
        for (const taskGroup of state.taskGroups.values()) inUse.add(taskGroup.versionId);
        const uses = [...inUse].some((id) => {
          const containers = state.versions.get(id)?.containers ?? [];
          return containers.some((c) =>
            kind === 'configmap'
              ? (c.configMaps ?? []).some((ref) => ref.name === name)
              : (c.secrets ?? []).some((ref) => ref.secretName === name),
          );
        });
        if (uses) users.push(`${namespace}/${state.app.id}`);
      }
      return users.sort();
    },
  };
}

/**
 * Runs `remove` (the delete of `kind` `name`) in the guard's queue, unless an application uses the object and
 * `force` is not set: then `Conflict` (409), naming the applications, and nothing is deleted.
 */
export function guardedDelete(
  guard: DataReferenceGuard,
  kind: DataKind,
  namespace: string,
  name: string,
  force: boolean,
  remove: () => Promise<void>,
): Promise<void> {
  return guard.run(async () => {
    if (!force) {
      const users = guard.referencedBy(kind, namespace, name);
      if (users.length > 0) {
        throw new ConflictError(
          `${kind} ${namespace}/${name} is referenced by application ${users.join(', ')}; ` +
            'delete with force=true to delete it anyway (running taskgroups keep what they got)',
        );
      }
    }
    await remove();
  });
}
