// The simulated cluster moved to @bcs/mesos-sim (it is the server's default runtime, not a test fake). This entry
// re-exports it so tests keep one import for their fakes and the simulator.
export * from '@bcs/mesos-sim';
export { type HttpCluster, type HttpClusterOptions, startHttpCluster } from './http.js';
