export { createEtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { CLUSTER_ID } from './keys.js';
export type { SplitPart } from './split.js';
