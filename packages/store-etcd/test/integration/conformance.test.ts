import { storeConformance } from '@bcs/testing/conformance';
import { useEtcd } from '../support.js';

// The shared Store suite on a real etcd 3.4 (one member on loopback). Every store has a cluster id of its own;
// `reopen` makes a new store instance on the same cluster id, which proves that data, revisions and the change
// feed live in etcd and not in the process.
const etcd = useEtcd();

storeConformance('etcd store', () => etcd.store(), {
  reopen: (store) => etcd.store(etcd.clusterIdOf(store)),
  plantUnreadable: (store, collection, key) => etcd.plantUnreadable(store, collection, key),
});
