export { type StoreConformanceOptions, storeConformance } from './store/index.js';
