export * from './build-runner.js';
export * from './buildspec.js';
export * from './logger.js';
export * from './orchestrator.js';
export * from './paths.js';
export * from './process-group.js';
export * from './recovery.js';
export * from './service.js';
