export * from './settings/bucket.js';
export * from './settings/codebuild.js';
export * from './settings/deployment.js';
export * from './settings/iam.js';
export * from './settings/names.js';
export * from './settings/schedules.js';
export * from './settings/statemachine.js';
export * from './settings/table.js';
