export * from './catalog.js';
export * from './environment.js';
export * from './errors.js';
export * from './polyfills.js';
export * from './progress.js';
export * from './progress-protocol.js';
export * from './statemachines/index.js';
