export { defaultInnerIp } from './agents.js';
/** The ordered, never re-entrant event delivery the simulator uses; @bcs/testing's FakeMesosDriver shares it. */
export { EventStream } from './event-stream.js';
export {
  checkExecutorProgram,
  EXECUTOR_MESSAGE_LOG_LIMIT,
  type ExecutorCommandScript,
  type ExecutorMessageRecord,
  type ExecutorProgram,
} from './executor.js';
export { drainMicrotasks } from './flush.js';
export { encodeRecord } from './http/recordio.js';
export { MesosSimServer, type MesosSimServerOptions, type SimFaults } from './http/server.js';
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
