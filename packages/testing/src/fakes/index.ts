export { FakeMesosDriver, type FakeMesosDriverOptions, type MesosCallOf } from './fake-mesos-driver.js';
export { FakeOutbound, type OutboundCall } from './fake-outbound.js';
export { ManualClock } from './manual-clock.js';
export { createMemoryStore, type MemoryStore } from './memory-store.js';
export { SequentialIds, type SequentialIdsOptions } from './sequential-ids.js';
