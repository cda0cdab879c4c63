export * from './context.js';
export * from './extras.js';
export * from './operations.js';
export * from './ports.js';
export * from './redact.js';
export * from './router.js';
export * from './steps.js';
export * from './support-bundle.js';
