export * from './catalog.js';
export * from './environment.js';
export * from './errors.js';
export * from './progress-protocol.js';
export * from './progress.js';
