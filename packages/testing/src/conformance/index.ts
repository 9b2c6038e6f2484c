export {
  aLaunchGroupCall,
  type LaunchGroupSpec,
  type LaunchTaskSpec,
  type MesosDriverConformanceOptions,
  type MesosDriverHarness,
  type MesosDriverModule,
  mesosDriverConformance,
  scalar,
} from './mesos-driver/index.js';
export {
  fakeOutboundHarness,
  loopbackOutboundHarness,
  type OutboundHarness,
  outboundConformance,
  type ServedEndpoint,
} from './outbound/index.js';
export { type StoreConformanceOptions, storeConformance } from './store/index.js';
