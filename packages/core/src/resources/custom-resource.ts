import type { ObjectMeta } from './meta.js';

/** A stored CustomResourceDefinition. `metadata.name` is `<plural-or-singular>.<group>`. */
export interface CustomResourceDefinition {
  apiVersion?: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  spec: {
    group: string;
    versions: { name: string; served: boolean; storage: boolean }[];
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; singular?: string; kind: string; shortNames?: string[] };
  };
}

/** A stored custom resource: free-form `spec` and `status` under a registered CRD. */
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
  readonly scope: 'Namespaced' | 'Cluster';
  /** Undefined for Cluster scope, and for a Namespaced list across all namespaces. */
  readonly namespace?: string;
  /** The object's name, when the URL has one. */
  readonly name?: string;
}
