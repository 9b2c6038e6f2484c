export {
  applicationSnapshot,
  deploymentSnapshot,
  eventOfDeployment,
  eventsOfChanges,
  taskGroupSnapshot,
} from './derive.js';
export * from './event.js';
export * from './event-log.js';
export * from './subscribe-options.js';
