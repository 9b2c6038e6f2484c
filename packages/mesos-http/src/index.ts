export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export {
  createMesosHttpDriver,
  MESOS_HTTP_DEFAULTS,
  MesosHttpDriver,
  type MesosHttpDriverOptions,
} from './driver.js';
export { MesosCallError, type MesosCallFailure } from './errors.js';
export {
  DEFAULT_MAX_RECORD_BYTES,
  encodeRecord,
  RecordIoDecoder,
  type RecordIoDecoderOptions,
  RecordIoError,
} from './recordio.js';
export { redirectTarget, SCHEDULER_PATH, schedulerEndpoint } from './wire.js';
