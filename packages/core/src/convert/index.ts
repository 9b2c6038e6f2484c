export * from './compare-versions.js';
export * from './definition-to-version.js';
