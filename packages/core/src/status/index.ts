export * from './application-status.js';
export * from './lifecycle.js';
export * from './restart-policy.js';
export * from './task-status.js';
export * from './taskgroup-status.js';
