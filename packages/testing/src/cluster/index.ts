export { defaultInnerIp } from './agents.js';
export { drainMicrotasks } from './flush.js';
export { SIM_COLLECTION } from './persistence.js';
export { SimulatedCluster } from './simulated-cluster.js';
export type {
  SimAgentSpec,
  SimAgentView,
  SimMessage,
  SimPortRange,
  SimResourcesView,
  SimScript,
  SimTaskView,
  SimulatedClusterOptions,
} from './types.js';
