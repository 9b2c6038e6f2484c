export { createHttpApp, type HttpApp, type HttpAppOptions } from './app.js';
export { DEFAULT_BODY_LIMIT, readJson } from './body.js';
export { type Envelope, failure, success } from './envelope.js';
export * from './mappers/index.js';
export {
  type Access,
  classifyRequest,
  type HttpAuthOptions,
  requireToken,
} from './middleware/auth.js';
export { CLUSTER_HEADER, requireClusterId } from './middleware/cluster-header.js';
export { errorHandler } from './middleware/error-handler.js';
export {
  createHostCheck,
  type HostCheck,
  type HostCheckOptions,
  requireAllowedHost,
} from './middleware/host-check.js';
export {
  answerClientErrors,
  DEFAULT_MAX_URL_LENGTH,
  limitUrlLength,
  MAX_HEADER_SIZE,
} from './middleware/request-limits.js';
export { requestLog } from './middleware/request-log.js';
export * from './openapi/index.js';
export type { ReplicaEndpoint, SchedulerEndpoint } from './routes/cluster.js';
export type { RouteDeps } from './routes/deps.js';
export { createV4Routes, V4_PREFIXES } from './routes/index.js';
export { NOT_YET_IMPLEMENTED } from './routes/not-implemented.js';
