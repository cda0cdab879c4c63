export { assertArtifactKey, assertArtifactPrefix } from './artifact-key.js';
export * from './artifacts.js';
export * from './clients.js';
export { type Condition, isConditionFailure } from './conditions.js';
export { newRunId } from './keys.js';
export { notStarted } from './phase-state.js';
export { Store, type StoreOptions } from './store.js';
export * from './table.js';
export * from './types.js';
