export { type BcsApplication, type BcsApplicationOptions, toBcsApplication } from './application.js';
export {
  type BcsKillPolicy,
  type BcsObjectMeta,
  type BcsResource,
  type BcsRestartPolicy,
  unixSeconds,
} from './common.js';
export { CREDENTIAL_FIELDS, REDACTED, redactCredentials } from './redact.js';
export {
  type BcsAttribute,
  type BcsDataClass,
  type BcsHealthCheckStatus,
  type BcsPortMapping,
  type BcsTask,
  type BcsTaskGroup,
  type BcsVolume,
  toBcsTask,
  toBcsTaskGroup,
} from './taskgroup.js';
export { TaskGroupsAnswers } from './taskgroups-answer.js';
export {
  type BcsContainer,
  type BcsDocker,
  type BcsProcess,
  type BcsVersion,
  toBcsVersion,
} from './version.js';
