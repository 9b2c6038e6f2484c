/** `ObjectMeta` as stored: namespace filled in from the URL, creation time set by the scheduler. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339, UTC, set when the object is created and kept by updates. */
  creationTimestamp: string;
  clusterName?: string;
}

/** The metadata of a definition as a client sends it. */
export interface ObjectMetaInput {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  clusterName?: string;
}

/** The store key of a namespaced object: `<namespace>/<name>`. */
export function namespacedKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The list prefix of one namespace: `<namespace>/`. */
export function namespacePrefix(namespace: string): string {
  return `${namespace}/`;
}

/** Formats epoch milliseconds as RFC 3339 in UTC without fractions: `2026-11-24T06:04:00Z`. */
export function rfc3339(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/**
 * Stamps metadata for storage: the namespace is the URL's, and the creation time is `createdAt`
 * (the stored object's, on update; now, on create).
 */
export function stampMeta(meta: ObjectMetaInput, namespace: string, createdAt: string): ObjectMeta {
  return { ...meta, namespace, creationTimestamp: createdAt };
}
