// Deployment settings for sst.config.ts: plain functions, no handlers or adapters.
export * from './bucket.js';
export * from './codebuild.js';
export * from './deployment.js';
export * from './iam.js';
export * from './names.js';
export * from './schedules.js';
export * from './statemachine.js';
export * from './table.js';
