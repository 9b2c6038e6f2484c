export { createHttpApp, type HttpApp, type HttpAppOptions } from './app.js';
export { DEFAULT_BODY_LIMIT, readJson } from './body.js';
export { type Envelope, failure, success } from './envelope.js';
export { CLUSTER_HEADER, requireClusterId } from './middleware/cluster-header.js';
export { errorHandler } from './middleware/error-handler.js';
export { requestLog } from './middleware/request-log.js';
export type { RouteDeps } from './routes/deps.js';
export { createV4Routes, V4_PREFIXES } from './routes/index.js';
export { NOT_YET_IMPLEMENTED } from './routes/not-implemented.js';
