export {
  type CampaignOptions,
  campaign,
  currentLeader,
  type Leadership,
  leaderKey,
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
