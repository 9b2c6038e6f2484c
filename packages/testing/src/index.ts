export * from './builders/index.js';
export * from './cluster/index.js';
export * from './conformance/index.js';
export * from './fakes/index.js';
