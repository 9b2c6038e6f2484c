export {
  type ChangeListener,
  type ChangeWatch,
  createEtcdStore,
  type EtcdStore,
  type EtcdStoreOptions,
} from './etcd-store.js';
export { CLUSTER_ID } from './keys.js';
export type { SplitPart } from './split.js';
