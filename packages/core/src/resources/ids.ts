/**
 * BCS ids (spec/bcs-behaviour.md §1.3). They are dot-separated, so application names and namespaces must not
 * contain a dot (validation guarantees it, `validation/rules.ts`). The Mesos cluster name may: parsing takes
 * every field between the namespace and the nanos (taskgroup ids) or after the namespace (task ids) as the
 * cluster. `nanos` are Unix nanoseconds as a decimal string (they exceed 2^53).
 */

/** The cluster part of ids when Mesos reports no cluster name (§1.3 `ClusterId`). */
export const UNNAMED_CLUSTER = 'Unnamed';

/** The parts of a taskgroup id. */
export interface TaskGroupIdParts {
  /** The instance index (0-based; kept across restarts and updates). */
  readonly index: number;
  readonly appId: string;
  readonly namespace: string;
  /** The Mesos cluster name, e.g. `10001`, or {@link UNNAMED_CLUSTER}. */
  readonly cluster: string;
  /** Unix nanoseconds of this launch, decimal. */
  readonly nanos: string;
}

/** The parts of a task id: its taskgroup's, plus the container's index in the template. */
export interface TaskIdParts extends TaskGroupIdParts {
  readonly containerIndex: number;
}

const DIGITS = /^[0-9]+$/;
/** An index without leading zeros, so that parsing and formatting round-trip. */
const INDEX = /^(0|[1-9][0-9]*)$/;

/** A plain whole number that is a safe integer: a 19-digit nanos field is never taken for an index. */
function isIndex(field: string): boolean {
  return INDEX.test(field) && Number.isSafeInteger(Number(field));
}

/**
 * `<index>.<app>.<ns>.<cluster>.<nanos>`, also the executor id.
 * Example: `{ index 0, app-test, defaultGroup, 10001, 1527839061316356269 }` →
 * `0.app-test.defaultGroup.10001.1527839061316356269`.
 */
export function taskGroupId(parts: TaskGroupIdParts): string {
  return `${parts.index}.${parts.appId}.${parts.namespace}.${parts.cluster}.${parts.nanos}`;
}

/**
 * `<nanos>.<containerIndex>.<index>.<app>.<ns>.<cluster>` (the same nanos as its taskgroup).
 * Example: container 1 of the taskgroup above → `1527839061316356269.1.0.app-test.defaultGroup.10001`.
 */
export function taskId(parts: TaskIdParts): string {
  return `${parts.nanos}.${parts.containerIndex}.${parts.index}.${parts.appId}.${parts.namespace}.${parts.cluster}`;
}

/** A task's name: `<nanos>-<taskId>`. Example: `('15', '15.0.0.a.ns.c')` → `15-15.0.0.a.ns.c`. */
export function taskName(nanos: string, id: string): string {
  return `${nanos}-${id}`;
}

/** A taskgroup's name (the pod name): `<app>-<index>`. Example: `('app-test', 1)` → `app-test-1`. */
export function taskGroupName(appId: string, index: number): string {
  return `${appId}-${index}`;
}

/**
 * The parts of a taskgroup id, or `undefined` when it is not one (fewer than five fields, an index that is
 * not a plain whole number, non-numeric nanos, an empty field).
 * Example: `0.app-test.defaultGroup.10001.1527839061316356269` →
 * `{ index 0, appId app-test, namespace defaultGroup, cluster 10001, nanos 1527839061316356269 }`.
 */
export function parseTaskGroupId(id: string): TaskGroupIdParts | undefined {
  const fields = id.split('.');
  if (fields.length < 5) return undefined;
  const [index, appId, namespace] = fields as [string, string, string];
  const nanos = fields[fields.length - 1] as string;
  const cluster = fields.slice(3, -1).join('.');
  if (!isIndex(index) || !DIGITS.test(nanos) || hasEmpty(appId, namespace, cluster)) return undefined;
  return { index: Number(index), appId, namespace, cluster, nanos };
}

/**
 * The parts of a task id, or `undefined` when it is not one.
 * Example: `1527839061316356269.1.0.app-test.defaultGroup.10001` →
 * `{ nanos 1527839061316356269, containerIndex 1, index 0, appId app-test, namespace defaultGroup, cluster 10001 }`.
 */
export function parseTaskId(id: string): TaskIdParts | undefined {
  const fields = id.split('.');
  if (fields.length < 6) return undefined;
  const [nanos, containerIndex, index, appId, namespace] = fields as [string, string, string, string, string];
  const cluster = fields.slice(5).join('.');
  if (!DIGITS.test(nanos) || !isIndex(containerIndex) || !isIndex(index)) return undefined;
  if (hasEmpty(appId, namespace, cluster)) return undefined;
  return { nanos, containerIndex: Number(containerIndex), index: Number(index), appId, namespace, cluster };
}

/**
 * The id of a task's taskgroup: fields 2, 3, 4, 5, 0 of the task id (§1.3), or `undefined` when `id` is not
 * a task id. Example: `1527839061316356269.1.0.app-test.defaultGroup.10001` →
 * `0.app-test.defaultGroup.10001.1527839061316356269`.
 */
export function taskGroupIdOfTask(id: string): string | undefined {
  const parts = parseTaskId(id);
  return parts === undefined ? undefined : taskGroupId(parts);
}

function hasEmpty(...fields: string[]): boolean {
  return fields.some((f) => f === '');
}
