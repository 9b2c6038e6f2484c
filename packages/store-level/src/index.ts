export { createLevelStore, type LevelStoreExtraOptions, type LevelStoreOptions } from './level-store.js';
export type { LevelDatabase } from './session.js';
