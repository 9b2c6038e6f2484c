/** The etcd3 client class, for a client shared by the store and the election (`createEtcdStore({ client })`). */
export { Etcd3, type IOptions as EtcdClientOptions } from 'etcd3';
export {
  type CampaignOptions,
  campaign,
  currentLeader,
  type Leadership,
  leaderKey,
  listReplicas,
} from './election.js';
export {
  type ChangeListener,
  type ChangeWatch,
  createEtcdStore,
  type EtcdStore,
  type EtcdStoreOptions,
} from './etcd-store.js';
export { deposedError, type Fence } from './fence.js';
export { CLUSTER_ID } from './keys.js';
export type { SplitPart } from './split.js';
