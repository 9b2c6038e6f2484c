export {
  closedLoopbackPort,
  type EndpointHandler,
  type EndpointReply,
  type EndpointRequest,
  type LoopbackServer,
  startLoopbackServer,
} from './loopback-server.js';
export { createTestCa, type TestCa, type TestKeyPair } from './test-ca.js';
