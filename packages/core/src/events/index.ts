export {
  applicationSnapshot,
  type ChangeSet,
  deploymentSnapshot,
  eventOfDeployment,
  eventsOfChanges,
  type StateBeforeChanges,
  taskGroupSnapshot,
} from './derive.js';
export * from './event.js';
export * from './event-log.js';
export * from './subscribe-options.js';
