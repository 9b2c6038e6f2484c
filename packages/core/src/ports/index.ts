export * from './clock.js';
export * from './id-generator.js';
export * from './logger.js';
export * from './mesos-driver.js';
export * from './outbound.js';
export * from './store.js';
