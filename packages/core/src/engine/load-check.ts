import type { Application } from '../resources/app.js';
import { DEFINITION_LIMITS } from '../validation/limits.js';

/**
 * Checks of stored records at load (issue 9 §0: one poisoned record, an application with `instance: 1e9`
 * written before the bounds existed, made every restart run out of memory before `listening`). A record that
 * fails a check is quarantined: kept in the store as it is, logged once, left out of scheduling, and shown
 * through the API with the reason. Each check returns the reason, or `undefined` for a record that loads.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isCount = (v: unknown, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

const INSTANCES = DEFINITION_LIMITS.instancesCeiling;
const OPERATIONS = new Set(['create', 'scale', 'update', 'delete']);

/** Why an `application` record cannot be loaded, e.g. `desiredInstances 1000000000 is not a whole number from 0 to 1000000`. */
export function applicationRecordIssue(value: unknown): string | undefined {
  if (!isObject(value)) return 'the record is not an object';
  for (const field of ['id', 'namespace', 'versionId', 'status'] as const) {
    if (!isText(value[field])) return `${field} is missing or not a string`;
  }
  if (!isCount(value.desiredInstances, INSTANCES)) {
    return `desiredInstances ${String(value.desiredInstances)} is not a whole number from 0 to ${INSTANCES}`;
  }
  const operation = value.operation;
  if (operation === undefined) return undefined;
  if (!isObject(operation) || !OPERATIONS.has(String(operation.type)))
    return 'operation is not one the scheduler knows';
  if (operation.type === 'scale' && !isCount(operation.to, INSTANCES)) {
    return `operation.to ${String(operation.to)} is not a whole number from 0 to ${INSTANCES}`;
  }
  if (operation.type === 'update') {
    const remaining = operation.remaining;
    if (
      !Array.isArray(remaining) ||
      remaining.length > INSTANCES ||
      !remaining.every((i) => isCount(i, INSTANCES))
    ) {
      return 'operation.remaining is not a list of instance indexes';
    }
  }
  return undefined;
}

/** Why a `version` record cannot be used, e.g. `killGracePeriod 1000000000000 is past 86400 seconds`. */
export function versionRecordIssue(value: unknown): string | undefined {
  if (!isObject(value)) return 'the record is not an object';
  for (const field of ['id', 'appId', 'namespace'] as const) {
    if (!isText(value[field])) return `${field} is missing or not a string`;
  }
  if (!Array.isArray(value.containers) || value.containers.length > DEFINITION_LIMITS.containers) {
    return `containers is not a list of at most ${DEFINITION_LIMITS.containers}`;
  }
  if (!isCount(value.instances, INSTANCES)) {
    return `instances ${String(value.instances)} is not a whole number from 0 to ${INSTANCES}`;
  }
  if (value.killGracePeriod !== undefined && !isCount(value.killGracePeriod, DEFINITION_LIMITS.seconds)) {
    return `killGracePeriod ${String(value.killGracePeriod)} is past ${DEFINITION_LIMITS.seconds} seconds`;
  }
  return undefined;
}

/** Why a `taskgroup` record cannot be loaded. */
export function taskGroupRecordIssue(value: unknown): string | undefined {
  if (!isObject(value)) return 'the record is not an object';
  for (const field of ['id', 'appId', 'namespace', 'versionId', 'status'] as const) {
    if (!isText(value[field])) return `${field} is missing or not a string`;
  }
  if (!isCount(value.index, INSTANCES)) return `index ${String(value.index)} is not an instance index`;
  if (!Array.isArray(value.tasks) || !value.tasks.every((t) => isObject(t) && isText(t.id))) {
    return 'tasks is not a list of tasks with ids';
  }
  if (!isObject(value.resources)) return 'resources is missing';
  return undefined;
}

/**
 * The application shown for a quarantined record: `Abnormal`, no operation, no instances wanted, no
 * version, the reason in `message`. `key` is the record's store key (`<ns>/<app>`), used when the record lacks its own names.
 */
export function quarantinedApplication(key: string, value: unknown, reason: string): Application {
  const record = isObject(value) ? value : {};
  const [namespace = '', id = key] = key.split('/');
  const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    id: isText(record.id) ? record.id : id,
    namespace: isText(record.namespace) ? record.namespace : namespace,
    kind: record.kind === 'process' ? 'process' : 'application',
    status: 'Abnormal',
    message: quarantineMessage(reason),
    desiredInstances: 0,
    // No version is shown: the stored one may be the record that cannot be loaded.
    versionId: '',
    ...(isObject(record.owner) && isText(record.owner.name)
      ? { owner: { kind: 'deployment' as const, name: record.owner.name } }
      : {}),
    createdAt: time(record.createdAt),
    updatedAt: time(record.updatedAt),
  };
}

/** The message of a quarantined application. */
export function quarantineMessage(reason: string): string {
  return `quarantined: the stored record cannot be loaded (${reason}); it is kept in the store untouched, delete the application to remove it`;
}
