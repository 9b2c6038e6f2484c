/**
 * `@bcs/ws-events`: a WebSocket stream of live scheduler events (taskgroup, application and deployment status),
 * attached to an `http.Server` you own. `attachEventStream({ server, events, clusterId })` serves core's
 * `EventSource` (the `EventService`) at `/v4/scheduler/mesos/events`; the README is the protocol.
 */
export {
  attachEventStream,
  DEFAULT_EVENT_PATHS,
  type EventStream,
  type EventStreamOptions,
  type EventStreamStats,
} from './attach.js';
export { CloseCode } from './close-code.js';
export { createEncoder, type Encoder } from './encoder.js';
export { CLUSTER_HEADER, CLUSTER_QUERY_PARAMETER } from './handshake.js';
